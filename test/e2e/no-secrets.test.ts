// Acceptance: no secret in the config file, the ledger, logs (request records) or
// error messages — with right and with wrong credentials.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, createPsa } from '../../source/connectors/factory.js';
import type { RequestRecord } from '../../source/connectors/http.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { formatDoctorReport, runDoctor } from '../../source/doctor/checks.js';
import { describeError, describeErrorLine } from '../../source/domain/errors.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';

const RIGHT = ['demo-ksc-password', 'demo-autotask-secret', 'DEMOTRACKINGCODE0001'];
const WRONG = ['Wrong-KSC-passw0rd!', 'Wrong-Autotask-s3cret', 'WRONGTRACKINGCODE99'];

function variants(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64').replace(/=+$/, ''), encodeURIComponent(secret)];
}

function expectClean(what: string, text: string): void {
  for (const secret of [...RIGHT, ...WRONG]) for (const v of variants(secret)) expect(text.includes(v), `${what} contains a secret (${secret})`).toBe(false);
}

describe('secrets never leak', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'kmsp-secrets-'));
  const configDir = path.join(work, 'config');
  const recordFile = path.join(work, 'requests.jsonl');
  const paths = resolvePaths({ configDir });
  let demo: DemoEnvironment;
  const outputs: string[] = [];
  const records: RequestRecord[] = [];

  beforeAll(async () => {
    demo = await startDemo({ configDir, recordFile });
    const ledger = openLedger({ paths });
    const store = openConfig({ paths, audit: ledger });
    const secrets = openSecretStore({ paths, backends: ['file'] });
    const integration = demo.config.integrations[0]!;
    const lookup = (name: string) => secrets.get(name);
    const httpOptions = { onRecord: (r: RequestRecord) => records.push(r), retries: 0 };

    // A config change goes through the audit into the ledger.
    const changed = structuredClone(demo.config);
    changed.integrations[0]!.tenants.push({ tenantId: 'x', tenantName: 'Acme & Sons', accountId: null, accountName: null, billing: false, contractId: null, contractName: null });
    store.save(changed, { actor: 'test' });

    // Right credentials: doctor passes, connectors are used.
    outputs.push(formatDoctorReport(await runDoctor(store.load(), { lookupSecret: lookup })));
    const platform = await createPlatform(integration, lookup, { http: httpOptions });
    await platform.listTenants();
    await platform.close();

    // Wrong credentials everywhere: every error text is collected and written to the ledger.
    const names = ['demo.ksc.password', 'demo.autotask.secret', 'demo.autotask.integration-code'];
    for (const [i, name] of names.entries()) await secrets.set(name, WRONG[i]!);
    outputs.push(formatDoctorReport(await runDoctor(store.load(), { lookupSecret: lookup })));
    for (const make of [() => createPlatform(integration, lookup, { http: httpOptions }), () => createPsa(integration, lookup, httpOptions)]) {
      const connector = await make();
      try {
        await connector.verify();
        throw new Error('verify with wrong credentials succeeded');
      } catch (error) {
        outputs.push(describeError(error), describeErrorLine(error), String(error), JSON.stringify(error));
        const run = ledger.startRun({ job: 'doctor' });
        ledger.finishRun(run, { status: 'failed', error: describeErrorLine(error) });
      } finally {
        await connector.close();
      }
    }
    ledger.close();
  });

  afterAll(async () => {
    await demo?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('wrong credentials were really refused (the test exercises the error paths)', () => {
    const text = outputs.join('\n');
    expect(text).toMatch(/✗ Kaspersky Security Center/);
    expect(text).toMatch(/✗ Autotask/);
  });

  it('not in the config file, which is 0600', () => {
    const file = path.join(configDir, 'config.json');
    expectClean('config.json', readFileSync(file, 'utf8'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('not in the ledger (database and WAL)', () => {
    for (const f of [paths.ledgerFile, `${paths.ledgerFile}-wal`]) if (existsSync(f)) expectClean(f, readFileSync(f).toString('latin1'));
    const ledger = openLedger({ paths });
    const runs = ledger.listRuns({});
    ledger.close();
    expect(runs.filter((r) => r.error).length).toBeGreaterThanOrEqual(2);
  });

  it('not in request logs (connector records and the simulators’ JSONL)', () => {
    expect(records.length).toBeGreaterThan(0);
    expectClean('request records', JSON.stringify(records));
    expectClean('simulator request log', readFileSync(recordFile, 'utf8'));
  });

  it('not in doctor output or error messages', () => {
    expectClean('outputs', outputs.join('\n'));
  });
});
