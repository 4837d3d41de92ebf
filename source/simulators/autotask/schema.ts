// The entities the Autotask simulator serves and their fields.
//
// Field names and types are the swagger definitions (`…Model`, PascalCase; connectors/autotask/README.md §8)
// turned into the wire's camelCase (README §2 there). Required/read-only flags, lengths
// and picklist markers come from the entity notes of README §4 and the vendor's entity pages (they are not in the swagger). The
// simulator is strict where Autotask is known to be strict (unknown fields in a
// filter, booleans), so connector mistakes fail here before they fail at an MSP.

export type FieldType = 'long' | 'int' | 'double' | 'string' | 'datetime' | 'bool';

export interface FieldSpec {
  name: string;
  type: FieldType;
  readOnly: boolean;
  required: boolean;
  queryable: boolean;
  picklist: boolean;
  /** For dependent picklists: the field whose value is the parent (subIssueType → issueType). */
  parentField: string | null;
  reference: string | null;
  length: number | null;
}

export interface EntitySpec {
  /** REST name, as in the URL: "Companies". */
  name: string;
  /** Singular name used in Autotask's error texts ("Unable to find X in the Ticket Entity"). */
  label: string;
  fields: FieldSpec[];
  canQuery: boolean;
  canCreate: boolean;
  canUpdate: boolean;
  hasUdfs: boolean;
}

/**
 * Compact field list: `name:type[:flag…]`, flags ro (read-only), req (required on create),
 * pick (picklist), nq (not queryable), len=N, ref=Entity, parent=field.
 */
function parse(spec: string): FieldSpec[] {
  return spec
    .trim()
    .split(/\s+/)
    .map((token) => {
      const [name, type, ...flags] = token.split(':');
      const opt = (prefix: string) => flags.find((f) => f.startsWith(prefix))?.slice(prefix.length) ?? null;
      const length = opt('len=');
      return {
        name: name!,
        type: type as FieldType,
        readOnly: flags.includes('ro') || name === 'id',
        required: flags.includes('req'),
        queryable: !flags.includes('nq'),
        picklist: flags.includes('pick'),
        parentField: opt('parent='),
        reference: opt('ref='),
        length: length === null ? null : Number(length),
      };
    });
}

function entity(name: string, label: string, caps: { create: boolean; update: boolean; query?: boolean }, fields: string): EntitySpec {
  return { name, label, fields: parse(fields), canQuery: caps.query ?? true, canCreate: caps.create, canUpdate: caps.update, hasUdfs: true };
}

export const ENTITIES: readonly EntitySpec[] = [
  entity(
    'Companies',
    'Account',
    { create: true, update: true },
    `id:long additionalAddressInformation:string:len=100 address1:string:len=150 address2:string:len=150 alternatePhone1:string:len=25
     alternatePhone2:string:len=25 apiVendorID:int:ro:pick assetValue:double billToCompanyLocationID:int billToAdditionalAddressInformation:string:len=100
     billingAddress1:string:len=150 billingAddress2:string:len=150 billToAddressToUse:int:pick billToAttention:string:len=50 billToCity:string:len=50
     billToCountryID:int billToState:string:len=128 billToZipCode:string:len=50 city:string:len=30 classification:int:pick
     companyName:string:req:len=100 companyNumber:string:len=50 companyType:int:req:pick competitorID:int:pick countryID:int
     createDate:datetime:ro createdByResourceID:int:ro:ref=Resources currencyID:int fax:string:len=25 impersonatorCreatorResourceID:int:ro
     invoiceEmailMessageID:int invoiceMethod:int:pick invoiceNonContractItemsToParentCompany:bool invoiceTemplateID:int isActive:bool
     isClientPortalActive:bool:ro isEnabledForComanaged:bool isTaskFireActive:bool:ro isTaxExempt:bool lastActivityDate:datetime:ro
     lastTrackedModifiedDateTime:datetime:ro marketSegmentID:int:pick ownerResourceID:int:req:ref=Resources parentCompanyID:int:ref=Companies
     phone:string:req:len=25 postalCode:string:len=20 quoteEmailMessageID:int quoteTemplateID:int sicCode:string:len=32 state:string:len=25
     stockMarket:string:len=10 stockSymbol:string:len=10 surveyCompanyRating:double:ro taxID:string:len=50 taxRegionID:int:pick
     territoryID:int:pick webAddress:string:len=255`,
  ),
  entity(
    'Contracts',
    'Contract',
    { create: true, update: true },
    `id:long billingPreference:int:pick billToCompanyContactID:int billToCompanyID:int:ref=Companies companyID:int:req:ref=Companies
     contactID:int contactName:string:ro contractCategory:int:pick contractExclusionSetID:int contractName:string:req:len=100
     contractNumber:string:len=50 contractPeriodType:int:pick contractType:int:req:pick description:string:len=2000 endDate:datetime:req
     estimatedCost:double estimatedHours:double estimatedRevenue:double exclusionContractID:long internalCurrencyOverageBillingRate:double
     internalCurrencySetupFee:double isCompliant:bool:ro isDefaultContract:bool opportunityID:int organizationalLevelAssociationID:int
     overageBillingRate:double purchaseOrderNumber:string:len=50 renewedContractID:long serviceLevelAgreementID:int:pick setupFee:double
     setupFeeBillingCodeID:long startDate:datetime:req status:int:req:pick timeReportingRequiresStartAndStopTimes:int:req`,
  ),
  entity(
    'Services',
    'Service',
    { create: true, update: true },
    `id:long billingCodeID:int:req:ref=BillingCodes createDate:datetime:ro creatorResourceID:int:ro description:string:len=400
     invoiceDescription:string:len=1000 isActive:bool lastModifiedDate:datetime:ro markupRate:double name:string:req:len=150
     periodType:int:req:pick serviceLevelAgreementID:long unitCost:double unitPrice:double:req updateResourceID:int:ro vendorCompanyID:int`,
  ),
  entity(
    'ContractServices',
    'ContractService',
    // Created and updated only through Contracts/{id}/Services (README §4.4).
    { create: false, update: false },
    `id:long adjustedPrice:double contractID:int:req:ref=Contracts internalCurrencyAdjustedPrice:double:ro internalCurrencyUnitPrice:double:ro
     internalDescription:string:len=1000 invoiceDescription:string:len=1000 quoteItemID:long serviceID:int:req:ref=Services unitCost:double
     unitPrice:double`,
  ),
  entity(
    'ContractServiceUnits',
    'ContractServiceUnit',
    { create: false, update: false },
    `id:long approveAndPostDate:datetime:ro contractID:int:ro contractServiceID:int:ro cost:double:ro endDate:datetime:ro
     internalCurrencyPrice:double:ro organizationalLevelAssociationID:int:ro price:double:ro serviceID:int:ro startDate:datetime:ro
     units:int:ro vendorCompanyID:int:ro`,
  ),
  entity(
    'ContractServiceAdjustments',
    'ContractServiceAdjustment',
    // Create-only: cannot be queried, updated or deleted (README §4.4).
    { create: true, update: false, query: false },
    `id:long adjustedUnitCost:double adjustedUnitPrice:double allowRepeatService:bool contractID:int:ref=Contracts
     contractServiceID:int:ref=ContractServices effectiveDate:datetime:req quoteItemID:int serviceID:int:ref=Services unitChange:int`,
  ),
  // externalID:len=50 — its length is UNCONFIRMED (README §6); 50 matches the connector's
  // fallback (assumptions.ts). A fixture may override it (fieldLengths).
  entity(
    'Tickets',
    'Ticket',
    { create: true, update: true },
    `id:long apiVendorID:int:ro assignedResourceID:int:ref=Resources assignedResourceRoleID:int billingCodeID:int:ref=BillingCodes
     changeApprovalBoard:int changeApprovalStatus:int:pick changeApprovalType:int:pick changeInfoField1:string:len=8000
     changeInfoField2:string:len=8000 changeInfoField3:string:len=8000 changeInfoField4:string:len=8000 changeInfoField5:string:len=8000
     companyID:int:req:ref=Companies companyLocationID:int completedByResourceID:int:ro completedDate:datetime:ro configurationItemID:int
     contactID:int contractID:int:ref=Contracts contractServiceBundleID:long contractServiceID:long createDate:datetime:ro
     creatorResourceID:int:ro creatorType:int:ro:nq currentServiceThermometerRating:int:ro description:string:len=8000 dueDateTime:datetime
     estimatedHours:double externalID:string:len=50 firstResponseAssignedResourceID:int:ro firstResponseDateTime:datetime:ro
     firstResponseDueDateTime:datetime:ro firstResponseInitiatingResourceID:int:ro hoursToBeScheduled:double impersonatorCreatorResourceID:int:ro
     issueType:int:pick lastActivityDate:datetime:ro lastActivityPersonType:int:ro:nq lastActivityResourceID:int:ro
     lastCustomerNotificationDateTime:datetime:ro lastCustomerVisibleActivityDateTime:datetime:ro lastTrackedModificationDateTime:datetime:ro
     monitorID:int monitorTypeID:int opportunityID:int organizationalLevelAssociationID:int previousServiceThermometerRating:int:ro
     priority:int:req:pick problemTicketId:int projectID:int purchaseOrderNumber:string:len=50 queueID:int:pick resolution:string:len=32000
     resolutionPlanDateTime:datetime:ro resolutionPlanDueDateTime:datetime:ro resolvedDateTime:datetime:ro resolvedDueDateTime:datetime:ro
     rmaStatus:int:pick rmaType:int:pick rmmAlertID:string serviceLevelAgreementHasBeenMet:bool:ro serviceLevelAgreementID:int:pick
     serviceLevelAgreementPausedNextEventHours:double:ro serviceThermometerTemperature:int:ro source:int:pick status:int:req:pick
     subIssueType:int:pick:parent=issueType ticketCategory:int:pick ticketNumber:string:ro ticketType:int:pick title:string:req:len=255`,
  ),
  entity(
    'TicketNotes',
    'TicketNote',
    // Created through Tickets/{id}/Notes only (README §4.6).
    { create: false, update: false },
    `id:long createDateTime:datetime:ro creatorResourceID:int:ro description:string:req:len=32000 impersonatorCreatorResourceID:int:ro
     impersonatorUpdaterResourceID:int:ro lastActivityDate:datetime:ro noteType:int:req:pick publish:int:req:pick
     ticketID:int:req:ref=Tickets title:string:len=250`,
  ),
  entity(
    'BillingCodes',
    'BillingCode',
    { create: false, update: false },
    `id:long afterHoursWorkType:int billingCodeType:int:ro:pick department:int description:string:len=500 externalNumber:string:len=100
     generalLedgerAccount:int isActive:bool isExcludedFromNewContracts:bool markupRate:double name:string:len=200 taxCategoryID:int
     unitCost:double unitPrice:double useType:int:pick`,
  ),
  entity(
    'Resources',
    'Resource',
    { create: false, update: false },
    `id:long email:string:len=50 firstName:string:len=50 isActive:bool lastName:string:len=50 licenseType:int:pick
     resourceType:string userName:string:len=32 defaultServiceDeskRoleID:long title:string:len=50`,
  ),
];

const byName = new Map(ENTITIES.map((e) => [e.name.toLowerCase(), e]));

export function entitySpec(name: string): EntitySpec | undefined {
  return byName.get(name.toLowerCase());
}

/** A field by name, case-insensitively (the wire is camelCase, the docs PascalCase). */
export function fieldSpec(entity: EntitySpec, name: string): FieldSpec | undefined {
  const wanted = name.toLowerCase();
  return entity.fields.find((f) => f.name.toLowerCase() === wanted);
}

/** entityInformation/fields dataType names (README §2.4: "integer" in the examples). */
export function dataTypeName(type: FieldType): string {
  return { long: 'long', int: 'integer', double: 'double', string: 'string', datetime: 'datetime', bool: 'boolean' }[type];
}
