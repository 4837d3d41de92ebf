// The systemd unit for `kmsp agent` (README › Run as a service), as text. Pure: the caller
// (source/commands/systemdUnit.ts) finds the paths and the secret names; nothing here reads
// or writes a file.
//
// User model. Default: a named system user (`kmsp`), because the admin has to configure the
// agent with the console, and the config store always writes config.json with mode 0600: the
// file belongs to whoever saved it last. With a named user the admin runs the console *as that
// user* against the service's directories (/etc/kmsp, /var/lib/kmsp), so the service can read
// every file the console wrote, first time. With DynamicUser=yes the service gets a UID that
// only exists while it runs; a config.json saved by root or an admin (0600) in /etc/kmsp is
// unreadable to it. `--dynamic-user` is still offered, for admins who want no persistent
// account: the whole configuration then lives in the state directory (`--config
// /var/lib/kmsp`, which systemd chowns to the dynamic UID) and is edited through
// `systemd-run` with the same identity (README "Run as a service").
//
// Secrets reach the agent as systemd credentials: one LoadCredential= (or
// LoadCredentialEncrypted=) per secret the configured integrations need; the agent reads
// $CREDENTIALS_DIRECTORY/<secret-name> (store/secretBackends.ts).
import path from 'node:path';

export type UnitUser = { kind: 'named'; name: string } | { kind: 'dynamic' };

export interface SystemdUnitOptions {
  /** Absolute path of the Node.js binary. */
  nodePath: string;
  /** Absolute path of kmsp's bin/kmsp.js. */
  kmspPath: string;
  user: UnitUser;
  /** The secret names the configured integrations need (integrationSecrets), in order. */
  secretNames: readonly string[];
  /** Where the credential source files are: <dir>/<name> (or <dir>/<name>.cred when encrypted). */
  credentialsDir: string;
  /** LoadCredentialEncrypted= with files made by `systemd-creds encrypt`. */
  encrypted: boolean;
  /** Passed to `kmsp agent --log-level` when set. */
  logLevel?: string | undefined;
  /** Passed to `kmsp agent --log-format` when set. */
  logFormat?: 'text' | 'json' | undefined;
  /** Seconds systemd waits after SIGTERM before SIGKILL (the agent stops at a safe point). */
  stopTimeoutSeconds?: number;
  /** The unit's name without ".service"; also the state/config directory name. */
  name?: string;
}

export const DEFAULT_UNIT_NAME = 'kmsp';
export const DEFAULT_SERVICE_USER = 'kmsp';
/**
 * Outside /etc/kmsp on purpose: the config directory belongs to the service user (the console
 * writes config.json there), and an owner can rename entries of its directory. A credentials
 * directory inside it could be swapped for one whose files link elsewhere, and systemd reads
 * credential sources as root. /etc/kmsp-credentials is root's alone to change.
 */
export const DEFAULT_CREDENTIALS_DIR = '/etc/kmsp-credentials';
/** Above the agent's own --stop-timeout (25 s by default): it reaches a safe point, writes its status and exits before systemd's SIGKILL. */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 45;

/** The source file of one credential. */
export function credentialSourcePath(credentialsDir: string, name: string, encrypted: boolean): string {
  return path.posix.join(credentialsDir, encrypted ? `${name}.cred` : name);
}

/** User names systemd accepts without complaint (the portable subset, as useradd creates them). */
const USER_NAME = /^[a-z_][a-z0-9_-]{0,30}$/;
const UNIT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Secret names are SECRET_NAME_PATTERN; repeated here so the generator refuses anything a unit line could not hold. */
const CREDENTIAL_NAME = /^[a-z0-9][a-z0-9.-]*$/;

function assertAbsolute(what: string, value: string): void {
  if (!path.posix.isAbsolute(value)) throw new Error(`${what} must be an absolute path (systemd runs ExecStart= without a search path): ${value}`);
  // A newline would end the unit line; a NUL cannot be in a path at all.
  if (/[\n\r\0]/.test(value)) throw new Error(`${what} contains a line break: ${JSON.stringify(value)}`);
}

/**
 * One ExecStart= word: '%' is a unit specifier and '$' an environment expansion in ExecStart=,
 * so both are doubled; a word with blanks, quotes or backslashes is double-quoted with C escapes.
 */
export function execWord(word: string): string {
  let w = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/[\s"'\\;]/.test(w) || w === '') w = `"${w.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return w;
}

/** A path in a setting that takes specifiers but no quoting (LoadCredential=): '%' doubled, blanks refused. */
function settingPath(what: string, value: string): string {
  assertAbsolute(what, value);
  if (/\s/.test(value)) throw new Error(`${what} must not contain blanks (systemd cannot quote it in LoadCredential=): ${value}`);
  return value.replace(/%/g, '%%');
}

export function generateSystemdUnit(options: SystemdUnitOptions): string {
  assertAbsolute('The Node.js path', options.nodePath);
  assertAbsolute('The kmsp path', options.kmspPath);
  const name = options.name ?? DEFAULT_UNIT_NAME;
  if (!UNIT_NAME.test(name)) throw new Error(`“${name}” is not a usable unit name (lower-case letters, digits, - and _).`);
  if (options.user.kind === 'named' && !USER_NAME.test(options.user.name)) {
    throw new Error(`“${options.user.name}” is not a valid user name (lower-case letters, digits, - and _, starting with a letter).`);
  }
  for (const secret of options.secretNames) {
    if (!CREDENTIAL_NAME.test(secret)) throw new Error(`“${secret}” is not a valid credential name.`);
  }
  const stopTimeout = options.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS;
  if (!Number.isInteger(stopTimeout) || stopTimeout < 1) throw new Error(`The stop timeout must be a whole number of seconds, not ${stopTimeout}.`);
  const user = options.user;
  const dynamic = user.kind === 'dynamic';
  const stateDir = `/var/lib/${name}`;

  const exec = [options.nodePath, options.kmspPath];
  // DynamicUser: the config is kept in the state directory (see the header); --config puts
  // config and state in that one directory (store/paths.ts).
  if (dynamic) exec.push('--config', stateDir);
  exec.push('agent');
  if (options.logLevel) exec.push('--log-level', options.logLevel);
  if (options.logFormat) exec.push('--log-format', options.logFormat);

  const lines: string[] = [];
  const add = (...l: string[]) => lines.push(...l);
  add(
    `# ${name}.service — the kmsp agent (billing and tickets). Generated by \`kmsp systemd-unit\`;`,
    '# rerun it after adding or renaming an integration, so every secret has its LoadCredential line.',
    '# Check the sandbox with: systemd-analyze security ' + name,
    '',
    '[Unit]',
    'Description=kmsp agent: Kaspersky license billing and security tickets into the PSA',
    // The agent talks to KSC and the PSA at once; starting before the network only fills the journal with retries.
    'Wants=network-online.target',
    'After=network-online.target',
    // Five failed starts in five minutes and systemd stops trying (a bad config or a missing credential will not fix itself).
    'StartLimitIntervalSec=300',
    'StartLimitBurst=5',
    '',
    '[Service]',
    // Type=exec, not notify: Node cannot send sd_notify datagrams without a native addon
    // (nodejs/node#31414), so "started" means the binary was executed; health is in the status file.
    'Type=exec',
    `ExecStart=${exec.map(execWord).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=5s',
    // 78 (EX_CONFIG): the config is corrupt or invalid at start. Restarting cannot mend it; the
    // unit stays failed with the reason in the journal until the admin fixes it and restarts.
    'RestartPreventExitStatus=78',
    // SIGTERM first: the agent stops scheduling, finishes or abandons its pass at a safe point and
    // writes its status; SIGKILL only after this long.
    `TimeoutStopSec=${stopTimeout}s`,
    '',
  );
  if (user.kind === 'dynamic') {
    add(
      '# A transient UID allocated while the service runs; /var/lib/' + name + ' is chowned to it.',
      '# No ConfigurationDirectory=: a root-owned /etc/' + name + ' would hold a config.json this UID',
      '# cannot read, so config and state share the state directory (--config above).',
      'DynamicUser=yes',
      `StateDirectory=${name}`,
      'StateDirectoryMode=0700',
    );
  } else {
    add(
      `# The named system user the admin also runs the console as (sudo -u ${user.name} …), so`,
      '# config.json (always mode 0600) is readable by the service whoever saved it last.',
      `User=${user.name}`,
      `Group=${user.name}`,
      `StateDirectory=${name}`,
      'StateDirectoryMode=0700',
      `ConfigurationDirectory=${name}`,
      'ConfigurationDirectoryMode=0700',
    );
  }
  add('');
  if (options.secretNames.length === 0) {
    add(
      '# No integration is configured yet, so no secret is loaded. Configure one with the console,',
      '# then rerun `kmsp systemd-unit` to add a LoadCredential line for each of its secrets.',
    );
  } else {
    add(
      options.encrypted
        ? `# Secrets: encrypted with systemd-creds, one file per secret in ${options.credentialsDir} (root-owned).`
        : `# Secrets: one file per secret in ${options.credentialsDir} (root-owned), read by systemd as root.`,
      '# The agent finds them in $CREDENTIALS_DIRECTORY, readable only by this service.',
    );
    for (const secret of options.secretNames) {
      const source = settingPath('The credentials directory', credentialSourcePath(options.credentialsDir, secret, options.encrypted));
      add(`${options.encrypted ? 'LoadCredentialEncrypted' : 'LoadCredential'}=${secret}:${source}`);
    }
  }
  add(
    '',
    '# Sandbox.',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    // Hides other users' processes; the agent only ever looks at its own.
    'ProtectProc=invisible',
    // HTTPS to KSC and the PSA, and AF_UNIX for the resolver and the journal; nothing else.
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'RemoveIPC=yes',
    'LockPersonality=yes',
    'CapabilityBoundingSet=',
    'SystemCallArchitectures=native',
    'SystemCallFilter=@system-service',
    // A call outside the filter fails with EPERM instead of killing the process: libuv probes
    // io_uring (not in @system-service) and falls back to its thread pool when refused.
    'SystemCallErrorNumber=EPERM',
    // The ledger, the status file and any secrets.json stay private to the service user.
    'UMask=0077',
    // No MemoryDenyWriteExecute=yes: V8's JIT compiler needs memory that is writable and
    // executable, and Node aborts at startup under it (nodejs/node#55509). Said in the unit too,
    // because `systemd-analyze security` lists it as a missing protection and invites adding it.
    '# MemoryDenyWriteExecute= is left off on purpose: V8 (Node.js) needs writable+executable memory for its JIT.',
    '',
    '# One journal line per event; the agent prefixes <3>/<4>/<6>/<7> priorities itself (it sees $JOURNAL_STREAM).',
    `SyslogIdentifier=${name}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  );
  return lines.join('\n') + '\n';
}
