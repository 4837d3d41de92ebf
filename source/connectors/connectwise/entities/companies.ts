// Companies (ConnectWise's accounts, README › Words at the repository root): the account list,
// company types and the company custom field that receives the mapped tenant's name
// (README › The console, Accounts; README §4.1 here).
import { KmspError, isKmspError } from '../../../domain/errors.js';
import type { FieldWriteResult, PsaAccount } from '../../../domain/types.js';
import { INACTIVE_COMPANY_STATUS_NAME } from '../assumptions.js';
import { replace, type ConnectWiseClient } from '../client.js';
import { c } from '../conditions.js';
import { toInt } from '../ids.js';
import { customFields, customFieldText, flag, num, optRef, refList, str, type WireRecord } from '../wire.js';

const COMPANIES = 'company/companies';
const COMPANY_FIELDS = ['id', 'name', 'status', 'types', 'deletedFlag', 'customFields'];

export class Companies {
  constructor(private readonly client: ConnectWiseClient) {}

  /** Companies not in the recycle bin (deletedFlag=false, README §4.1). */
  async list(): Promise<PsaAccount[]> {
    const what = 'list companies';
    const [records, inactive] = await Promise.all([
      this.client.list(COMPANIES, { conditions: c.eq('deletedFlag', false), fields: COMPANY_FIELDS }, what, 'companies'),
      this.inactiveStatuses(),
    ]);
    return records
      .filter((r) => !flag(r, 'deletedFlag', what))
      .map((r: WireRecord) => {
        const status = optRef(r, 'status', what);
        const values: Record<string, string | null> = {};
        for (const f of customFields(r, what)) values[f.caption] = customFieldText(f.value);
        return {
          id: String(num(r, 'id', what)),
          name: str(r, 'name', what),
          active: status === null ? true : !(inactive.ids.has(status.id) || (!inactive.known.has(status.id) && INACTIVE_COMPANY_STATUS_NAME.test(status.name ?? ''))),
          type: refList(r, 'types', what)[0]?.name ?? '',
          customFields: values,
        };
      });
  }

  /**
   * The company statuses flagged inactive (README §4.1). `known` holds every status id read, so
   * a status missing from the list (a race, or a list kmsp may not read) is judged by its name.
   */
  private async inactiveStatuses(): Promise<{ ids: Set<number>; known: Set<number> }> {
    const what = 'list company statuses';
    let statuses: WireRecord[];
    try {
      statuses = await this.client.list(`${COMPANIES}/statuses`, { fields: ['id', 'name', 'inactiveFlag'] }, what, 'companies');
    } catch (error) {
      // A role that may list companies but not their status setup: judge statuses by name.
      if (isKmspError(error) && error.kind === 'permission') return { ids: new Set(), known: new Set() };
      throw error;
    }
    return {
      ids: new Set(statuses.filter((s) => flag(s, 'inactiveFlag', what)).map((s) => num(s, 'id', what))),
      known: new Set(statuses.map((s) => num(s, 'id', what))),
    };
  }

  /** Company type names (README §4.1), in ConnectWise's order. */
  async types(): Promise<string[]> {
    const what = 'list company types';
    const records = await this.client.list(`${COMPANIES}/types`, { fields: ['id', 'name'] }, what, 'companies');
    return records.map((r) => str(r, 'name', what));
  }

  async count(): Promise<number> {
    return this.client.count(COMPANIES, c.eq('deletedFlag', false), 'count companies', 'companies');
  }

  /**
   * Writes (or with null clears) one company custom field, found by its caption (README §4.1):
   * the company is read, and the whole customFields array is sent back with that one value
   * changed (ConnectWise replaces the array). A caption the company lacks is reported, not thrown.
   */
  async setField(accountId: string, caption: string, value: string | null): Promise<FieldWriteResult> {
    const id = toInt(accountId, 'company id');
    const what = `read company ${id}'s custom fields`;
    const record = await this.client.getItem(`${COMPANIES}/${id}`, what, 'companies', ['id', 'customFields']);
    if (!record) {
      throw new KmspError(`Company ${id} does not exist in ConnectWise`, {
        kind: 'not-found',
        cause: `GET ${COMPANIES}/${id} found nothing`,
        remedy: 'The company may have been deleted in ConnectWise; map the tenant to a company again.',
      });
    }
    const fields = customFields(record, what);
    const target = fields.find((f) => f.caption === caption) ?? fields.find((f) => f.caption.toLowerCase() === caption.toLowerCase());
    if (!target) return 'field-missing';
    if (customFieldText(target.value) === value) return 'written';
    const array = fields.map((f) => (f === target ? { ...f.raw, value } : f.raw));
    await this.client.patch(`${COMPANIES}/${id}`, [replace('customFields', array)], {
      action: `update company ${id}'s "${target.caption}" field`,
      area: 'companies',
      check: `Look at company ${id}'s "${target.caption}" field in ConnectWise; writing the same value again is harmless.`,
    });
    return 'written';
  }
}
