// Where kmsp keeps its files. Pure resolution (no I/O) so the console, the agent
// and tests agree; directories are created by the stores, only when they write.
//
// Config dir:  --config DIR  >  $CONFIGURATION_DIRECTORY (systemd)  >  ($XDG_CONFIG_HOME | ~/.config)/kmsp
// State dir:   --config DIR (same dir, so one flag isolates everything, e.g. in tests)
//              >  $STATE_DIRECTORY (systemd)  >  ($XDG_STATE_HOME | ~/.local/state)/kmsp
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'kmsp';

export interface KmspPaths {
  configDir: string;
  configFile: string;
  stateDir: string;
  ledgerFile: string;
  secretsFile: string;
  statusFile: string;
}

export interface ResolvePathsOptions {
  /** The CLI's `--config DIR`. */
  configDir?: string | undefined;
  /** Defaults to process.env; tests inject their own. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to os.homedir(). */
  homeDir?: string;
}

/**
 * systemd may pass several directories separated by ':' (one per
 * ConfigurationDirectory=/StateDirectory= entry); the first one is ours.
 */
function systemdDir(value: string | undefined): string | null {
  if (!value) return null;
  const first = value.split(':')[0];
  return first && path.isAbsolute(first) ? first : null;
}

/** The XDG spec says relative values must be ignored. */
function xdgBase(value: string | undefined, fallback: string): string {
  return value && path.isAbsolute(value) ? value : fallback;
}

export function resolvePaths(options: ResolvePathsOptions = {}): KmspPaths {
  const env = options.env ?? process.env;
  const home = options.homeDir ?? env.HOME ?? os.homedir();
  let configDir: string;
  let stateDir: string;
  if (options.configDir) {
    configDir = path.resolve(options.configDir);
    stateDir = configDir;
  } else {
    configDir = systemdDir(env.CONFIGURATION_DIRECTORY) ?? path.join(xdgBase(env.XDG_CONFIG_HOME, path.join(home, '.config')), APP_DIR_NAME);
    stateDir = systemdDir(env.STATE_DIRECTORY) ?? path.join(xdgBase(env.XDG_STATE_HOME, path.join(home, '.local', 'state')), APP_DIR_NAME);
  }
  return {
    configDir,
    configFile: path.join(configDir, 'config.json'),
    stateDir,
    ledgerFile: path.join(stateDir, 'ledger.sqlite'),
    secretsFile: path.join(stateDir, 'secrets.json'),
    statusFile: path.join(stateDir, 'status.json'),
  };
}

/**
 * Create a directory (and parents) with mode 0700 when missing. An existing
 * directory is left as it is: under systemd its mode is the unit's business.
 */
export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** A filesystem-safe timestamp for backup and quarantine names, e.g. 2025-01-31T04-00-00-123Z. */
export function fileTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/** `base` if free, else `base-2`, `base-3`…: a backup never replaces another backup. */
export function freeName(base: string): string {
  if (!fs.existsSync(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!fs.existsSync(candidate)) return candidate;
  }
}
