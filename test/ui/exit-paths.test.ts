// The alternate screen must be left on every exit path, including the ones a
// test process cannot survive: a signal (systemd stop, SSH hang-up) and an
// uncaught exception. Those run in a child `node` on plain-JS copies of
// source/ui and source/domain (Node 20 cannot run .ts/.tsx).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
let dir = '';

function transpileTree(sub: string): void {
  const from = path.join(root, sub);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const rel = path.join(sub, entry.name);
    if (entry.isDirectory()) {
      transpileTree(rel);
      continue;
    }
    if (!/\.tsx?$/.test(entry.name)) continue;
    const out = ts.transpileModule(fs.readFileSync(path.join(root, rel), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, jsx: ts.JsxEmit.ReactJSX },
      fileName: entry.name,
    });
    const target = path.join(dir, rel.replace(/\.tsx?$/, '.js'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, out.outputText);
  }
}

// A terminal stand-in: TTY flags on top of the child's stderr pipe (writes to a pipe are synchronous on
// Linux). stderr, because that is where Node prints an uncaught exception: the order can be checked.
const script = (after: string) => `
import { EventEmitter } from 'node:events';
import { runConsole } from './source/ui/run.js';
class In extends EventEmitter { isTTY = true; read() { return null; } setEncoding() {} setRawMode() {} resume() {} pause() {} ref() {} unref() {} }
const out = { isTTY: true, columns: 80, rows: 24, write: (s) => process.stderr.write(s), on() {}, off() {}, once() {}, removeListener() {}, emit() {} };
runConsole({ integrationName: 'exit-test', stdin: new In(), stdout: out, stderr: out }).then(() => process.stderr.write('\\nRESOLVED'));
setTimeout(() => { process.stderr.write('\\nREADY'); ${after} }, 300);
setTimeout(() => {}, 10000);
`;

function run(after: string, signal?: NodeJS.Signals): Promise<{ terminal: string; code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const file = path.join(dir, `run-${Math.random().toString(36).slice(2)}.mjs`);
    fs.writeFileSync(file, script(after));
    const child = spawn(process.execPath, [file], { cwd: dir, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let terminal = '';
    child.stderr.on('data', (d: Buffer) => {
      terminal += d;
      if (signal && terminal.includes('READY')) child.kill(signal);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not end\n${terminal}`));
    }, 15_000);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      resolve({ terminal, code, signal: sig });
    });
  });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-ui-js-'));
  transpileTree('source/ui');
  transpileTree('source/domain');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const ENTER = '\u001B[?1049h';
const LEAVE = '\u001B[?1049l';

describe('alternate screen on abnormal exits', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`is left on ${signal}, and the process still ends by that signal`, async () => {
      const result = await run('', signal);
      expect(result.terminal.startsWith(ENTER)).toBe(true);
      expect(result.terminal).toContain('kmsp · exit-test');
      expect(result.terminal.lastIndexOf(LEAVE)).toBeGreaterThan(result.terminal.indexOf('READY'));
      expect(result.signal).toBe(signal);
      expect(result.terminal).not.toContain('RESOLVED');
    });
  }

  it('is left before Node prints an uncaught exception', async () => {
    const result = await run("throw new Error('boom from a timer');");
    const trace = result.terminal.indexOf('Error: boom from a timer');
    expect(trace).toBeGreaterThan(0);
    expect(result.terminal.indexOf(LEAVE)).toBeGreaterThan(result.terminal.indexOf('READY'));
    expect(result.terminal.indexOf(LEAVE)).toBeLessThan(trace); // the trace lands on the normal screen
    expect(result.code).not.toBe(0);
  });
});
