// The ConnectWise connector's tests share this: a small fixture whose every record is there for
// a reason (named in its comment), the simulator's fixed clock, and a connector factory that
// never waits for real.
import type { ConnectWiseConnection } from '../../source/domain/config.js';
import { KmspError } from '../../source/domain/errors.js';
import type { HttpClientOptions } from '../../source/connectors/http.js';
import { createConnectWisePsa, type ConnectWisePsa } from '../../source/connectors/connectwise/index.js';
import { startConnectWiseSimulator, type ConnectWiseFixture, type ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';

/** The simulator's clock: every date below is relative to it, and no test reads the real one. */
export const NOW = new Date('2026-03-15T10:00:00Z');
export const TODAY = '2026-03-15';

export const PRIVATE_KEY = 'priv-K3y-5ecret-9f2c';

export const ids = {
  acme: 19300,
  beta: 19301,
  gamma: 19302,
  delta: 19303,
  epsilon: 19304,
  acmeAgreement: 4100,
  acmeCancelled: 4101,
  betaExpired: 4102,
  deltaBlock: 4103,
  epsilonTwice: 4104,
  kesWorkstation: 600,
  kesServer: 601,
  kswsOld: 602,
  backup: 603,
  kesbSelect: 604,
  kesMobile: 605,
  serviceDesk: 1,
  monitoring: 2,
  projects: 3,
  oldBoard: 4,
  secOps: 5,
  existingTicket: 250000,
} as const;

export function fixture(overrides: Partial<ConnectWiseFixture> = {}): ConnectWiseFixture {
  return {
    description: 'kmsp connector tests',
    apiMember: {
      companyId: 'kmsptest',
      publicKey: 'pubKey4711',
      privateKey: PRIVATE_KEY,
      clientId: '0d3f5c1e-7a44-4c5b-9a0e-2f1b6c7d8e9f',
      memberId: 150,
      memberIdentifier: 'kmsp-api',
      memberName: 'kmsp API',
    },
    // Not the default codebase: discovery must really be used.
    site: { companyName: 'kmsp test MSP', codebase: 'v2025_1/', versionCode: 'v2025.1', versionNumber: 'v4.6.2025.1', isCloud: true },
    members: [
      { id: 150, identifier: 'kmsp-api', name: 'kmsp API' },
      { id: 151, identifier: 'dana', name: 'Dana Dispatcher' },
    ],
    companyStatuses: [
      { id: 1, name: 'Active', defaultFlag: true },
      { id: 2, name: 'Inactive', inactiveFlag: true },
      // Not inactive by ConnectWise's flag, whatever its name suggests: kmsp follows the flag.
      { id: 3, name: 'Credit Hold', disallowSavingFlag: false },
    ],
    companyTypes: [
      { id: 1, name: 'Customer' },
      { id: 2, name: 'Prospect' },
      { id: 3, name: 'Vendor' },
    ],
    customFieldDefinitions: [
      { id: 7, caption: 'Kaspersky Tenant', type: 'Text' },
      { id: 8, caption: 'Seats', type: 'Number' },
    ],
    companies: [
      { id: ids.acme, identifier: 'AcmeSons', name: 'Acme and Sons Ltd', status: { id: 1 }, types: [{ id: 1 }], customFields: { 'Kaspersky Tenant': 'Acme VS', Seats: 12 } },
      { id: ids.beta, identifier: 'BetaLog', name: 'Beta Logistics', status: { id: 2 }, types: [{ id: 1 }, { id: 3 }] },
      // In the recycle bin: never listed.
      { id: ids.gamma, identifier: 'GammaOld', name: 'Gamma Old Co', status: { id: 1 }, types: [{ id: 1 }], deletedFlag: true },
      // A quote in the name; a status that is not inactive.
      { id: ids.delta, identifier: 'DeltaQ', name: 'Delta "Quote" Partners', status: { id: 3 }, types: [{ id: 2 }] },
      // No type at all.
      { id: ids.epsilon, identifier: 'Epsilon', name: 'Epsilon Traders', status: { id: 1 }, types: [] },
    ],
    agreementTypes: [
      { id: 1, name: 'Managed Services' },
      { id: 2, name: 'Block Time' },
    ],
    agreements: [
      { id: ids.acmeAgreement, name: 'Acme Managed Security', company: { id: ids.acme }, type: { id: 1 }, startDate: '2026-01-01T00:00:00Z', noEndingDateFlag: true },
      { id: ids.acmeCancelled, name: 'Acme 2025', company: { id: ids.acme }, type: { id: 1 }, startDate: '2025-01-01T00:00:00Z', endDate: '2025-12-31T00:00:00Z', cancelledFlag: true },
      { id: ids.betaExpired, name: 'Beta MS 2025', company: { id: ids.beta }, type: { id: 1 }, startDate: '2025-01-01T00:00:00Z', endDate: '2025-12-31T00:00:00Z' },
      { id: ids.deltaBlock, name: 'Delta Block Hours', company: { id: ids.delta }, type: { id: 2 }, startDate: '2026-01-01T00:00:00Z', endDate: '2026-12-31T00:00:00Z' },
      { id: ids.epsilonTwice, name: 'Epsilon MS', company: { id: ids.epsilon }, type: { id: 1 }, startDate: '2026-01-01T00:00:00Z', noEndingDateFlag: true },
    ],
    catalog: [
      { id: ids.kesWorkstation, identifier: 'KES-ADV-WS', description: 'KES Advanced – Workstation', recurringFlag: true, price: 4.5, cost: 2 },
      { id: ids.kesServer, identifier: 'KES-ADV-SRV', description: 'KES Advanced – Server', recurringFlag: true, price: 9, cost: 4 },
      { id: ids.kswsOld, identifier: 'KSWS-OLD', description: 'Kaspersky Security for Windows Server (retired)', inactiveFlag: true },
      { id: ids.backup, identifier: 'BACKUP-DEV', description: 'Backup per device', recurringFlag: true },
      { id: ids.kesbSelect, identifier: 'KESB-SELECT', description: 'KESB Select', recurringFlag: true },
      { id: ids.kesMobile, identifier: 'KES-MOB', description: 'KES Mobile', recurringFlag: true },
    ],
    additions: [
      { id: 88000, agreementId: ids.acmeAgreement, product: { id: ids.kesWorkstation }, quantity: 36, effectiveDate: '2026-01-01T00:00:00Z', billCustomer: 'Billable' },
      // A product kmsp does not bill: read, never written.
      { id: 88001, agreementId: ids.acmeAgreement, product: { id: ids.backup }, quantity: 10, effectiveDate: '2026-01-01T00:00:00Z', billCustomer: 'Billable' },
      // Cancelled and re-added by a person: only the live one counts.
      { id: 88002, agreementId: ids.acmeAgreement, product: { id: ids.kesServer }, quantity: 3, effectiveDate: '2025-06-01T00:00:00Z', cancelledDate: '2026-02-01T00:00:00Z', billCustomer: 'Billable' },
      { id: 88003, agreementId: ids.acmeAgreement, product: { id: ids.kesServer }, quantity: 4, effectiveDate: '2026-02-01T00:00:00Z', billCustomer: 'Billable' },
      // Takes effect after today: not a current quantity, and not one kmsp may set.
      { id: 88004, agreementId: ids.acmeAgreement, product: { id: ids.kesbSelect }, quantity: 5, effectiveDate: '2026-04-01T00:00:00Z', billCustomer: 'Billable' },
      // Two live additions of one product: kmsp cannot tell which to set.
      { id: 88005, agreementId: ids.epsilonTwice, product: { id: ids.kesWorkstation }, quantity: 2, effectiveDate: '2026-01-01T00:00:00Z', billCustomer: 'Billable' },
      { id: 88006, agreementId: ids.epsilonTwice, product: { id: ids.kesWorkstation }, quantity: 3, effectiveDate: '2026-02-01T00:00:00Z', billCustomer: 'Billable' },
    ],
    boards: [
      { id: ids.serviceDesk, name: 'Service Desk' },
      { id: ids.monitoring, name: 'Monitoring Alert' },
      { id: ids.projects, name: 'Projects Intake', projectFlag: true },
      { id: ids.oldBoard, name: 'Old Board', inactiveFlag: true },
      { id: ids.secOps, name: 'Security Operations' },
    ],
    statuses: [
      { id: 10, name: 'New', board: { id: ids.serviceDesk }, defaultFlag: true, sortOrder: 1 },
      { id: 11, name: 'In Progress', board: { id: ids.serviceDesk }, sortOrder: 2 },
      { id: 13, name: 'Closed', board: { id: ids.serviceDesk }, closedStatus: true, sortOrder: 4 },
      { id: 12, name: 'Completed', board: { id: ids.serviceDesk }, closedStatus: true, sortOrder: 3 },
      { id: 14, name: 'Retired', board: { id: ids.serviceDesk }, inactive: true, sortOrder: 5 },
      { id: 20, name: 'New', board: { id: ids.monitoring }, defaultFlag: true, sortOrder: 1 },
      { id: 21, name: 'Closed', board: { id: ids.monitoring }, closedStatus: true, sortOrder: 2 },
      { id: 30, name: 'New', board: { id: ids.projects }, defaultFlag: true, sortOrder: 1 },
      { id: 40, name: 'New', board: { id: ids.oldBoard }, defaultFlag: true, sortOrder: 1 },
      { id: 50, name: 'New', board: { id: ids.secOps }, defaultFlag: true, sortOrder: 1 },
      { id: 51, name: 'Resolved', board: { id: ids.secOps }, closedStatus: true, sortOrder: 2 },
    ],
    types: [
      { id: 100, name: 'Maintenance', board: { id: ids.serviceDesk }, defaultFlag: true },
      { id: 200, name: 'Malware', board: { id: ids.monitoring } },
      { id: 201, name: 'Security Incident', board: { id: ids.monitoring } },
      { id: 500, name: 'Malware', board: { id: ids.secOps } },
    ],
    subtypes: [
      { id: 300, name: 'Ransomware', board: { id: ids.monitoring }, typeAssociationIds: [200, 201] },
      { id: 301, name: 'Phishing', board: { id: ids.monitoring }, typeAssociationIds: [201] },
      { id: 302, name: 'Generic', board: { id: ids.monitoring }, typeAssociationIds: [] },
    ],
    items: [
      { id: 400, name: 'Workstation', board: { id: ids.monitoring } },
      { id: 401, name: 'Server', board: { id: ids.monitoring }, inactiveFlag: true },
    ],
    priorities: [
      { id: 4, name: 'Low', sortOrder: 4, level: 'Low' },
      { id: 1, name: 'Critical', sortOrder: 1, level: 'Critical' },
      { id: 3, name: 'Medium', sortOrder: 3, level: 'Medium', defaultFlag: true },
      { id: 2, name: 'High', sortOrder: 2, level: 'High' },
    ],
    sources: [
      { id: 1, name: 'Email' },
      { id: 2, name: 'Phone' },
      { id: 3, name: 'Monitoring', defaultFlag: true },
    ],
    tickets: [
      { id: ids.existingTicket, summary: 'Existing alert', company: { id: ids.acme }, board: { id: ids.monitoring }, status: { id: 20 }, externalXRef: 'kmsp:existing', _info: { dateEntered: '2026-03-01T08:00:00Z' } },
      // The same tag in other case: ConnectWise may match it, kmsp must not.
      { id: 250001, summary: 'Other tool', company: { id: ids.acme }, board: { id: ids.monitoring }, status: { id: 20 }, externalXRef: 'KMSP:EXISTING' },
    ],
    ...overrides,
  };
}

export function startSim(f: ConnectWiseFixture = fixture()): Promise<ConnectWiseSimulator> {
  return startConnectWiseSimulator({ fixture: f, now: () => NOW, sleep: async () => undefined });
}

export interface Connected {
  psa: ConnectWisePsa;
  /** Every wait the HTTP layer asked for (Retry-After, backoff), in ms. */
  sleeps: number[];
}

export function connectionOf(sim: ConnectWiseSimulator, overrides: Partial<ConnectWiseConnection> = {}): ConnectWiseConnection {
  return {
    kind: 'connectwise',
    siteUrl: sim.siteUrl,
    companyId: sim.companyId,
    publicKey: sim.publicKey,
    clientId: sim.clientId,
    codebase: null,
    tenantNameField: 'Kaspersky Tenant',
    caFile: null,
    ...overrides,
  };
}

export function connect(sim: ConnectWiseSimulator, options: { connection?: Partial<ConnectWiseConnection>; privateKey?: string; http?: Partial<HttpClientOptions> } = {}): Connected {
  const sleeps: number[] = [];
  const psa = createConnectWisePsa({
    connection: connectionOf(sim, options.connection),
    privateKey: options.privateKey ?? sim.privateKey,
    httpOptions: {
      backoffBaseMs: 1,
      backoffMaxMs: 4,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...options.http,
    },
  });
  return { psa, sleeps };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(p: Promise<unknown>): Promise<KmspError> {
  const outcome = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(outcome instanceof KmspError)) throw new Error(`expected a KmspError, got ${outcome === null ? 'success' : String(outcome)}`);
  return outcome;
}
