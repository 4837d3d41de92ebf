import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register as registerHealth } from '../../source/commands/health.js';
import { register as registerList } from '../../source/commands/list.js';
import { register as registerMap } from '../../source/commands/map.js';
import { register as registerTicketing } from '../../source/commands/ticketing.js';
import type { CommandIo } from '../../source/commands/common.js';
import { useDemoConsole } from '../helpers/demo-ui.js';

const demo = useDemoConsole('kmsp-cli-overrides-cw-', { psa: 'connectwise' });

async function kmsp(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { out: (t) => void out.push(t), err: (t) => void err.push(t) };
  const program = new Command('kmsp').option('--config <dir>').exitOverride();
  registerList(program, io);
  registerMap(program, io);
  registerTicketing(program, io);
  registerHealth(program, io);
  process.exitCode = undefined;
  try {
    await program.parseAsync(['--config', dir, ...args], { from: 'user' });
    return { code: Number(process.exitCode ?? 0), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.exitCode = undefined;
  }
}

describe('explore', () => {
  it('prints', async () => {
    const dir = demo.freshDir();
    const log: string[] = [];
    const run = async (...a: string[]) => { const r = await kmsp(dir, ...a); log.push(`$ ${a.join(' ')}\n[${r.code}]\n${r.stdout}\n${r.stderr}`); return r; };
    await run('list', 'ticket-fields');
    await run('list', 'ticket-rules');
    await run('list', 'tenants');
    await run('map', 'Acme & Sons', 'Acme and Sons Ltd');
    await run('map', 'Bluebird Dental', 'Bluebird Dental Group');
    await run('ticketing', 'override', 'add', 'events', 'critical', '--customer', 'Acme & Sons', 'type=Malware');
    await run('ticketing', 'override', 'add', 'events', 'critical', '--customer', 'Acme & Sons', 'board=Security Operations', 'type=Malware');
    await run('ticketing', 'override', 'list');
    await run('health', 'set', 'ticket=on', 'account=Acme and Sons Ltd', 'board=Security Operations', 'priority=High');
    await run('health', 'show');
    fs.writeFileSync('/tmp/cli2/explore-cw.txt', log.join('\n'));
  }, 60000);
});
