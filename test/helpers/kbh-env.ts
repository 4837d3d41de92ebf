// Kaspersky Business Hub with a PSA, both simulated on loopback and started through the
// simulators' registry (startDemo), kmsp's connectors opened through the connectors' registry
// with the secrets the demo stored: what the Business Hub billing and ticket scenarios run on.
// The PSA is read through a small view, so one scenario runs unchanged on Autotask and on
// ConnectWise; each view reads what its simulator holds, never what kmsp says it wrote.
import { createPlatform, createPsa } from '../../source/connectors/factory.js';
import type { BillingSettings, Integration, KmspConfig, TenantMapping, TicketingSettings } from '../../source/domain/config.js';
import { calendarDate } from '../../source/domain/dates.js';
import type { Psa, SecurityPlatform } from '../../source/domain/ports.js';
import { startDemo } from '../../source/demo/environment.js';
import type { AutotaskSimulator } from '../../source/simulators/autotask/index.js';
import type { ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';
import type { KbhSimulator } from '../../source/simulators/kbh/index.js';
import type { RecordedRequest } from '../../source/simulators/server.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger, type Ledger } from '../../source/store/ledger.js';
import { resolvePaths, type KmspPaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { fixtureDir } from '../billing/helpers.js';

export const KBH_PSAS = ['autotask', 'connectwise'] as const;
export type KbhPsaKind = (typeof KBH_PSAS)[number];

export interface PsaTicketView {
  id: string;
  /** The tag kmsp wrote (Autotask externalID, ConnectWise externalXRef). */
  tag: string;
  title: string;
  accountId: string;
  priority: string;
  open: boolean;
}

/** What the simulated PSA holds, the same way on every PSA. */
export interface PsaView {
  readonly kind: KbhPsaKind;
  /** Units of an item on a contract today (Autotask: the current period; ConnectWise: its additions); null when not on it. */
  quantity(contractId: string, itemId: string): number | null;
  /** The PSA's records of kmsp's writes to an item (Autotask: adjustments; ConnectWise: additions, created or set). */
  records(contractId: string, itemId: string): number;
  /** Requests that write (not reads, not the simulator's control API). */
  writes(): RecordedRequest[];
  tickets(): PsaTicketView[];
  notes(ticketId: string): string[];
  /** A person closes the ticket in the PSA's GUI. */
  closeByPerson(ticketId: string): void;
}

const ref = (v: unknown): string => String((v as { id?: unknown } | null | undefined)?.id ?? '');

function autotaskView(at: AutotaskSimulator, timeZone: string): PsaView {
  const COMPLETE = 5;
  return {
    kind: 'autotask',
    quantity(contractId, itemId) {
      const today = calendarDate(new Date(), timeZone);
      const u = at.state.units.find((x) => String(x.contractID) === contractId && String(x.serviceID) === itemId && String(x.startDate).slice(0, 10) <= today && today <= String(x.endDate).slice(0, 10));
      return u ? Number(u.units) : null;
    },
    records: (contractId, itemId) => at.state.adjustments.filter((a) => String(a.contractID) === contractId && String(a.serviceID) === itemId).length,
    writes: () => at.requests.filter((r) => r.method !== 'GET' && !/\/query|^\/_sim\//i.test(r.path)),
    tickets: () =>
      (at.state.tickets as Array<Record<string, unknown>>).map((t) => ({
        id: String(t.id),
        tag: String(t.externalID ?? ''),
        title: String(t.title),
        accountId: String(t.companyID),
        priority: String(t.priority),
        open: Number(t.status) !== COMPLETE,
      })),
    notes: (id) => (at.state.notes as Array<Record<string, unknown>>).filter((n) => String(n.ticketID) === id).map((n) => String(n.description)),
    closeByPerson: (id) => at.closeTicket(Number(id)),
  };
}

function connectWiseView(cw: ConnectWiseSimulator): PsaView {
  const additions = (contractId: string, itemId: string) =>
    cw.state.additions.filter((a) => String(a.agreementId) === contractId && ref(a.product) === itemId && !a.cancelledDate);
  return {
    kind: 'connectwise',
    quantity(contractId, itemId) {
      const held = additions(contractId, itemId);
      return held.length ? held.reduce((s, a) => s + Number(a.quantity), 0) : null;
    },
    records: (contractId, itemId) => additions(contractId, itemId).length,
    writes: () => cw.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/_sim/')),
    tickets: () =>
      (cw.state.tickets as Array<Record<string, unknown>>).map((t) => ({
        id: String(t.id),
        tag: String(t.externalXRef ?? ''),
        title: String(t.summary),
        accountId: ref(t.company),
        priority: ref(t.priority),
        open: t.closedFlag !== true,
      })),
    notes: (id) => (cw.state.notes as Array<Record<string, unknown>>).filter((n) => String(n.ticketId) === id).map((n) => String(n.text)),
    closeByPerson: (id) => cw.closeTicket(Number(id)),
  };
}

export interface KbhEnv {
  hub: KbhSimulator;
  psa: PsaView;
  /** The PSA's simulator itself, for what only it has (failure injection); null for the other PSA. */
  autotask: AutotaskSimulator | null;
  connectwise: ConnectWiseSimulator | null;
  paths: KmspPaths;
  config: KmspConfig;
  /** The saved integration; tests may change it (the jobs take it as given). */
  integration: Integration;
  /** kmsp's connectors through the connectors' registry, with the stored secrets. */
  connect(): Promise<{ platform: SecurityPlatform; psa: Psa; close(): Promise<void> }>;
  ledger(): Ledger;
  close(): Promise<void>;
}

export interface KbhSetup {
  tenants: TenantMapping[];
  billing?: BillingSettings;
  /** The ticket settings from the defaults the demo resolved against the PSA's lists. */
  ticketing?: (defaults: TicketingSettings) => TicketingSettings;
  timeZone?: string;
}

/** Business Hub (dataset `<fixture>/kbh.json`) with the PSA `psa` (`<fixture>/<psa>.json`). */
export async function startKbhEnv(psa: KbhPsaKind, fixture: string, setup: KbhSetup): Promise<KbhEnv> {
  const demo = await startDemo({ psa, platform: 'kbh', fixturesDir: fixtureDir(fixture) });
  const paths = resolvePaths({ configDir: demo.configDir });
  const store = openConfig({ paths });
  const config = store.load();
  const base = config.integrations[0]!;
  const integration: Integration = {
    ...base,
    tenants: setup.tenants,
    billing: setup.billing ?? { byCategory: false, applications: [] },
    ticketing: setup.ticketing ? setup.ticketing(base.ticketing) : base.ticketing,
  };
  const timeZone = setup.timeZone ?? config.agent.timeZone;
  const saved: KmspConfig = { ...config, integrations: [integration], agent: { ...config.agent, timeZone } };
  store.save(saved, { actor: 'kbh scenario' });
  const secrets = openSecretStore({ paths, backends: ['file'] });
  const ledgers: Ledger[] = [];
  const sims = demo as unknown as { kbh: KbhSimulator; autotask: AutotaskSimulator; connectwise: ConnectWiseSimulator };
  return {
    hub: sims.kbh,
    psa: psa === 'autotask' ? autotaskView(sims.autotask, timeZone) : connectWiseView(sims.connectwise),
    autotask: psa === 'autotask' ? sims.autotask : null,
    connectwise: psa === 'connectwise' ? sims.connectwise : null,
    paths,
    config: saved,
    integration,
    async connect() {
      const lookup = (n: string) => secrets.get(n);
      const [p, q] = await Promise.all([createPlatform(integration, lookup), createPsa(integration, lookup)]);
      return { platform: p, psa: q, close: async () => void (await Promise.all([p.close(), q.close()])) };
    },
    ledger() {
      const l = openLedger({ paths });
      ledgers.push(l);
      return l;
    },
    async close() {
      for (const l of ledgers) l.close();
      await demo.close();
    },
  };
}
