// Every PSA connector of the registry against hostile answers of its simulator (hostile-harness.ts):
// each read billing and tickets make — accounts, account types, contracts, billing items, current
// quantities, picklists, price levels, billing readiness, ticket look-ups — with one field of one
// record of one answer set to each hostile value, then to arbitrary JSON (fast-check, fixed seed).
// Each yields a clear KmspError or a sound result; never a crash, a NaN or an empty id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPsa } from '../../source/connectors/factory.js';
import type { Integration } from '../../source/domain/config.js';
import type { Psa } from '../../source/domain/ports.js';
import { psaProfile } from '../../source/domain/profiles/index.js';
import { newTicketFields, roleChoice } from '../../source/domain/ticketSchema.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { SIMULATED_PSA_KINDS, type SimulatedPsaKind } from '../../source/simulators/registry.js';
import type { SimServer } from '../../source/simulators/server.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { duplicateAndPropertyTests, eachField, measurePaths, SWEEP_VALUES, type HostileRun, type MeasuredPath, type ReadPath } from './hostile-harness.js';

const today = new Date().toISOString().slice(0, 10);

/**
 * Records a read leaves out on purpose, by the wire field that was changed (what the drop message
 * says): these are not lost, they are not what the read asks for.
 */
const NOT_ASKED_FOR: ReadonlyArray<{ read: string; field: RegExp; why: string }> = [
  { read: 'findTicketsByTag', field: /: (externalID|externalXRef|Reference) = /, why: 'a ticket without the tag asked for is not the ticket looked for' },
  { read: 'listAccounts', field: /: deletedFlag = true$/, why: 'a deleted company is not an account' },
  { read: 'ticketPicklists', field: /: projectFlag = true$/, why: 'a project board takes no service tickets' },
  { read: 'listPriceLevels', field: /: IsRepairLevel = true$/, why: 'a repair price level does not price recurring charges' },
  { read: 'currentQuantities', field: /: SpecialItemId = (""|null|\(removed\))$/, why: 'a charge of no price book item (labour, a free-text charge) is not an item kmsp bills' },
  { read: 'listBillingItems', field: /: ItemId = (""|null|\(removed\))$/, why: 'a price book row without an item id cannot be chosen; a mapped item gone is refused by billing (mapping check)' },
  { read: 'ticketPicklists', field: /: (Priority|Type|Status) = (""|null|\(removed\))$/, why: 'a value known by its name alone (Tigerpaw priorities, types, statuses) cannot be chosen without one' },
  { read: 'ticketPicklists', field: /entityInformation\/fields: value = (-3|2\.5|""|null|\(removed\))$/, why: 'an Autotask picklist value that is not a whole-number id cannot be written back (wireValues.ts refuses it)' },
  { read: 'listAccountTypes', field: /: Value = (""|null|\(removed\))$/, why: 'a type without a name cannot be chosen in a filter' },
];

/**
 * Reads whose users collapse records by id, so that a record the vendor sends twice is counted
 * once without the connector's help: the planner and countUsage key devices, keys and tenants by
 * id; the ticket engine events by id; look-ups take the record of an id. Elsewhere (the tenant
 * list, which the Accounts tab shows row by row) a duplicate must not be passed on without a word.
 */
const COLLAPSED_BY_ID = new Set(['listAccounts', 'listContracts', 'listBillingItems', 'currentQuantities', 'findTicketsByTag', 'getTicket', 'listPriceLevels', 'billingReadiness', 'ticketPicklists', 'listAccountTypes']);

function allowedDrop(what: string): void {
  const read = what.slice(0, what.indexOf(','));
  expect(NOT_ASKED_FOR.some((n) => n.read === read && n.field.test(what)), `${what}: a record was left out without a word`).toBe(true);
}

describe.each(SIMULATED_PSA_KINDS.map((k) => [k] as const))('hostile answers: %s', (kind: SimulatedPsaKind) => {
  let demo: DemoEnvironment<SimulatedPsaKind>;
  let integration: Integration;
  let run: HostileRun<Psa>;
  const paths: Array<MeasuredPath<Psa>> = [];

  beforeAll(async () => {
    demo = (await startDemo({ psa: kind })) as unknown as DemoEnvironment<SimulatedPsaKind>;
    integration = demo.config.integrations[0]!;
    const secrets = openSecretStore({ paths: resolvePaths({ configDir: demo.configDir }), backends: ['file'] });
    const sim = demo.psa as unknown as SimServer;
    run = {
      sim,
      async open() {
        const connector = await createPsa(integration, (n) => secrets.get(n), { backoffBaseMs: 1, backoffMaxMs: 2 });
        return { connector, warnings: [], close: () => connector.close() };
      },
    };
    // What the reads are made of: a contract with units, a ticket kmsp made, an account.
    const { connector, close } = await run.open();
    try {
      const accounts = await connector.listAccounts();
      const contracts = await connector.listContracts();
      let withUnits: string | null = null;
      for (const c of contracts.filter((x) => x.recurring && x.active)) {
        const q = await connector.currentQuantities(c.id, today).catch(() => []);
        if (q.length > 1) {
          withUnits = c.id;
          break;
        }
      }
      expect(withUnits, 'the demo has a contract holding units').not.toBeNull();
      const profile = psaProfile(kind);
      const ticketing = integration.ticketing;
      const section = profile.ticketing.row.length >= 0 ? Object.values(ticketing.sections).find((rules) => rules && rules.length > 0)! : [];
      const rule = section[0]!;
      const status = roleChoice(ticketing, profile, 'new-status', null)?.value ?? roleChoice(ticketing, profile, 'new-status', rule.fields[profile.ticketing.perScope?.field ?? ''] ?? null)?.value;
      const tag = `kmsp:hostile:${kind}`;
      const ticket = await connector.createTicket({
        accountId: accounts.find((a) => a.active)!.id,
        title: 'Hostile answers test',
        description: 'made by the hostile answers test',
        status: status!,
        dueAt: profile.ticketing.hasDue ? new Date(Date.now() + 3600_000) : null,
        fields: newTicketFields(rule, ticketing, profile),
        tag,
      });
      const all: Array<ReadPath<Psa>> = [
        { name: 'listAccounts', read: (p) => p.listAccounts() },
        { name: 'listAccountTypes', read: (p) => p.listAccountTypes() },
        { name: 'listContracts', read: (p) => p.listContracts() },
        { name: 'listBillingItems', read: (p) => p.listBillingItems() },
        { name: 'currentQuantities', read: (p) => p.currentQuantities(withUnits!, today) },
        { name: 'ticketPicklists', read: (p) => p.ticketPicklists() },
        { name: 'findTicketsByTag', read: (p) => p.findTicketsByTag(tag) },
        { name: 'getTicket', read: (p) => p.getTicket(ticket.id) },
        ...(connector.listPriceLevels ? [{ name: 'listPriceLevels', read: (p: Psa) => p.listPriceLevels!() }] : []),
        ...(connector.billingReadiness ? [{ name: 'billingReadiness', read: (p: Psa) => p.billingReadiness!(accounts.slice(0, 5).map((a) => a.id)) }] : []),
      ];
      paths.push(...(await measurePaths(run, all)));
    } finally {
      await close();
    }
  }, 120_000);

  afterAll(async () => {
    await demo?.close();
  });

  it('every read meets each hostile value in each field of a record', async () => {
    let changed = 0;
    // Every case is run and every failure said at once.
    const failures: string[] = [];
    for (const path of paths) {
      if (path.answers === 0) continue;
      for (const [, value] of SWEEP_VALUES) {
        // Each field of the first record of the read's first answer with records, in turn.
        changed += await eachField(run, path, 0, value, allowedDrop, failures);
      }
    }
    expect(failures).toEqual([]);
    expect(changed).toBeGreaterThan(paths.length);
  }, 600_000);

  duplicateAndPropertyTests(() => run, paths, { collapsedById: COLLAPSED_BY_ID, dropped: allowedDrop, bounds: { nth: 4, list: 2, record: 3 } });
});
