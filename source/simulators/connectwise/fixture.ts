// The ConnectWise Manage simulator's dataset (connectwise.json). See FIXTURE.md for the format.
// Records are written in ConnectWise's wire form (camelCase field names, integer ids,
// references as objects, of which `{id}` is enough: the simulator fills in the rest).
// Datetimes may be ISO strings or relative to the moment the simulator starts
// ("startOfYear", "now-1d"; ../fixtureTime.ts).
import { readFileSync } from 'node:fs';

/** What an API member's security role allows in one area: nothing, reading, or reading and writing. */
export type CwAccess = 'none' | 'read' | 'write';

/**
 * Areas of the security role the simulator checks (see FIXTURE.md › Permissions):
 * companies (companies, their statuses and types), agreements (agreements and agreement
 * types), additions (agreement additions), catalog (procurement catalog), boards (service
 * boards with their statuses, types, subtypes and items, priorities, sources), tickets
 * (service tickets and their notes).
 */
export type CwArea = 'companies' | 'agreements' | 'additions' | 'catalog' | 'boards' | 'tickets';

export const CW_AREAS: readonly CwArea[] = ['companies', 'agreements', 'additions', 'catalog', 'boards', 'tickets'];

export interface CwApiMember {
  /** The company id of the site login (the part before "+" in the Basic user name). */
  companyId: string;
  publicKey: string;
  privateKey: string;
  /** The integration's registered clientId (a GUID); every API call must send it. */
  clientId: string;
  /** The member the keys belong to (createdBy / updatedBy / note member). */
  memberId?: number;
  memberIdentifier?: string;
  memberName?: string;
  /** Security role; left out: everything allowed. An area left out of a given role: none. */
  permissions?: Partial<Record<CwArea, CwAccess>>;
}

/** What /login/companyinfo and /system/info tell about the site. */
export interface CwSite {
  companyName?: string;
  /** Codebase with its trailing slash (default "v4_6_release/"). */
  codebase?: string;
  versionCode?: string;
  versionNumber?: string;
  isCloud?: boolean;
  serverTimeZone?: string;
}

/** A person in the ConnectWise UI: who the control API's edits are attributed to. */
export interface CwMember {
  id: number;
  identifier: string;
  name: string;
}

export interface CwCustomFieldDefinition {
  id: number;
  caption: string;
  /** CustomFieldValue.type (Text, Number, Checkbox, Date, …). */
  type?: string;
  entryMethod?: string;
  numberOfDecimals?: number;
}

export type CwRecord = Record<string, unknown> & { id?: number };

export interface ConnectWiseFixture {
  description?: string;
  apiMember: CwApiMember;
  site?: CwSite;
  /** People (closeTicket and UI edits are attributed to the first that is not the API member). */
  members?: CwMember[];
  companyStatuses?: CwRecord[];
  companyTypes?: CwRecord[];
  /** Company custom fields (user defined fields shown on every company as customFields[]). */
  customFieldDefinitions?: CwCustomFieldDefinition[];
  /** Company records; `customFields` may be an object {caption: value} or the wire array. */
  companies?: CwRecord[];
  agreementTypes?: CwRecord[];
  agreements?: CwRecord[];
  catalog?: CwRecord[];
  /** Agreement additions; each names its agreement with `agreementId`. */
  additions?: CwRecord[];
  boards?: CwRecord[];
  /** Board statuses; each names its board with `board: {id}`. Likewise types, subtypes, items. */
  statuses?: CwRecord[];
  types?: CwRecord[];
  subtypes?: CwRecord[];
  items?: CwRecord[];
  priorities?: CwRecord[];
  sources?: CwRecord[];
  tickets?: CwRecord[];
  /** Service notes; each names its ticket with `ticketId`. */
  notes?: CwRecord[];
  /** A ticket POSTed without a board goes to this one (default: the active non-project board with the lowest id). */
  defaultBoardId?: number;
}

export function loadConnectWiseFixture(path: string): ConnectWiseFixture {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const fixture = JSON.parse(text) as ConnectWiseFixture;
  checkFixture(fixture, path);
  return fixture;
}

export function checkFixture(fixture: ConnectWiseFixture, where = 'fixture'): void {
  const m = fixture.apiMember;
  if (!m?.companyId || !m.publicKey || !m.privateKey || !m.clientId) {
    throw new Error(`${where}: apiMember needs companyId, publicKey, privateKey and clientId`);
  }
  for (const [area, access] of Object.entries(m.permissions ?? {})) {
    if (!CW_AREAS.includes(area as CwArea)) throw new Error(`${where}: apiMember.permissions: unknown area ${area} (${CW_AREAS.join(', ')})`);
    if (!['none', 'read', 'write'].includes(access as string)) throw new Error(`${where}: apiMember.permissions.${area}: "${String(access)}" is not none, read or write`);
  }
}
