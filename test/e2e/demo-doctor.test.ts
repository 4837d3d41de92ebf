// Acceptance: `kmsp demo --serve` in one process and `kmsp doctor --config <dir>`
// in another report both systems reachable with the demo's counts.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../source/doctor/checks.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { repoRoot, runCli, startCli } from '../helpers/cli.js';

describe('kmsp demo --serve + kmsp doctor', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'kmsp-e2e-'));
  const record = path.join(work, 'requests.jsonl');
  let demo: ReturnType<typeof startCli>;
  let configDir = '';

  beforeAll(async () => {
    // No `kmsp` on this PATH and not under npx: the banner must suggest `node bin/kmsp.js`.
    demo = startCli(['demo', '--serve', '--record', record], /Configuration and secrets\s+(\S+)/, { env: { PATH: '/usr/bin:/bin', npm_command: '' } });
    configDir = (await demo.started)[1]!;
  });

  afterAll(async () => {
    demo.child.kill('SIGTERM');
    await demo.exited;
    rmSync(work, { recursive: true, force: true });
  });

  it('the banner suggests commands the user can run: node bin/kmsp.js when kmsp is not on the PATH', () => {
    const banner = demo.output().stdout;
    expect(banner).toContain(`  node bin/kmsp.js --config ${configDir}   `);
    expect(banner).toContain(`  node bin/kmsp.js doctor --config ${configDir}\n`);
    expect(banner).not.toMatch(/^ +kmsp /m);
    // Relative to the clone: the banner says where to run them.
    expect(banner).toContain(`In another shell, from ${repoRoot.replace(/\/$/, '')}, try:\n`);
  });

  it('says each step on stderr as it begins, before the banner', () => {
    const steps = demo.output().stderr.split('\n').filter(Boolean);
    expect(steps).toEqual([
      expect.stringMatching(/^Starting the simulated Kaspersky Security Center \(dataset .*fixtures\/demo\/ksc\.json\)…$/u),
      expect.stringMatching(/^Simulated Kaspersky Security Center listening on https:\/\/localhost:\d+$/u),
      expect.stringMatching(/^Starting the simulated Autotask \(dataset .*fixtures\/demo\/autotask\.json\)…$/u),
      expect.stringMatching(/^Simulated Autotask listening on http:\/\/127\.0\.0\.1:\d+\/atservicesrest\/$/u),
      'Reading the ticket settings (queues, statuses, priorities) from the simulated Autotask…',
      `Writing the demo's configuration and secrets to ${configDir}…`,
    ]);
  });

  it('doctor reaches both simulators and prints the demo counts', async () => {
    const result = await runCli(['doctor', '--config', configDir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/Integration demo/);
    expect(out).toMatch(/✓ Kaspersky Security Center: signed in/);
    expect(out).toMatch(/✓ Kaspersky Security Center: 25 virtual servers visible/);
    expect(out).toMatch(/✓ Kaspersky Security Center: can read devices and licenses/);
    expect(out).toMatch(/✓ Autotask: signed in/);
    expect(out).toMatch(/✓ Autotask: 40 accounts \(\d+ active\)/);
    expect(out).toMatch(/✓ Autotask: \d+ contracts \(\d+ Recurring Service\)/);
    expect(out).toMatch(/✓ Autotask: account field “Kaspersky Tenant” exists/);
    // The agent's view of this host: no agent runs on the demo's directory, which is only a warning.
    expect(out).toMatch(/\nAgent\n {2}✓ State directory .* is writable\n/);
    expect(out).toMatch(/! Agent is not running here/);
    // The demo keeps its secrets in its directory's plaintext file: a warning each, never ✓ (README: "with a warning").
    expect(out).toMatch(/All checks passed with 4 warnings\./);
  });

  it('doctor warns about each secret kept in the plaintext file, with the commands that move it', async () => {
    const result = await runCli(['doctor', '--config', configDir], { env: { PATH: '/usr/bin:/bin', npm_command: '' } });
    expect(result.code).toBe(0);
    const out = result.stdout;
    const kmsp = `node bin/kmsp.js --config ${configDir}`;
    for (const [label, name] of [['KSC password', 'demo.ksc.password'], ['Autotask API user secret (password)', 'demo.autotask.secret'], ['Autotask API tracking identifier (integration code)', 'demo.autotask.integration-code']]) {
      expect(out).toContain(`  ! ${label}: present, unencrypted (plaintext file)\n`);
      expect(out).not.toContain(`✓ ${label}`);
      expect(out).toContain(`Remedy: move it to the OS keyring (where a Secret Service runs): ${kmsp} secrets delete ${name} && ${kmsp} secrets set ${name}\n`);
      expect(out).toContain(`printf '%s' "$v" | sudo install -o root -g kmsp -m 0640 /dev/stdin /etc/kmsp-credentials/${name}; unset v; ${kmsp} secrets delete ${name}\n`);
    }
    expect(out).toContain(`Cause: it is kept in plain text in ${path.join(configDir, 'secrets.json')} (mode 0600)`);
  });

  it('a secret held by the keyring or a systemd credential stays ✓', async () => {
    const store = openConfig({ paths: resolvePaths({ configDir }) });
    const secrets = openSecretStore({ paths: resolvePaths({ configDir }), backends: ['file'] });
    const results = await runDoctor(store.load(), {
      lookupSecret: (n) => secrets.get(n),
      secretBackend: async (n) => (n.endsWith('.ksc.password') ? { backend: 'keyring', label: 'OS keyring' } : { backend: 'systemd-credentials', label: 'systemd credentials' }),
      only: { side: 'platform' },
    });
    const secretChecks = results.filter((r) => r.area === 'secrets');
    expect(secretChecks.map((r) => [r.status, r.summary])).toEqual([
      ['ok', 'KSC password: present (OS keyring)'],
      ['ok', 'Autotask API user secret (password): present (systemd credentials)'],
      ['ok', 'Autotask API tracking identifier (integration code): present (systemd credentials)'],
    ]);
  });

  it('doctor --json gives the same checks as data', async () => {
    const result = await runCli(['doctor', '--json', '--config', configDir]);
    const checks = JSON.parse(result.stdout) as Array<{ area: string; status: string }>;
    const notOk = checks.filter((c) => c.status !== 'ok') as Array<{ area: string; status: string; summary?: string }>;
    expect(notOk.map((c) => [c.area, c.status, c.summary?.replace(/ \(.*$/, '')])).toEqual([
      ['secrets', 'warn', 'KSC password: present, unencrypted'],
      ['secrets', 'warn', 'Autotask API user secret'],
      ['secrets', 'warn', 'Autotask API tracking identifier'],
      ['agent', 'warn', 'Agent is not running here'],
    ]);
    expect(new Set(checks.map((c) => c.area))).toEqual(new Set(['config', 'secrets', 'platform', 'psa', 'agent']));
  });

  it('records the requests the simulators received, with no secret in them', () => {
    const lines = readFileSync(record, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    const text = lines.join('\n');
    for (const secret of ['demo-ksc-password', 'demo-autotask-secret', 'DEMOTRACKINGCODE0001']) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(secret).toString('base64'));
    }
  });

  it('stops on SIGTERM and removes its directory', async () => {
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
    expect(existsSync(configDir)).toBe(false);
  });
});

describe('doctor failures', () => {
  it('explains a missing configuration', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-e2e-'));
    try {
      const result = await runCli(['doctor', '--config', dir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`The configuration directory ${dir} (given with --config) holds no config.json.`);
      expect(result.stderr).toMatch(/Remedy:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a corrupt configuration aside and says where', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-e2e-'));
    try {
      const file = path.join(dir, 'config.json');
      const { writeFileSync, readdirSync } = await import('node:fs');
      writeFileSync(file, '{"schemaVersion": 1, "integrations": [ oops');
      const doctor = await runCli(['doctor', '--config', dir]);
      expect(doctor.code).toBe(1);
      expect(doctor.stderr).toContain(file);
      expect(doctor.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
      // The console and config commands that write move it aside, never overwrite it.
      const show = await runCli(['config', 'validate', '--config', dir]);
      expect(show.code).toBe(1);
      expect(show.stdout + show.stderr).toMatch(/not valid JSON|corrupt|cannot be parsed|parse/i);
      const kept = readdirSync(dir).filter((f) => f.startsWith('config.json'));
      const contents = kept.map((f) => readFileSync(path.join(dir, f), 'utf8'));
      expect(contents).toContain('{"schemaVersion": 1, "integrations": [ oops');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
