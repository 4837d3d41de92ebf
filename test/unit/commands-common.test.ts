// What messages suggest as "the kmsp command", and how the preview names skipped tenants.
import { describe, expect, it } from 'vitest';
import { skippedLine } from '../../source/commands/actions/billing.js';
import { selfCommand, shellQuote, streamIo, writeData } from '../../source/commands/common.js';

describe('selfCommand', () => {
  const never = () => false;
  it('kmsp when an executable kmsp is on the PATH', () => {
    expect(selfCommand({ env: { PATH: '/usr/bin:/opt/kmsp/bin' }, argv: ['node', '/repo/bin/kmsp.js'], cwd: '/repo', isExecutable: (f) => f === '/opt/kmsp/bin/kmsp' })).toBe('kmsp');
  });
  it('npx kmsp under npx', () => {
    expect(selfCommand({ env: { PATH: '/usr/bin', npm_command: 'exec' }, argv: ['node', '/repo/bin/kmsp.js'], cwd: '/repo', isExecutable: never })).toBe('npx kmsp');
  });
  it('npx kmsp under npx, though npx puts its own cache (with this kmsp) on the PATH', () => {
    const npxBin = '/root/.npm/_npx/eb931a36c6eef981/node_modules/.bin';
    const env = { PATH: `${npxBin}:/repo/node_modules/.bin:/usr/bin`, npm_command: 'exec' };
    expect(selfCommand({ env, argv: ['node', `${npxBin}/kmsp`], cwd: '/repo', isExecutable: (f) => f === `${npxBin}/kmsp` })).toBe('npx kmsp');
  });
  it('a kmsp only in a node_modules/.bin on the PATH (npm run puts them there) is not on the user’s PATH', () => {
    const env = { PATH: '/repo/node_modules/.bin:/usr/bin', npm_command: 'start' };
    expect(selfCommand({ env, argv: ['node', '/repo/bin/kmsp.js'], cwd: '/repo', isExecutable: (f) => f === '/repo/node_modules/.bin/kmsp' })).toBe('node bin/kmsp.js');
  });
  it('node bin/kmsp.js from a checkout, relative when inside the working directory', () => {
    expect(selfCommand({ env: { PATH: '/usr/bin' }, argv: ['node', '/repo/bin/kmsp.js'], cwd: '/repo', isExecutable: never })).toBe('node bin/kmsp.js');
    expect(selfCommand({ env: { PATH: '/usr/bin' }, argv: ['node', 'bin/kmsp.js'], cwd: '/repo', isExecutable: never })).toBe('node bin/kmsp.js');
    expect(selfCommand({ env: {}, argv: ['node', '/my repo/bin/kmsp.js'], cwd: '/home/ann', isExecutable: never })).toBe("node '/my repo/bin/kmsp.js'");
  });
  it('the real PATH check finds only executable files', () => {
    expect(selfCommand({ env: { PATH: '/nonexistent' }, argv: ['node', '/repo/bin/kmsp.js'], cwd: '/repo' })).toBe('node bin/kmsp.js');
  });
  it('shellQuote', () => {
    expect(shellQuote('/tmp/kmsp-demo-Ab12')).toBe('/tmp/kmsp-demo-Ab12');
    expect(shellQuote("/tmp/it's here")).toBe(`'/tmp/it'\\''s here'`);
  });
});

describe('the commands\' output writer (streamIo)', () => {
  const stream = (isTTY: boolean) => {
    const s = { isTTY, text: '', write: (t: string) => void (s.text += t) };
    return s;
  };
  const vendor = 'Bad\u001b[31mRed\u001b[0m VS\tx\r\n\u009b2Jnext\u0007\n';
  it('lines for a person lose escape codes and control characters, to a terminal or not; line breaks and tabs stay', () => {
    for (const tty of [true, false]) {
      const out = stream(tty);
      const err = stream(tty);
      const io = streamIo(out, err);
      io.out(vendor);
      io.err(vendor);
      // The 8-bit CSI goes whole, its parameters with it (domain/terminalText.ts).
      expect(out.text).toBe('BadRed VS\tx\nnext\n');
      expect(err.text).toBe(out.text);
    }
  });
  it('data (CSV, JSON) keeps its bytes for a file or a pipe, and is cleaned at a terminal', () => {
    const pipe = stream(false);
    writeData(streamIo(pipe, stream(false)), vendor);
    expect(pipe.text).toBe(vendor);
    const tty = stream(true);
    writeData(streamIo(tty, stream(true)), vendor);
    expect(tty.text).toBe('BadRed VS\tx\nnext\n');
  });
});

describe('skippedLine', () => {
  it('says tenants, groups by reason and names a few', () => {
    expect(skippedLine([])).toBe('0 tenants skipped');
    expect(skippedLine([{ tenantName: 'Maple', reason: 'billing is off' }])).toBe('1 tenant skipped: billing is off (Maple)');
    const many = ['A', 'B', 'C', 'D', 'E'].map((tenantName) => ({ tenantName, reason: 'not mapped to an account' }));
    expect(skippedLine([...many, { tenantName: 'F', reason: 'no contract chosen' }])).toBe('6 tenants skipped: not mapped to an account (A, B, C and 2 more); no contract chosen (F)');
  });
});
