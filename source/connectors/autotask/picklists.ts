// Entity field metadata and picklists (README §2.4): GET {E}/entityInformation/fields
// answers {"fields":[FieldInfo]}; picklist values are strings, inactive values are
// still listed (isActive), and dependent lists carry parentValue. Each entity's
// field list is read once per connector and shared by every method that needs it.
import type { PicklistValue } from '../../domain/types.js';
import type { AutotaskClient } from './client.js';
import { list, type WireFieldInfo, type WirePicklistValue, type WireUdfDefinition } from './wire.js';

function toPicklistValue(w: WirePicklistValue): PicklistValue {
  const parent = w.parentValue === undefined || w.parentValue === null || w.parentValue === '' ? null : String(w.parentValue);
  return {
    value: String(w.value),
    label: String(w.label ?? w.value),
    // A value without the flag is active: older answers leave it out.
    active: w.isActive !== false,
    parentValue: parent,
    isDefault: w.isDefaultValue === true,
  };
}

/** Picklist values in Autotask's display order (sortOrder, then label). */
export function picklistValues(field: WireFieldInfo | undefined): PicklistValue[] {
  if (!field?.picklistValues) return [];
  return [...field.picklistValues]
    .sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0) || String(a.label).localeCompare(String(b.label)))
    .map(toPicklistValue);
}

/** The label of a picklist value (active or not), or null when the value is unknown. */
export function labelOf(values: readonly PicklistValue[], value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return values.find((v) => v.value === String(value))?.label ?? null;
}

export class FieldCatalog {
  private readonly fields = new Map<string, Promise<WireFieldInfo[]>>();
  private readonly udfs = new Map<string, Promise<WireUdfDefinition[]>>();

  constructor(private readonly client: AutotaskClient) {}

  /** All fields of an entity (cached; a failed read is retried next time). */
  entityFields(entity: string): Promise<WireFieldInfo[]> {
    let pending = this.fields.get(entity);
    if (!pending) {
      pending = this.client
        .getJson(`${entity}/entityInformation/fields`, `read the ${entity} field list`)
        .then((body) => list(body, 'fields', `${entity} fields`) as unknown as WireFieldInfo[]);
      this.fields.set(entity, pending);
      pending.catch(() => this.fields.delete(entity));
    }
    return pending;
  }

  /** Picklist values of one field; the field name is matched case-insensitively (the wire is camelCase, docs are not). */
  async picklist(entity: string, fieldName: string): Promise<PicklistValue[]> {
    const fields = await this.entityFields(entity);
    const wanted = fieldName.toLowerCase();
    return picklistValues(fields.find((f) => String(f.name).toLowerCase() === wanted));
  }

  /** UDF definitions of an entity (GET {E}/entityInformation/userDefinedFields, README §2.1), cached. */
  userDefinedFields(entity: string): Promise<WireUdfDefinition[]> {
    let pending = this.udfs.get(entity);
    if (!pending) {
      pending = this.client
        .getJson(`${entity}/entityInformation/userDefinedFields`, `read the ${entity} user-defined fields`)
        .then((body) => list(body, 'fields', `${entity} user-defined fields`) as unknown as WireUdfDefinition[]);
      this.udfs.set(entity, pending);
      pending.catch(() => this.udfs.delete(entity));
    }
    return pending;
  }
}
