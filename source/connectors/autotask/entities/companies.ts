// Companies (Autotask "accounts", README › Words at the repository root): the account list, account types and
// the company UDF that receives the mapped tenant's name (README › The console, Accounts; README §4.1 here).
import type { FieldWriteResult, PsaAccount } from '../../../domain/types.js';
import { INCLUDE_FIELDS_CAN_NAME_UDFS, UDF_CLEAR_VALUE } from '../assumptions.js';
import type { AutotaskClient } from '../client.js';
import { toInt } from '../ids.js';
import { labelOf, type FieldCatalog } from '../picklists.js';
import { q } from '../query.js';
import { bool, num, optNum, str, udfs, type WireRecord } from '../wire.js';

const ENTITY = 'Companies';

export class Companies {
  constructor(
    private readonly client: AutotaskClient,
    private readonly catalog: FieldCatalog,
  ) {}

  async list(): Promise<PsaAccount[]> {
    const what = 'list companies';
    // Whole records: we need userDefinedFields, and naming them in IncludeFields is unconfirmed.
    const include = INCLUDE_FIELDS_CAN_NAME_UDFS ? ['id', 'companyName', 'companyType', 'isActive', 'userDefinedFields'] : undefined;
    const [records, types] = await Promise.all([this.client.query(ENTITY, [q.all()], what, include), this.catalog.picklist(ENTITY, 'companyType')]);
    return records.map((r: WireRecord) => {
      const type = optNum(r, 'companyType', what);
      const customFields: Record<string, string | null> = {};
      for (const u of udfs(r, what)) customFields[u.name] = u.value;
      return {
        id: String(num(r, 'id', what)),
        name: str(r, 'companyName', what),
        active: bool(r, 'isActive', what),
        type: labelOf(types, type) ?? (type === null ? '' : `Type ${type}`),
        customFields,
      };
    });
  }

  /** Active companyType labels in Autotask's order. */
  async types(): Promise<string[]> {
    return (await this.catalog.picklist(ENTITY, 'companyType')).filter((v) => v.active).map((v) => v.label);
  }

  /**
   * Writes (or with null clears) one company UDF: PATCH Companies {id, userDefinedFields:[{name, value}]}
   * changes only the listed UDF (README §2.5). A UDF the tenant has not defined is reported, not thrown.
   */
  async setField(accountId: string, field: string, value: string | null): Promise<FieldWriteResult> {
    const id = toInt(accountId, 'company id');
    const definitions = await this.catalog.userDefinedFields(ENTITY);
    const exact = definitions.find((d) => d.name === field) ?? definitions.find((d) => d.name.toLowerCase() === field.toLowerCase());
    if (!exact) return 'field-missing';
    await this.client.update(
      ENTITY,
      { id, userDefinedFields: [{ name: exact.name, value: value ?? UDF_CLEAR_VALUE }] },
      `update company ${id}'s "${exact.name}" field`,
      `Look at company ${id}'s "${exact.name}" field in Autotask; writing the same value again is harmless.`,
    );
    return 'written';
  }
}
