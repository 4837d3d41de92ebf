// `kmsp secrets set` run twice at once (two admins, or a script and the console) must not lose
// either value: the file backend's read-modify-write is serialized by a lockfile (S11). Two
// real node processes set different secrets in the same file, interleaved, many times.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileMode, tempPaths } from './helpers.js';
import { runTwoWritersAtOnce, useTranspiledStore } from './child-process.js';

const build = useTranspiledStore();

const SETS = 60;

const CHILD = `
import { openSecretStore } from './source/store/secrets.js';
const [secretsFile, who, startAt, sets] = process.argv.slice(2);
const store = openSecretStore({ paths: { secretsFile }, backends: ['file'], onWarning: () => {} });
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 1));
for (let i = 0; i < Number(sets); i++) {
  await store.set(who + '.secret-' + i, 'value-of-' + who + '-' + i);
  // Overwrite one key again and again, and delete one of this writer's own keys now and then.
  await store.set(who + '.shared-round', 'round-' + i);
  if (i % 10 === 9) await store.delete(who + '.secret-' + (i - 9));
}
console.log(JSON.stringify({ who, done: Number(sets) }));
`;

describe('secrets file with two processes', () => {
  it('two writers setting different secrets at once both keep every value', async () => {
    const paths = tempPaths();
    const [a, b] = await runTwoWritersAtOnce(build.dir, 'secret-writer.mjs', CHILD, paths.secretsFile, ['alpha', 'beta'], SETS);
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe('');
    expect([a.code, b.code]).toEqual([0, 0]);

    const secrets = (JSON.parse(fs.readFileSync(paths.secretsFile, 'utf8')) as { secrets: Record<string, string> }).secrets;
    const expected: Record<string, string> = {};
    for (const who of ['alpha', 'beta']) {
      for (let i = 0; i < SETS; i++) if (i % 10 !== 0 || i + 9 >= SETS) expected[`${who}.secret-${i}`] = `value-of-${who}-${i}`;
      expected[`${who}.shared-round`] = `round-${SETS - 1}`;
    }
    const lost = Object.keys(expected).filter((k) => secrets[k] !== expected[k]);
    expect(lost, `lost updates: ${lost.join(', ')}`).toEqual([]);
    expect(secrets).toEqual(expected);
    expect(fileMode(paths.secretsFile)).toBe(0o600);
    // No lock or temp file is left behind.
    expect(fs.readdirSync(path.dirname(paths.secretsFile)).filter((f) => f.startsWith('secrets.json'))).toEqual(['secrets.json']);
  }, 60_000);
});
