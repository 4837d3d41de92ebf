// Accounts: the account list with its custom fields, account types, the custom field that
// receives the mapped tenant's name, and each account's External Product cross-reference that
// decides whether Tigerpaw takes usage for it (README › The console, Accounts; README §4.1–§4.2
// here).
import pLimit from 'p-limit';
import type { AccountBillingReadiness, FieldWriteResult, PsaAccount } from '../../../domain/types.js';
import type { AccountListOptions } from '../../../domain/ports.js';
import { ACCOUNT_READS_AT_ONCE, CLEARED_FIELD_VALUE, INACTIVE_ACCOUNT_STATUS, MATCH_ALL_CRITERIA, sameExternalProduct } from '../assumptions.js';
import type { TigerpawClient } from '../client.js';
import { isRecordNotFound } from '../errors.js';
import { toInt } from '../ids.js';
import { asArray, flag, num, optNum, optStr, record, str, type WireRecord } from '../wire.js';

export interface CustomField {
  label: string;
  value: string | null;
  /** Every property as read, so the one field written goes back as Tigerpaw sent it. */
  raw: WireRecord;
}

function customFields(records: WireRecord[], what: string): CustomField[] {
  return records.map((r) => {
    const value = optStr(r, 'Value', what);
    return { label: (optStr(r, 'Label', what) ?? '').trim(), value: value === '' ? null : value, raw: r };
  });
}

/** The field by Label, exact first, then ignoring case (README §4.1). */
function findField(fields: CustomField[], label: string): CustomField | undefined {
  const wanted = label.trim();
  return fields.find((f) => f.label === wanted) ?? fields.find((f) => f.label.toLowerCase() === wanted.toLowerCase());
}

const EXTERNAL_PRODUCTS_PLACE = 'Edit › Master Tables › Account › External Products';

export class Accounts {
  constructor(private readonly client: TigerpawClient) {}

  /**
   * Every account (advanced search without criteria, paged), then each account's custom fields,
   * a few accounts at a time: the Accounts tab shows the tenant-name field's value next to each
   * account, which guards billing against an account mapped to the wrong tenant.
   */
  async list(options: AccountListOptions = {}): Promise<PsaAccount[]> {
    const what = 'list accounts';
    const rows = await this.client.advancedSearch('/api/accounts/search', 'Accounts', MATCH_ALL_CRITERIA, what, 'accounts');
    const seen = new Map<number, WireRecord>();
    for (const r of rows) seen.set(num(r, 'AccountNumber', what), r);
    const limit = pLimit(ACCOUNT_READS_AT_ONCE);
    const wanted = options.customFieldsOf ? new Set(options.customFieldsOf) : null;
    return Promise.all(
      [...seen].map(([n, r]) =>
        limit(async () => {
          const account = record(r, 'Account', what);
          const values: Record<string, string | null> = {};
          // Custom fields cost a request per account: read only where the caller needs them.
          if (!wanted || wanted.has(String(n))) for (const f of await this.fields(n)) if (f.label && !(f.label in values)) values[f.label] = f.value;
          return {
            id: String(n),
            name: str(account, 'Name', what),
            active: !INACTIVE_ACCOUNT_STATUS.test(optStr(account, 'Status', what) ?? ''),
            type: optStr(account, 'AccountType', what) ?? '',
            customFields: values,
          };
        }),
      ),
    );
  }

  /** Account type names (GET /api/mastertables/accounts/types: [{Id, Value}]). */
  async types(): Promise<string[]> {
    const what = 'list account types';
    const records = await this.client.getList('/api/mastertables/accounts/types', what, 'masterTables');
    return records.map((r) => optStr(r, 'Value', what)).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  }

  async fields(accountNumber: number): Promise<CustomField[]> {
    const what = `read the custom fields of account ${accountNumber}`;
    const response = await this.client.send({ method: 'GET', path: `/api/accounts/${accountNumber}/customfields`, action: what, area: 'customFields', item: true });
    return customFields(asArray(this.client.json(response), what), what);
  }

  /**
   * Writes (or with null clears) one account custom field, found by its Label (README §4.1). Only
   * that field is sent back, with its Value changed; a Label the account lacks is reported, not
   * thrown. Nothing is written when the field already holds the value.
   */
  async setField(accountId: string, label: string, value: string | null): Promise<FieldWriteResult> {
    const n = toInt(accountId, 'account number');
    const field = findField(await this.fields(n), label);
    if (!field) return 'field-missing';
    const wanted = value === '' ? null : value;
    if (field.value === wanted) return 'written';
    await this.client.write({
      method: 'PUT',
      path: `/api/accounts/${n}/customfields`,
      body: [{ ...field.raw, Value: wanted ?? CLEARED_FIELD_VALUE }],
      action: `update account ${n}'s "${field.label}" field`,
      area: 'customFields',
      item: true,
      check: `Look at account ${n}'s "${field.label}" custom field in Tigerpaw; writing the same value again is harmless.`,
    });
    return 'written';
  }

  /**
   * Per account, whether it is cross-referenced to the integration's External Product (README
   * §4.2): Tigerpaw refuses additional charges for an account that is not. The External Products
   * master table is read first, so a product that does not exist at all is named as such.
   */
  async billingReadiness(accountIds: readonly string[]): Promise<AccountBillingReadiness[]> {
    const product = this.client.connection.externalProduct.trim();
    const masters = await this.externalProducts();
    const master = masters.find((m) => sameExternalProduct(m.name, product));
    if (!master || !master.active) {
      const problem = master ? `The External Product "${product}" is inactive in Tigerpaw` : `Tigerpaw has no External Product named "${product}"`;
      const remedy = master
        ? `Make "${product}" active in Tigerpaw (${EXTERNAL_PRODUCTS_PLACE}), or set the External Product on the Connections tab to the one kmsp's API user belongs to.`
        : `Create the External Product "${product}" in Tigerpaw (${EXTERNAL_PRODUCTS_PLACE}), or set the External Product on the Connections tab to the one kmsp's API user belongs to.`;
      return accountIds.map((accountId) => ({ accountId, ready: false, problem, remedy }));
    }
    const limit = pLimit(ACCOUNT_READS_AT_ONCE);
    return Promise.all(accountIds.map((accountId) => limit(() => this.readiness(accountId, product))));
  }

  private async readiness(accountId: string, product: string): Promise<AccountBillingReadiness> {
    const n = toInt(accountId, 'account number');
    const what = `read the External Products of account ${n}`;
    const response = await this.client.send({ method: 'GET', path: `/api/accounts/${n}/service/externalproducts`, action: what, area: 'accounts', item: true, accept: [404] });
    if (response.status === 404) {
      if (!isRecordNotFound(response, this.client.http.redactor)) throw this.client.failure(response, { action: what, area: 'accounts', item: true });
      return {
        accountId,
        ready: false,
        problem: `Account ${n} does not exist in Tigerpaw`,
        remedy: 'The account may have been deleted or merged in Tigerpaw; map the tenant to an account again.',
      };
    }
    const entries = asArray(this.client.json(response), what);
    if (entries.some((e) => sameExternalProduct(optStr(e, 'ExternalProduct', what), product))) return { accountId, ready: true, problem: null, remedy: null };
    return {
      accountId,
      ready: false,
      problem: `Account ${n} is not cross-referenced to the External Product "${product}"; Tigerpaw refuses additional charges for it`,
      remedy: `In Tigerpaw, open account ${n}, Service tab › External Products, and add the External Product "${product}". Billing skips the account until then.`,
    };
  }

  /** The External Products master table (GET /api/mastertables/externalproducts). */
  async externalProducts(): Promise<Array<{ id: number | null; name: string; active: boolean }>> {
    const what = 'list the External Products';
    const records = await this.client.getList('/api/mastertables/externalproducts', what, 'masterTables');
    // An entry without Active reads as active: only an explicit false turns it off.
    return records.map((r) => ({ id: optNum(r, 'ExternalProductId', what), name: (optStr(r, 'Product', what) ?? '').trim(), active: r.Active === undefined || r.Active === null || flag(r, 'Active', what) }));
  }
}
