// A configuration written by the release before config version 2 (fixtures/config/v1-config.json,
// its URLs pointed at the demo simulators) tickets exactly as its rules said: the v1 rule fields —
// queue, priority, work type, issue and sub-issue type, due hours, and the General source and
// status — reach the Autotask ticket unchanged after the migration, and the agent's once pass
// reads the file as it is on disk.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, createPsa } from '../../source/connectors/factory.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { eventTicketKey, statusTicketKey } from '../../source/domain/ticketKeys.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { runTickets } from '../../source/tickets/run.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const ACME = 'aa3b45bf-035b-6d33-53b8-fa1d9ad85bfc';
const ACME_HOST = 'da1a4c4b-31b0-4ad3-9f00-419f72a6058e';
const RTP = 1; // KLHST_WKS_STATUS_MASK bit: real-time protection not running

let demo: DemoEnvironment;
beforeAll(async () => {
  demo = await startDemo();
  // The v1 file as the release before wrote it, only its addresses pointed at this demo, and the
  // branch integration (a KSC nobody runs here) left out.
  const v1 = JSON.parse(fs.readFileSync(path.join(repoRoot, 'fixtures', 'config', 'v1-config.json'), 'utf8')) as { schemaVersion: number; integrations: Array<Record<string, Record<string, unknown>>> };
  const current = openConfig({ paths: resolvePaths({ configDir: demo.configDir }), onNotice: () => {} }).load().integrations[0]!;
  const main = v1.integrations[0]!;
  main.platform = { ...main.platform, url: (current.platform as { url: string }).url, caFile: current.platform.caFile };
  main.psa = { ...main.psa, zoneDiscoveryUrl: (current.psa as { zoneDiscoveryUrl: string }).zoneDiscoveryUrl };
  fs.writeFileSync(path.join(demo.configDir, 'config.json'), JSON.stringify({ ...v1, integrations: [main] }, null, 2), { mode: 0o600 });
  expect(v1.schemaVersion).toBe(1);
});
afterAll(async () => demo?.close());

describe('a version-1 configuration', () => {
  it('the agent\'s once pass reads it from disk and leaves the file as it was', async () => {
    const before = fs.readFileSync(path.join(demo.configDir, 'config.json'), 'utf8');
    const result = await runCli(['agent', '--once', '--job', 'tickets', '--dry-run', '--config', demo.configDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(fs.readFileSync(path.join(demo.configDir, 'config.json'), 'utf8')).toBe(before);
  });

  it('tickets as its rules said: the v1 fields reach the Autotask ticket', async () => {
    const paths = resolvePaths({ configDir: demo.configDir });
    const integration = openConfig({ paths, onNotice: () => {} }).load().integrations[0]!;
    const secrets = openSecretStore({ paths, backends: ['file'], onWarning: () => {} });
    const lookup = (name: string) => secrets.get(name);
    const [platform, psa] = await Promise.all([createPlatform(integration, lookup), createPsa(integration, lookup)]);
    const ledger = openLedger({ paths });
    try {
      demo.ksc.addEvent(ACME, { id: 91001, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: 'Trojan', host: ACME_HOST } as never);
      demo.ksc.setStatusMask(ACME, ACME_HOST, [RTP]);
      const started = Date.now();
      const r = await runTickets({ integration, platform, psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0 });
      expect(r.errors).toEqual([]);
      const byTag = (tag: string) => demo.autotask.state.tickets.find((t) => t.externalID === tag)!;
      // v1 Events › Critical: Security Operations, Critical, due 4 h, Security Incident Response, Security › Malware / Virus.
      const event = byTag(eventTicketKey('demo', ACME, '91001'));
      expect(event).toMatchObject({ queueID: 29683361, priority: 4, billingCodeID: 29682803, issueType: 10, subIssueType: 137, status: 1, source: 8 });
      const due = Date.parse(String(event.dueDateTime)) - started;
      expect(Math.abs(due - 4 * 3600_000)).toBeLessThan(60_000);
      // v1 Critical status › Real-time protection is not running: Level II Support, Critical, Security, due 12 h.
      const status = byTag(statusTicketKey('demo', ACME, ACME_HOST, 'rtp-not-running', 'critical'));
      expect(status).toMatchObject({ queueID: 29683355, priority: 4, issueType: 10, status: 1, source: 8 });
      expect(status.subIssueType ?? null).toBeNull();
    } finally {
      ledger.close();
      await Promise.all([platform.close(), psa.close()]);
    }
  });
});
