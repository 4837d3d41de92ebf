// kmsp demo: the simulators on loopback with a ready configuration.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_APPROVALS } from '../domain/billingGuards.js';
import { describeError, KmspError } from '../domain/errors.js';
import type { FaultPlan } from '../simulators/faults.js';
import { parseFaultSpec } from '../simulators/faultSpec.js';
import { processIo, selfCommand, shellQuote } from './common.js';

interface DemoCliOptions {
  fixtures?: string;
  serve?: boolean;
  record?: string;
  psa?: string;
  platform?: string;
  psaPort?: string;
  platformPort?: string;
  faults?: string;
  generate?: string;
  seed?: string;
}

/** What --generate asks for, checked before anything starts. */
interface Generation {
  spec: import('../demo/generate.js').GenerateSpec;
  seed: number;
  /** --fixtures: kept after the demo stops; else a temporary folder removed with the demo. */
  dir: string | null;
}

const DEFAULT_SEED = 1;

function port(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new KmspError(`${what} must be a port number (0–65535), not "${value}"`, { kind: 'config', remedy: `Give ${what} a free port, or leave it out for any free port.` });
  }
  return n;
}

/** --fixtures with --generate: a folder to write into, so nothing of another dataset is overwritten or mixed in. */
function checkEmptyFolder(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory() || readdirSync(dir).length > 0) {
    throw new KmspError(`--fixtures ${dir} is not an empty folder`, {
      kind: 'config',
      cause: '--generate writes its dataset into --fixtures, and overwrites nothing',
      remedy: 'Give --fixtures a new or empty folder, or leave it out to generate into a temporary folder removed when the demo stops.',
    });
  }
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the built-in demo: a simulated security platform and PSA on loopback, with a ready configuration')
    .option('--platform <kind>', "the security platform to simulate, by kind (default: the built-in demo's)")
    .option('--psa <kind>', "the PSA to simulate, by kind (default: the built-in demo's)")
    .option('--fixtures <dir>', 'dataset folder holding each simulator\'s <kind>.json (default: fixtures/demo)')
    .option('--serve', 'only run the simulators (no console) and print the configuration directory')
    .option('--record <file>', 'append every request the simulators receive (secrets removed) to this JSONL file')
    .option('--platform-port <port>', 'port for the platform simulator (default: any free port)')
    .option('--psa-port <port>', 'port for the PSA simulator (default: any free port)')
    .option('--generate <spec>', 'generate an MSP-size dataset, e.g. tenants=500,devices=100,events=10000,accounts=600, and run the demo on it with the tenants mapped (into --fixtures <dir> when given: it must be empty or new)')
    .option('--seed <n>', `seed of --generate: the same spec and seed give the same dataset (default ${DEFAULT_SEED})`)
    .option('--faults <plan>', 'seeded random faults on both simulators, e.g. rate=0.2,seed=7[,kinds=5xx+429+reset-after]: to watch kmsp cope')
    .action(async (options: DemoCliOptions) => {
      const { demoKinds, startDemo } = await import('../demo/environment.js');
      let kinds;
      let psaPort: number | undefined;
      let platformPort: number | undefined;
      let faults: FaultPlan | undefined;
      let generation: Generation | null = null;
      try {
        // Refused before anything starts: a kind the demo cannot simulate names the ones it can.
        kinds = demoKinds({ psa: options.psa, platform: options.platform });
        psaPort = port(options.psaPort, '--psa-port');
        platformPort = port(options.platformPort, '--platform-port');
        if (options.faults !== undefined) faults = parseFaultSpec(options.faults);
        if (options.generate !== undefined) {
          const { parseGenerateSpec, parseSeed } = await import('../demo/generate.js');
          generation = { spec: parseGenerateSpec(options.generate), seed: options.seed === undefined ? DEFAULT_SEED : parseSeed(options.seed), dir: options.fixtures ?? null };
          if (generation.dir) checkEmptyFolder(generation.dir);
        } else if (options.seed !== undefined) {
          throw new KmspError('--seed needs --generate', { kind: 'config', cause: 'the seed chooses a generated dataset; the built-in demo has its own', remedy: 'Add --generate tenants=N,… or leave --seed out.' });
        }
      } catch (error) {
        processIo.err(`${describeError(error)}\n`);
        process.exitCode = 2;
        return;
      }
      if (!options.serve && !(process.stdin.isTTY && process.stdout.isTTY)) {
        // Say so before starting anything: the console needs a terminal.
        const { notATerminalError } = await import('../ui/terminal-check.js');
        processIo.err(describeError(notATerminalError({ stdin: process.stdin, stdout: process.stdout })) + `\n  To run the simulators without the console: ${selfCommand()} demo --serve\n`);
        process.exitCode = 1;
        return;
      }
      let demo;
      let generatedDir: string | null = null;
      try {
        let fixturesDir = options.fixtures;
        if (generation) {
          const { writeGeneratedDataset } = await import('../demo/generate.js');
          generatedDir = generation.dir ?? mkdtempSync(path.join(os.tmpdir(), 'kmsp-generated-'));
          const { spec, seed } = generation;
          processIo.err(`Generating ${spec.tenants.toLocaleString('en-US')} tenants × ${spec.devices.toLocaleString('en-US')} devices, ${spec.events.toLocaleString('en-US')} events, ${spec.accounts.toLocaleString('en-US')} accounts (seed ${seed}) in ${generatedDir}…\n`);
          writeGeneratedDataset({ spec, seed, dir: generatedDir, kinds: [kinds.platform, kinds.psa] });
          fixturesDir = generatedDir;
        }
        demo = await startDemo({
          psa: kinds.psa,
          platform: kinds.platform,
          withTenants: true,
          // A new integration holds risky billing changes for a person (README › Billing approvals).
          approvals: DEFAULT_APPROVALS,
          // Each step on stderr as it begins (stdout keeps the banner for scripts to read).
          onStep: (text) => processIo.err(`${text}\n`),
          ...(fixturesDir ? { fixturesDir } : {}),
          ...(options.record ? { recordFile: options.record } : {}),
          ...(psaPort !== undefined ? { psaPort } : {}),
          ...(platformPort !== undefined ? { platformPort } : {}),
          ...(faults ? { faults } : {}),
        });
        if (generation) {
          processIo.err('Mapping the tenants the suggestions match to their accounts and contracts, as an admin would…\n');
          const { setUpAsAdmin } = await import('../demo/adminSetup.js');
          const { resolvePaths } = await import('../store/paths.js');
          await setUpAsAdmin(resolvePaths({ configDir: demo.configDir }), { keepUnmatched: true, actor: 'kmsp demo --generate' });
        }
      } catch (error) {
        await demo?.close();
        if (generatedDir && !generation?.dir) rmSync(generatedDir, { recursive: true, force: true });
        processIo.err(`The demo could not start.\n${describeError(error)}\n`);
        process.exitCode = 1;
        return;
      }
      // A generated dataset in a temporary folder goes with the demo; one in --fixtures stays.
      const closeDemo = async (): Promise<void> => {
        await demo.close();
        if (generatedDir && !generation?.dir) rmSync(generatedDir, { recursive: true, force: true });
      };
      if (!options.serve) {
        // The console on the demo; the simulators stop when it closes.
        try {
          const { startConsole } = await import('../ui/start.js');
          const { resolvePaths } = await import('../store/paths.js');
          await startConsole({
            paths: resolvePaths({ configDir: demo.configDir }),
            secretBackends: ['file'],
            notice: `Demo: simulated ${demo.platformName} and ${demo.psaName} on loopback. Nothing here touches a real system.`,
          });
        } catch (error) {
          processIo.err(describeError(error) + `\n  To run the simulators without the console: ${selfCommand()} demo --serve\n`);
          process.exitCode = 1;
        } finally {
          await closeDemo();
        }
        return;
      }
      // Suggest the command as this user can run it: `kmsp` is often not on the PATH in a checkout.
      // `npx kmsp` and `node bin/kmsp.js` work from this directory only (npx finds the clone's bin there).
      const kmsp = selfCommand();
      const dir = shellQuote(demo.configDir);
      const fromHere = kmsp === 'npx kmsp' || /^node (?!\/|')/u.test(kmsp) ? `, from ${shellQuote(process.cwd())}` : '';
      const rows: Array<[string, string]> = [
        ...demo.simulators.map((sim): [string, string] => [`${sim.name} simulator`, sim.note ? `${sim.address}   (${sim.note})` : sim.address]),
        ['Configuration and secrets', demo.configDir],
        ...(generatedDir ? [['Generated dataset', `${generatedDir}${generation?.dir ? '' : ' (removed when the demo stops)'}`] as [string, string]] : []),
        ...(faults ? [['Faults', `${Math.round(faults.rate * 100)}% of requests, seed ${faults.seed}${faults.kinds ? `, kinds ${faults.kinds.join(' ')}` : ', every kind'} (counted at <simulator>/_sim/faults)`] as [string, string]] : []),
      ];
      const width = Math.max(...rows.map(([label]) => label.length)) + 2;
      const lines = [
        'kmsp demo is running. Ctrl-C stops it and removes the demo directory.',
        ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`),
        '',
        `In another shell${fromHere}, try:`,
        `  ${kmsp} --config ${dir}            (the console)`,
        `  ${kmsp} doctor --config ${dir}`,
        `  ${kmsp} report unmapped --config ${dir}`,
        `  ${kmsp} billing preview --config ${dir}`,
      ];
      processIo.out(lines.join('\n') + '\n');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        process.once('SIGHUP', stop); // its terminal closed (or its tmux session killed): still remove the directory
      });
      await closeDemo();
      processIo.out('kmsp demo stopped.\n');
    });
}
