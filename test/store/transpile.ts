// Builds plain-JS copies of source/domain and source/store into a temp dir, so
// child `node` processes (Node 20 cannot run .ts) exercise the real store code:
// concurrent ledger writers, the real keyring under dbus-run-session.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '../..');

export function transpileStore(): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-store-js-'));
  // Folders with their subfolders (domain/profiles): the store imports the vendor profiles.
  const copy = (sub: string) => {
    const from = path.join(root, sub);
    const to = path.join(dir, sub);
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        copy(path.join(sub, entry.name));
        continue;
      }
      if (!entry.name.endsWith('.ts')) continue;
      const out = ts.transpileModule(fs.readFileSync(path.join(from, entry.name), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
        fileName: entry.name,
      });
      fs.writeFileSync(path.join(to, entry.name.replace(/\.ts$/, '.js')), out.outputText);
    }
  };
  for (const sub of ['source/domain', 'source/store']) copy(sub);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
