// The Connections screen's pure parts: field validation, the rows of each
// platform kind, how results fold and wrap, and how secret states are worded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../source/doctor/checks.js';
import { newIntegration } from '../../source/domain/defaults.js';
import { newConnection, PLATFORM_PROFILES, PSA_PROFILES } from '../../source/domain/profiles/index.js';
import { displayWidth } from '../../source/ui/text.js';
import { changedRowIds, draftOf, platformRows, psaRows, sameSettings } from '../../source/ui/screens/connections/fields.js';
import { detailLines, displaySummary, fitResultLines, headerText, resultLines, staleText, wrap, type TestRun } from '../../source/ui/screens/connections/results.js';
import { secretState, secretStoredNotice } from '../../source/ui/screens/connections/secrets-view.js';
import { fieldWhat, parseCaFile, parseConnectionField, parseOptionalId, parseUrl, secretProblem } from '../../source/ui/screens/connections/validate.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-validate-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const url = (raw: string, optional = false) => parseUrl(raw, { what: 'The KSC URL', example: 'https://ksc.example.local:13299', optional });
const messageOf = (p: { ok: true } | { ok: false; message: string }) => (p.ok ? null : p.message);

describe('URL', () => {
  it('accepts http(s) with a host and an optional port, as typed', () => {
    expect(url(' https://ksc.example.local:13299 ')).toEqual({ ok: true, value: 'https://ksc.example.local:13299' });
    expect(url('http://127.0.0.1:8080/api')).toEqual({ ok: true, value: 'http://127.0.0.1:8080/api' });
    // Plain http off this machine: every connector refuses it, so the field does at once.
    expect(messageOf(url('http://10.0.0.5/api'))).toMatch(/must use https:\/\/: kmsp sends credentials over it/);
    expect(messageOf(url('http://hub.kaspersky.com'))).toMatch(/Plain http:\/\/ is taken only for this machine/);
    expect(url('https://[::1]:13299')).toEqual({ ok: true, value: 'https://[::1]:13299' });
    expect(url('', true)).toEqual({ ok: true, value: null });
  });
  it('says which part is wrong', () => {
    expect(messageOf(url(''))).toBe('The KSC URL is required, e.g. https://ksc.example.local:13299');
    expect(messageOf(url('ksc.example.local'))).toBe('The KSC URL must start with https:// or http://, e.g. https://ksc.example.local:13299');
    expect(messageOf(url('ftp://ksc'))).toBe('The KSC URL must use https:// or http://, not ftp://.');
    expect(messageOf(url('https://:13299'))).toBe('The KSC URL has no host name, e.g. https://ksc.example.local:13299');
    expect(messageOf(url('https://ksc:'))).toBe('The KSC URL ends with ":" but no port number.');
    expect(messageOf(url('https://ksc:13a99'))).toBe('The port in the KSC URL must be a number from 1 to 65535 (got "13a99").');
    expect(messageOf(url('https://ksc:0'))).toBe('Port 0 is out of range: ports go from 1 to 65535.');
    expect(messageOf(url('https://ksc:65536'))).toBe('Port 65536 is out of range: ports go from 1 to 65535.');
    expect(messageOf(url('https://admin:pw@ksc'))).toMatch(/must not contain a user name or password/);
    expect(messageOf(url('https://ksc example'))).toBe('The KSC URL cannot contain spaces.');
    expect(messageOf(url('https://ks%zz'))).toMatch(/is not a valid URL/);
  });
  it('leaves the example out in short forms', () => {
    expect(messageOf(parseUrl('', { what: 'The URL' }))).toBe('The URL is required.');
  });
});

describe('CA/certificate file', () => {
  const pem = path.join(tmp, 'ca.pem');
  fs.writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const der = path.join(tmp, 'klserver.cer');
  fs.writeFileSync(der, Buffer.from([0x30, 0x82, 0x01, 0x0a]));
  const text = path.join(tmp, 'notes.txt');
  fs.writeFileSync(text, 'hello');
  const empty = path.join(tmp, 'empty.pem');
  fs.writeFileSync(empty, '');

  it('stores an absolute path; blank means the system CAs', () => {
    expect(parseCaFile(pem)).toEqual({ ok: true, value: pem });
    expect(parseCaFile('ca.pem', { cwd: tmp })).toEqual({ ok: true, value: pem });
    expect(parseCaFile('~/ca.pem', { home: tmp })).toEqual({ ok: true, value: pem });
    expect(parseCaFile('  ')).toEqual({ ok: true, value: null });
  });
  it('says which problem the file has', () => {
    expect(messageOf(parseCaFile(path.join(tmp, 'missing.pem')))).toMatch(/^No file at .*missing\.pem: check the path/);
    expect(messageOf(parseCaFile(tmp))).toMatch(/is a folder: give the certificate file inside it/);
    expect(messageOf(parseCaFile(path.join(pem, 'x')))).toMatch(/a part of that path is a file, not a folder/);
    expect(messageOf(parseCaFile(empty))).toMatch(/is empty/);
    expect(messageOf(parseCaFile(der))).toBe(`${der} is a binary (DER) certificate; convert it to PEM: openssl x509 -inform der -in ${der} -out ${der}.pem`);
    expect(messageOf(parseCaFile(text))).toBe(`${text} holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" line).`);
  });
  it('says when the file cannot be read (permission)', () => {
    const denied = {
      statSync: fs.statSync,
      readFileSync: fs.readFileSync,
      accessSync: () => {
        throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      },
    };
    expect(messageOf(parseCaFile(pem, { fs: denied }))).toMatch(/exists but cannot be read by .*: permission denied \(the agent's service user must be able to read it too\)/);
  });
});

describe('other fields', () => {
  it('optional ids are positive numbers or blank', () => {
    expect(parseOptionalId('', 'The id')).toEqual({ ok: true, value: null });
    expect(parseOptionalId(' 29682886 ', 'The id')).toEqual({ ok: true, value: '29682886' });
    expect(parseOptionalId('0', 'The id').ok).toBe(false);
    expect(messageOf(parseOptionalId('abc', 'The Autotask impersonation resource', '29682886'))).toBe('The Autotask impersonation resource is a positive whole number (e.g. 29682886), or blank for none.');
  });
  it('a connection field is parsed by its kind, and named with its vendor', () => {
    expect(fieldWhat('KSC', 'URL')).toBe('The KSC URL');
    expect(fieldWhat('Autotask', 'API user name')).toBe('The Autotask API user name');
    expect(fieldWhat('ConnectWise', 'Company ID')).toBe('The ConnectWise company ID');
    const spec = (key: string, specs: readonly { key: string }[]) => specs.find((s) => s.key === key) as Parameters<typeof parseConnectionField>[0];
    const ksc = PLATFORM_PROFILES.ksc.connection;
    const cw = PSA_PROFILES.connectwise.connection;
    expect(messageOf(parseConnectionField(spec('url', ksc), 'ksc.example.local', { what: 'The KSC URL' }))).toBe('The KSC URL must start with https:// or http://, e.g. https://ksc.example.local:13299');
    // Blank optional text is stored as the profile says: '' (a KSC domain) or null (a ConnectWise codebase).
    expect(parseConnectionField(spec('domain', ksc), '  ', { what: 'x' })).toEqual({ ok: true, value: '' });
    expect(parseConnectionField(spec('codebase', cw), '  ', { what: 'x' })).toEqual({ ok: true, value: null });
    expect(parseConnectionField(spec('codebase', cw), ' v4_6_release/ ', { what: 'x' })).toEqual({ ok: true, value: 'v4_6_release/' });
    expect(messageOf(parseConnectionField(spec('companyId', cw), ' ', { what: 'The ConnectWise company ID' }))).toBe('The ConnectWise company ID cannot be empty.');
    expect(parseConnectionField(spec('apiUrl', PSA_PROFILES.autotask.connection), '', { what: 'x' })).toEqual({ ok: true, value: null });
  });
  it('secrets: not blank, at least as long as the store takes', () => {
    expect(secretProblem('')).toMatch(/Type the new value/);
    expect(secretProblem('', { optional: true })).toBeUndefined();
    expect(secretProblem('abc')).toBe('At least 4 characters.');
    expect(secretProblem('abcd')).toBeUndefined();
  });
});

describe('rows', () => {
  const ksc = newIntegration(
    'main',
    newConnection(PLATFORM_PROFILES.ksc, { url: 'https://ksc:13299', username: 'svc' }),
    newConnection(PSA_PROFILES.autotask, { username: 'api@x' }),
  );
  const cw = {
    ...ksc,
    psa: newConnection(PSA_PROFILES.connectwise, { companyId: 'acme', publicKey: 'pub', clientId: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }),
  };
  it('KSC: the domain row only for Windows accounts; secrets by their store names', () => {
    const draft = draftOf(ksc);
    expect(platformRows(ksc, draft).map((r) => r.label)).toEqual(['URL', 'User name', 'User type', 'CA/certificate file', 'Password']);
    const windows = { ...draft, platform: { ...draft.platform, internalUser: false } };
    expect(platformRows(ksc, windows).map((r) => r.label)).toEqual(['URL', 'User name', 'User type', 'Domain', 'CA/certificate file', 'Password']);
    expect(psaRows(ksc).flatMap((r) => (r.kind === 'secret' ? [r.secret.name] : []))).toEqual(['main.autotask.secret', 'main.autotask.integration-code']);
  });
  it('Autotask: its rows and secrets from its profile', () => {
    const rows = psaRows(ksc);
    expect(rows.map((r) => r.label)).toEqual(['Zone discovery URL', 'API URL override', 'API user name', 'Impersonation resource', 'Tenant-name field', 'CA/certificate file', 'API secret', 'Tracking identifier']);
    const resource = rows.find((r) => r.id === 'psa.impersonationResourceId')!;
    if (resource.kind !== 'text') throw new Error('a text row');
    expect(resource.emptyText).toBe('(none: the API user)');
    expect(resource.parse('abc', {})).toEqual({ ok: false, message: 'The Autotask impersonation resource is a positive whole number (e.g. 29682886), or blank for none.' });
  });
  it('ConnectWise: its rows from its profile; a blank codebase is stored as null; its private key is a secret', () => {
    const rows = psaRows(cw);
    expect(rows.map((r) => r.label)).toEqual(['Site', 'Company ID', 'Public key', 'Client ID', 'Codebase override', 'Tenant-name field', 'CA/certificate file', 'Private key']);
    expect(rows.map((r) => r.id)).toEqual([
      'psa.siteUrl',
      'psa.companyId',
      'psa.publicKey',
      'psa.clientId',
      'psa.codebase',
      'psa.tenantNameField',
      'psa.caFile',
      'secret:main.connectwise.private-key',
    ]);
    const draft = draftOf(cw);
    const [site, , , , codebase] = rows;
    if (site?.kind !== 'text' || codebase?.kind !== 'text') throw new Error('text rows');
    expect(site.read(draft)).toBe('https://api-na.myconnectwise.net');
    expect(site.parse('api-eu.myconnectwise.net', {})).toEqual({ ok: false, message: 'The ConnectWise site must start with https:// or http://, e.g. https://api-eu.myconnectwise.net' });
    expect(codebase.read(draft)).toBe('');
    expect(codebase.emptyText).toBe('(none: discovered)');
    const edited = codebase.write(draft, 'v2025_1/');
    expect(edited.psa).toMatchObject({ kind: 'connectwise', codebase: 'v2025_1/', companyId: 'acme' });
    expect([...changedRowIds(rows, draft, edited)]).toEqual(['psa.codebase']);
    const key = rows.at(-1)!;
    expect(key.kind === 'secret' && key.secret).toMatchObject({ name: 'main.connectwise.private-key', label: 'ConnectWise API member private key', envVar: 'KMSP_SECRET_MAIN_CONNECTWISE_PRIVATE_KEY' });
    expect(platformRows(cw).map((r) => r.label)).toEqual(['URL', 'User name', 'User type', 'CA/certificate file', 'Password']);
  });
  it('Business Hub: URL, e-mail, CA file, its password and the optional authenticator key', () => {
    const kbh = { ...ksc, platform: { kind: 'kbh' as const, url: 'https://hub', email: 'a@b', caFile: null } };
    const rows = platformRows(kbh, draftOf(kbh));
    expect(rows.map((r) => r.label)).toEqual(['URL', 'E-mail', 'CA/certificate file', 'Password', 'Authenticator key']);
    const key = rows.at(-1)!;
    expect(key.kind === 'secret' && key.secret.optional).toBeTruthy();
    expect(key.help).toMatch(/signs in alone/);
  });
  it('an optional secret that is not set is a choice, not a fault', () => {
    const status = { backends: [], secrets: [{ name: 'main.kbh.authenticator-key', heldBy: null, shadowed: [] }] } as unknown as Parameters<typeof secretState>[2];
    expect(secretState('main.kbh.authenticator-key', 'X', status, { emptyText: '(none)' })).toEqual({ text: '(none) (Enter sets it)', tone: 'muted' });
    expect(secretState('main.kbh.authenticator-key', 'X', status)).toEqual({ text: 'missing (Enter sets it)', tone: 'danger' });
  });
  it('knows which rows changed, comparing values not key order', () => {
    const saved = draftOf(ksc);
    const rows = [...platformRows(ksc, saved), ...psaRows(ksc)];
    const url = rows.find((r) => r.id === 'platform.url')!;
    if (url.kind !== 'text') throw new Error('url is a text row');
    const edited = url.write(saved, 'https://other:13299');
    expect([...changedRowIds(rows, saved, edited)]).toEqual(['platform.url']);
    expect(sameSettings(saved, edited)).toBe(false);
    const reordered = { psa: { ...saved.psa }, platform: Object.fromEntries(Object.entries(saved.platform).reverse()) as typeof saved.platform };
    expect(sameSettings(saved, reordered)).toBe(true);
  });
});

describe('test results', () => {
  const ok = (summary: string): CheckResult => ({ integration: 'demo', area: 'psa', status: 'ok', summary });
  const failed: CheckResult = {
    integration: 'demo',
    area: 'platform',
    status: 'fail',
    summary: 'Kaspersky Security Center: Kaspersky Security Center rejected the user name or password',
    detail: 'Kaspersky Security Center rejected the user name or password\n  Cause: KSC answered HTTP 401\n  Remedy: Check the user name and password.',
  };
  const run = (platform: CheckResult[] | null, psa: CheckResult[] | null): TestRun => ({
    id: 1,
    startedAt: new Date(2026, 0, 1, 9, 5, 7).getTime(),
    finishedAt: platform && psa ? new Date(2026, 0, 1, 9, 5, 8, 500).getTime() : null,
    unsaved: false,
    settingsKey: 'k',
    platformLabel: 'Kaspersky Security Center',
    psaLabel: 'Autotask',
    platform,
    psa,
  });
  const psa = ['Autotask: signed in', 'Autotask: 40 accounts (37 active)', 'Autotask: 31 contracts'].map(ok);

  it('says a label once and drops the detail line that repeats the message', () => {
    expect(displaySummary(failed.summary, 'Kaspersky Security Center')).toBe('Kaspersky Security Center rejected the user name or password');
    expect(displaySummary('Autotask: 40 accounts', 'Autotask')).toBe('Autotask: 40 accounts');
    expect(detailLines(failed)).toEqual(['Cause: KSC answered HTTP 401', 'Remedy: Check the user name and password.']);
    expect(detailLines(psa[0]!)).toEqual([]);
  });

  it('header: what was tested, when, how long, the verdict; stale when the settings changed', () => {
    expect(headerText(run([failed], psa), 'k')).toBe('Test connection (saved settings, 09:05:07, 1.5 s): 1 failed, 3 passed');
    expect(headerText(run(null, psa), 'k')).toBe('Test connection: testing the saved settings… (keys keep working)');
    expect(headerText(run([ok('x')], psa), 'k')).toBe('Test connection (saved settings, 09:05:07, 1.5 s): all 4 checks passed');
    expect(staleText(run([ok('x')], psa), 'k')).toBeNull();
    expect(staleText(run([ok('x')], psa), 'other')).toMatch(/settings changed since this test/);
  });

  it('shows a side still running, and folds passed checks only as far as needed', () => {
    expect(resultLines(run(null, psa), 80).map((l) => l.text)).toEqual(['… Kaspersky Security Center: testing…', '✓ Autotask: signed in', '✓ Autotask: 40 accounts (37 active)', '✓ Autotask: 31 contracts']);
    const r = run([failed], psa);
    expect(fitResultLines(r, 80, 10).lines.map((l) => l.text)).toEqual([
      '✗ Kaspersky Security Center rejected the user name or password',
      '    Cause: KSC answered HTTP 401',
      '    Remedy: Check the user name and password.',
      '✓ Autotask: signed in',
      '✓ Autotask: 40 accounts (37 active)',
      '✓ Autotask: 31 contracts',
    ]);
    expect(fitResultLines(r, 80, 5).lines.map((l) => l.text).slice(3)).toEqual(['✓ Autotask: signed in', '✓ Autotask: 2 more checks passed (v lists them)']);
    expect(fitResultLines(r, 80, 4).lines.map((l) => l.text).slice(3)).toEqual(['✓ Autotask: 3 checks passed (v lists them)']);
    expect(fitResultLines(r, 80, 3).lines.map((l) => l.text)).toHaveLength(3); // failures keep their cause and remedy
    expect(fitResultLines(r, 80, 2).lines.map((l) => l.text)).toEqual(['✗ Kaspersky Security Center rejected the user name or password', '… 2 more lines: v shows all']);
  });

  it('wraps at word boundaries with a hanging indent and never exceeds the width', () => {
    expect(wrap('    Remedy: Set the CA/certificate file to the server certificate', 32, 12)).toEqual(['    Remedy: Set the', '            CA/certificate file', '            to the server', '            certificate']);
    const long = wrap('x'.repeat(50), 20, 2);
    expect(long.every((l) => displayWidth(l) <= 20)).toBe(true);
    expect(long.join('').replace(/ /g, '')).toBe('x'.repeat(50));
    expect(wrap('', 10)).toEqual(['']);
  });
});

describe('secret states', () => {
  const status = {
    backends: [
      { id: 'keyring' as const, label: 'OS keyring', writable: true, available: true, detail: '' },
      { id: 'environment' as const, label: 'environment', writable: false, available: true, detail: '' },
      { id: 'file' as const, label: 'plaintext file', writable: true, available: true, detail: '' },
    ],
    secrets: [
      { name: 'a.ksc.password', heldBy: 'keyring' as const, shadowed: ['file' as const] },
      { name: 'a.autotask.secret', heldBy: 'environment' as const, shadowed: [] },
    ],
  };
  it('where a secret is held, never its value or length', () => {
    expect(secretState('a.ksc.password', 'KMSP_SECRET_A_KSC_PASSWORD', status)).toEqual({ text: 'present in OS keyring; also in plaintext file (not used)', tone: 'success' });
    expect(secretState('a.autotask.secret', 'KMSP_SECRET_A_AUTOTASK_SECRET', status).text).toBe('present in environment (KMSP_SECRET_A_AUTOTASK_SECRET)');
    expect(secretState('a.autotask.integration-code', 'X', status)).toEqual({ text: 'missing (Enter sets it)', tone: 'danger' });
    expect(secretState('a.ksc.password', 'X', undefined).text).toBe('checking…');
  });
  it('where a new value went: a warning for the plaintext file or a shadowing backend', () => {
    expect(secretStoredNotice('KSC password', { backend: 'keyring', label: 'OS keyring', warnings: [] }, '/s.json')).toEqual({ kind: 'success', text: 'KSC password stored in OS keyring.' });
    const file = secretStoredNotice('KSC password', { backend: 'file', label: 'plaintext file', warnings: ['The secret was stored in the plaintext file /s.json (mode 0600): …'] }, '/s.json');
    expect(file).toMatchObject({ kind: 'warning', text: 'KSC password stored in the plaintext file /s.json (mode 0600), not encrypted.' });
    expect(file.remedy).toMatch(/OS keyring, systemd credentials/);
    const shadowed = secretStoredNotice('KSC password', { backend: 'keyring', label: 'OS keyring', warnings: ['a.ksc.password is also provided by environment (KMSP_SECRET_A_KSC_PASSWORD), which comes first'] }, '/s.json');
    expect(shadowed.kind).toBe('warning');
    expect(shadowed.text).toContain('which comes first');
  });
});
