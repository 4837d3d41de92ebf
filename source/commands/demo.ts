// kmsp demo: the simulators on loopback with a ready configuration.
import type { Command } from 'commander';
import { describeError } from '../domain/errors.js';

interface DemoCliOptions {
  fixtures?: string;
  serve?: boolean;
  record?: string;
  kscPort?: string;
  autotaskPort?: string;
}

function port(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${what} must be a port number (0–65535), not "${value}"`);
  return n;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the built-in demo: simulated Kaspersky Security Center and Autotask on loopback, with a ready configuration')
    .option('--fixtures <dir>', 'dataset folder holding ksc.json and autotask.json (default: fixtures/demo)')
    .option('--serve', 'only run the simulators and print the configuration directory')
    .option('--record <file>', 'append every request the simulators receive (secrets removed) to this JSONL file')
    .option('--ksc-port <port>', 'port for the KSC simulator (default: any free port)')
    .option('--autotask-port <port>', 'port for the Autotask simulator (default: any free port)')
    .action(async (options: DemoCliOptions) => {
      const { startDemo } = await import('../demo/environment.js');
      let demo;
      try {
        const kscPort = port(options.kscPort, '--ksc-port');
        const autotaskPort = port(options.autotaskPort, '--autotask-port');
        demo = await startDemo({
          ...(options.fixtures ? { fixturesDir: options.fixtures } : {}),
          ...(options.record ? { recordFile: options.record } : {}),
          ...(kscPort !== undefined ? { kscPort } : {}),
          ...(autotaskPort !== undefined ? { autotaskPort } : {}),
        });
      } catch (error) {
        process.stderr.write(`The demo could not start.\n${describeError(error)}\n`);
        process.exitCode = 1;
        return;
      }
      const lines = [
        'kmsp demo is running. Ctrl-C stops it and removes the demo directory.',
        `  Kaspersky Security Center simulator  ${demo.ksc.url}   (TEST-ONLY certificate)`,
        `  Autotask simulator                   ${demo.autotask.zoneDiscoveryUrl}`,
        `  Configuration and secrets            ${demo.configDir}`,
        '',
        'In another shell, try:',
        `  kmsp doctor --config ${demo.configDir}`,
        `  kmsp config show --config ${demo.configDir}`,
      ];
      if (!options.serve) lines.push('', 'The interactive console is not part of this version yet; the simulators keep running until you stop them.');
      process.stdout.write(lines.join('\n') + '\n');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await demo.close();
      process.stdout.write('kmsp demo stopped.\n');
    });
}
