// `kmsp demo --platform <kind> --psa <kind>`: a kind the demo cannot simulate is refused before
// anything starts, naming the kinds it can; the generic port flags place each simulator.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';

/** A port nothing listens on now (the kernel's pick, released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('kmsp demo --platform / --psa', () => {
  it('refuses an unknown PSA kind, naming the simulated ones (usage error, exit 2)', async () => {
    const r = await runCli(['demo', '--psa', 'nope', '--serve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown PSA kind "nope"');
    expect(r.stderr).toContain('the demo simulates: autotask (Autotask), connectwise (ConnectWise), tigerpaw (Tigerpaw)');
    expect(r.stderr).toContain('Remedy: Give --psa one of autotask, connectwise, tigerpaw.');
    expect(r.stdout).toBe('');
  });

  it('refuses an unknown platform kind, naming the simulated ones', async () => {
    const r = await runCli(['demo', '--platform', 'nope', '--serve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown security platform kind "nope"');
    expect(r.stderr).toContain('the demo simulates: ksc (KSC), kbh (Business Hub)');
    expect(r.stderr).toContain('Remedy: Give --platform one of ksc, kbh.');
  });

  it('refuses a port that is no port', async () => {
    const r = await runCli(['demo', '--psa-port', 'eighty', '--serve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--psa-port must be a port number (0–65535), not "eighty"');
  });

  describe('explicit kinds and ports', () => {
    let demo: ReturnType<typeof startCli> | undefined;
    afterAll(async () => {
      demo?.child.kill('SIGTERM');
      await demo?.exited;
    });

    it('runs the named simulators on the ports given and says where', async () => {
      const [platformPort, psaPort] = [await freePort(), await freePort()];
      demo = startCli(['demo', '--serve', '--platform', 'ksc', '--psa', 'autotask', '--platform-port', String(platformPort), '--psa-port', String(psaPort)], /Configuration and secrets\s+(\S+)/);
      await demo.started;
      const banner = demo.output().stdout;
      expect(banner).toMatch(new RegExp(`^  Kaspersky Security Center simulator  https://localhost:${platformPort}   \\(TEST-ONLY certificate\\)$`, 'm'));
      expect(banner).toMatch(new RegExp(`^  Autotask simulator {19}http://127\\.0\\.0\\.1:${psaPort}/atservicesrest/$`, 'm'));
    });
  });

  describe('Business Hub', () => {
    let demo: ReturnType<typeof startCli> | undefined;
    afterAll(async () => {
      demo?.child.kill('SIGTERM');
      await demo?.exited;
    });

    it('runs the Business Hub simulator, and the demo reads its companies through the connector', async () => {
      const platformPort = await freePort();
      demo = startCli(['demo', '--serve', '--platform', 'kbh', '--psa', 'autotask', '--platform-port', String(platformPort)], /Configuration and secrets\s+(\S+)/);
      const [, dir] = await demo.started;
      const banner = demo.output().stdout;
      // The demo lists every company through the connector into the configuration.
      const config = JSON.parse(readFileSync(path.join(dir!, 'config.json'), 'utf8')) as { integrations: Array<{ platform: { kind: string }; tenants: unknown[] }> };
      expect(config.integrations[0]!.platform.kind).toBe('kbh');
      expect(config.integrations[0]!.tenants.length).toBeGreaterThan(0);
      expect(banner).toMatch(new RegExp(`^  Kaspersky Business Hub simulator\\s+https://localhost:${platformPort}\\s+\\(TEST-ONLY certificate\\)$`, 'm'));
    });
  });
});
