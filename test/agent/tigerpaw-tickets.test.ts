// `kmsp agent --once --job tickets` as a user runs it (the built CLI: `npm run build` first), on a
// demo of the KSC and Tigerpaw simulators with the tickets-basic data: a service order locked in
// Tigerpaw's GUI is not closed, the pass prints its "close pending (locked by <rep>)" notice and
// ends well (a deferral is not an error); the pass after the lock is released closes it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Integration, KmspConfig } from '../../source/domain/config.js';
import { startDemo } from '../../source/demo/environment.js';
import { statusTicketKey } from '../../source/domain/ticketKeys.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { fixtureDir } from '../billing/helpers.js';
import { runCli } from '../helpers/cli.js';
import { ALPHA, ALPHA_ACCOUNT, WS1 } from '../tickets/helpers.js';

const DB = 7; // KLHST_WKS_STATUS_MASK bit: databases out of date
const KEY = statusTicketKey('demo', ALPHA, WS1, 'databases-outdated', 'critical');
const SECURITY_OPS = { value: '3', label: 'Security Operations' };
const PRIYA = { value: '13', label: 'Priya Nair' };
const DANA = 11; // Dana Whitfield, who opens the order in the GUI
const so = (o: Record<string, unknown> | undefined) => (o?.ServiceOrder ?? {}) as Record<string, unknown>;

describe('kmsp agent --once on Tigerpaw', () => {
  let demo: Awaited<ReturnType<typeof startDemo<'tigerpaw'>>> | null = null;
  afterEach(async () => {
    await demo?.close();
    demo = null;
  });

  it('prints the close-pending notice of a locked order, and closes it on the pass after the lock is released', async () => {
    demo = await startDemo({ psa: 'tigerpaw', fixturesDir: fixtureDir('tickets-basic') });
    const paths = resolvePaths({ configDir: demo.configDir });
    const store = openConfig({ paths });
    const config = store.load();
    const base = config.integrations[0]!;
    const row = base.ticketing.sections.criticalStatus!.find((r) => r.key === 'databases-outdated')!;
    row.enabled = true;
    row.fields.board = SECURITY_OPS;
    const integrationOnDisk: Integration = {
      ...base,
      tenants: [{ tenantId: ALPHA, tenantName: 'Alpha Dental', accountId: ALPHA_ACCOUNT, accountName: 'Alpha Dental', billing: false, contractId: null, contractName: null }],
      ticketing: { ...base.ticketing, general: { ...base.ticketing.general, rep: PRIYA } },
    };
    store.save({ ...config, integrations: [integrationOnDisk] } satisfies KmspConfig, { actor: 'tigerpaw ticket test' });
    const once = () => runCli(['--config', demo!.configDir, 'agent', '--once', '--job', 'tickets'], { env: { NO_COLOR: '1' } });

    demo.ksc.setStatusMask(ALPHA, WS1, [DB]);
    const opened = await once();
    expect(opened.code, opened.stdout + opened.stderr).toBe(0);
    const placed = demo.tigerpaw.state.serviceOrders.filter((o) => so(o).Reference === KEY);
    expect(placed).toHaveLength(1);
    const number = Number(placed[0]!.ServiceOrderNumber);

    demo.tigerpaw.lock(number, DANA);
    demo.ksc.setStatusMask(ALPHA, WS1, []);
    const locked = await once();
    const out = locked.stdout + locked.stderr;
    expect(locked.code, out).toBe(0);
    expect(out).toContain(`Alpha Dental: service order ${number} close pending (locked by Dana Whitfield); tried again next poll`);
    expect(out).toMatch(/1 close pending \(retried next poll\)/);
    const l = openLedger({ paths });
    try {
      expect(l.getTicket(KEY)).toMatchObject({ state: 'open', closePending: 'locked by Dana Whitfield' });
    } finally {
      l.close();
    }
    // `kmsp status` names it too (no agent runs here: its exit says so).
    const status = await runCli(['--config', demo!.configDir, 'status'], { env: { NO_COLOR: '1' } });
    expect(status.stdout).toMatch(new RegExp(`Close pending: demo ${number} — locked by Dana Whitfield since \\S+; closed by the next ticket pass \\(kmsp agent, or kmsp agent --once --job tickets\\) once the record is released in the PSA`));

    demo.tigerpaw.unlock(number);
    const done = await once();
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(done.stdout + done.stderr).not.toMatch(/close pending/);
    expect((await runCli(['--config', demo!.configDir, 'status'], { env: { NO_COLOR: '1' } })).stdout).not.toMatch(/Close pending/);
    expect(so(demo.tigerpaw.state.serviceOrders.find((o) => Number(o.ServiceOrderNumber) === number))).toMatchObject({ Status: 'Closed' });
  }, 60_000);
});
