// The agent's side of `kmsp doctor`: what `kmsp agent` will meet on this host
// with these directories — a writable state directory, a valid billing schedule in a known time
// zone, a sane poll interval, the pause switch, whether an agent is running now (its status
// file), and whether every secret sits where a systemd service can read it.
//
// Run it with the service's directories and identity to see the service's view
// (README "Run as a service": sudo -u kmsp env CONFIGURATION_DIRECTORY=… kmsp doctor).
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CERTIFICATE_CHECKS_OFF, certificateChecksDisabledBy } from '../connectors/tlsEnvironment.js';
import type { KmspConfig } from '../domain/config.js';
import { LIMITS } from '../domain/defaults.js';
import { checkCron, describeBillingSchedule, describeInterval, formatInZone, runsInDstHours } from '../domain/schedule.js';
import { integrationSecrets } from '../domain/secretNames.js';
import { isValidTimeZone } from '../domain/validate.js';
import { AGENT_JOBS, livenessNow, readAgentStatus, readLastLedgerRuns } from '../store/agentStatus.js';
import type { KmspPaths } from '../store/paths.js';
import type { SecretBackendId, SecretStore } from '../store/secrets.js';
import type { CheckResult } from './checks.js';

/** Agent checks are not about one integration; JSON readers see this in `integration`. */
export const AGENT_CHECK_SUBJECT = '-';

export interface AgentCheckOptions {
  paths: Pick<KmspPaths, 'stateDir' | 'statusFile'> & Partial<Pick<KmspPaths, 'ledgerFile'>>;
  secrets: Pick<SecretStore, 'status'>;
  /** Only this integration's secrets (doctor --integration). */
  only?: { integration?: string };
  /** Tests pin the clock; liveness and "next run" are computed from it. */
  now?: Date;
  /** Tests replace the liveness probe (pid and host of the status file). */
  liveness?: typeof livenessNow;
  /** The environment kmsp runs in (default process.env). */
  env?: NodeJS.ProcessEnv;
}

function result(status: CheckResult['status'], summary: string, detail?: string): CheckResult {
  return { integration: AGENT_CHECK_SUBJECT, area: 'agent', status, summary, ...(detail ? { detail } : {}) };
}

// Moved to the domain (the console's settings form previews runs with them); re-exported for callers of doctor.
export { formatInZone };

function checkStateDir(stateDir: string): CheckResult {
  if (!fs.existsSync(stateDir)) {
    return result(
      'warn',
      `State directory ${stateDir} does not exist yet`,
      '  Cause: the agent keeps its ledger and status file there.\n  Remedy: under systemd, StateDirectory= creates it at start; otherwise the first kmsp command that writes creates it. Check this is the directory you meant (--config DIR, $STATE_DIRECTORY).',
    );
  }
  // A real write, not access(2): a read-only mount or a full disk only shows when writing.
  const probe = path.join(stateDir, `.kmsp-doctor-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    fs.writeFileSync(probe, 'kmsp doctor write test\n', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    return result(
      'fail',
      `State directory ${stateDir} is not writable`,
      `  Cause: ${(error as Error).message}\n  Remedy: run kmsp as the user the agent runs as (for the service: sudo -u kmsp …), or give that user the directory (chown).`,
    );
  }
  try {
    fs.unlinkSync(probe);
  } catch {
    // Written but not removable is still writable; the stray file is named after doctor.
  }
  return result('ok', `State directory ${stateDir} is writable`);
}

function checkSchedule(config: KmspConfig, now: Date): CheckResult[] {
  const { timeZone, billingSchedule, ticketPollSeconds } = config.agent;
  const out: CheckResult[] = [];
  const zoneOk = isValidTimeZone(timeZone);
  out.push(
    zoneOk
      ? result('ok', `Time zone ${timeZone} is known`)
      : result('fail', `Time zone “${timeZone}” is not a known IANA time zone`, '  Remedy: set an IANA name such as Europe/London or America/New_York (agent.timeZone; kmsp config show).'),
  );
  if (zoneOk) {
    const cron = checkCron(billingSchedule, timeZone, { from: now, count: 60 });
    if (!cron.ok) {
      out.push(result('fail', `Billing schedule is not valid: ${cron.problem}`, '  Remedy: correct agent.billingSchedule (5 cron fields), e.g. 0 4 * * * for 04:00 every day.'));
    } else {
      const next = cron.next[0]!;
      const inDstHours = runsInDstHours(cron.next, timeZone, now);
      out.push(
        inDstHours
          ? result(
              'warn',
              `Billing schedule ${describeBillingSchedule(billingSchedule, timeZone)}: next run ${formatInZone(next, timeZone)}; it runs between 00:00 and 04:00`,
              '  Cause: the clocks of daylight-saving zones change in those hours (00:00 in some, 01:00–03:00 in most): on the night they go forward a run in the skipped hour runs an hour late, and on the night they go back node-schedule can skip a run (node-schedule#435).\n  Remedy: schedule it at 04:00 or later local time; the default 0 4 * * * does.',
            )
          : result('ok', `Billing schedule ${describeBillingSchedule(billingSchedule, timeZone)}: next run ${formatInZone(next, timeZone)}`),
      );
    }
  } else {
    out.push(result('fail', `Billing schedule “${billingSchedule}” cannot be checked without a valid time zone`));
  }
  const { min, max } = LIMITS.ticketPollSeconds;
  out.push(
    Number.isInteger(ticketPollSeconds) && ticketPollSeconds >= min && ticketPollSeconds <= max
      ? result('ok', `Tickets polled ${describeInterval(ticketPollSeconds)}`)
      : result('fail', `Ticket poll interval ${ticketPollSeconds} s is out of range`, `  Remedy: set agent.ticketPollSeconds to ${min}–${max} seconds (default 60).`),
  );
  out.push(
    config.agent.paused
      ? result('warn', 'Writes are paused; kmsp resume', '  Cause: the pause switch is on: the agent posts no billing and creates or closes no tickets.\n  Remedy: kmsp resume, when the reason for pausing is gone.')
      : result('ok', 'Writes are not paused'),
  );
  return out;
}

function checkRunning(paths: AgentCheckOptions['paths'], now: Date, liveness: typeof livenessNow): CheckResult[] {
  const statusFile = paths.statusFile;
  const read = readAgentStatus(statusFile);
  const startIt = '  Remedy: start it: sudo systemctl enable --now kmsp (README "Run as a service"); its log: journalctl -u kmsp -p warning.';
  if (read.state === 'missing') {
    // `kmsp agent --once` writes no status file; its runs are in the ledger, and are named.
    const runs = paths.ledgerFile ? readLastLedgerRuns(paths.ledgerFile) : {};
    const ran = AGENT_JOBS.flatMap((job) => (runs[job] ? [`${job} ${runs[job]!.outcome} at ${new Date(runs[job]!.finishedAt).toISOString().replace(/\.\d{3}Z$/, 'Z')}`] : []));
    const cause = ran.length
      ? `  Cause: only kmsp agent --once has run with this state directory (last runs: ${ran.join(', ')}); no agent runs the jobs on their schedules.`
      : '  Cause: no kmsp agent has run with this state directory.';
    return [result('warn', `Agent is not running here (no status file ${statusFile})`, `${cause}\n${startIt}`)];
  }
  if (read.state === 'unreadable') {
    return [result('warn', 'Agent status cannot be read', `  Cause: ${read.reason}\n  Remedy: run kmsp doctor as the agent's user (sudo -u kmsp …), or check the file.`)];
  }
  const status = read.status;
  const since = (iso: string | null) => (iso ? new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z') : 'unknown');
  const out: CheckResult[] = [];
  switch (liveness(status, now)) {
    case 'running':
      out.push(result('ok', `Agent is running (pid ${status.pid} on ${status.host}, since ${since(status.startedAt)})`));
      break;
    case 'stopping':
      out.push(result('warn', `Agent is stopping (pid ${status.pid} on ${status.host})`, `  Cause: it was asked to stop${status.stopReason ? ` (${status.stopReason})` : ''} and is finishing at a safe point.`));
      break;
    case 'gone':
      out.push(
        result('warn', `Agent is not running: pid ${status.pid} is gone, but its status says it runs`, `  Cause: it was killed or crashed without writing its status (last update ${since(status.updatedAt)}).\n${startIt}`),
      );
      break;
    case 'stale':
      out.push(
        result('warn', `Agent status is stale: no update since ${since(status.updatedAt)} (pid ${status.pid} on ${status.host})`, `  Cause: the agent is hung, or it runs on another host.\n  Remedy: check it there: systemctl status kmsp; journalctl -u kmsp -p warning.`),
      );
      break;
    case 'stopped':
      out.push(result('warn', `Agent is not running: it stopped ${since(status.stoppedAt)}${status.stopReason ? ` (${status.stopReason})` : ''}`, startIt));
      break;
  }
  if (status.configError) {
    out.push(result('warn', 'Agent refused the last configuration change and kept the previous one', `  Cause: ${status.configError}\n  Remedy: correct the configuration (kmsp config validate); the agent picks it up without a restart.`));
  }
  return out;
}

/** Backends a systemd service can read: its own credentials and the state directory's file. */
const SERVICE_VISIBLE: readonly SecretBackendId[] = ['systemd-credentials', 'file'];

async function checkServiceSecrets(config: KmspConfig, secrets: AgentCheckOptions['secrets'], only?: string): Promise<CheckResult[]> {
  const names = config.integrations.filter((i) => !only || i.name === only).flatMap((i) => integrationSecrets(i).map((s) => s.name));
  if (names.length === 0) return [];
  const report = await secrets.status(names);
  // An optional secret that is not set is not counted: the agent needs none of it.
  const optional = new Set(config.integrations.flatMap((i) => integrationSecrets(i).filter((s) => s.optional).map((s) => s.name)));
  const held = new Set(report.secrets.filter((s) => s.heldBy).map((s) => s.name));
  names.splice(0, names.length, ...names.filter((n) => !optional.has(n) || held.has(n)));
  const wanted = new Set(names);
  const invisible: Array<{ name: string; where: SecretBackendId }> = [];
  let present = 0;
  for (const s of report.secrets) {
    if (!wanted.has(s.name) || !s.heldBy) continue; // missing: the secrets checks above already failed it
    present++;
    if (![s.heldBy, ...s.shadowed].some((b) => SERVICE_VISIBLE.includes(b))) invisible.push({ name: s.name, where: s.heldBy });
  }
  if (present === 0) return [];
  if (invisible.length === 0) return [result('ok', `Secrets: ${present} of ${names.length} readable by the agent as a service (systemd credentials or its state directory)`)];
  const keyring = invisible.filter((i) => i.where === 'keyring').map((i) => i.name);
  const environment = invisible.filter((i) => i.where === 'environment').map((i) => i.name);
  const causes = [
    keyring.length ? `  Cause: ${keyring.join(', ')} ${keyring.length === 1 ? 'is' : 'are'} only in the OS keyring, which needs a desktop session: a systemd service cannot reach it.` : '',
    environment.length ? `  Cause: ${environment.join(', ')} ${environment.length === 1 ? 'is' : 'are'} only in this shell's environment (KMSP_SECRET_*), which a service does not inherit.` : '',
  ].filter(Boolean);
  return [
    result(
      'warn',
      `Secrets: ${invisible.length} of ${names.length} not readable by the agent as a service`,
      `${causes.join('\n')}\n  Remedy: provide each as a systemd credential file and load it with LoadCredential= — kmsp systemd-unit prints the unit with those lines; README "Run as a service" shows how to create the files.`,
    ),
  ];
}

/** Certificate checks switched off by the environment: every connection kmsp makes would accept any server. */
function checkCertificateVerification(env: NodeJS.ProcessEnv): CheckResult[] {
  const by = certificateChecksDisabledBy(env);
  if (!by) return [];
  return [result('warn', `TLS certificate checks are OFF in this environment (${by})`, `  Cause: ${CERTIFICATE_CHECKS_OFF.cause}\n  Remedy: ${CERTIFICATE_CHECKS_OFF.remedy}`)];
}

export async function runAgentChecks(config: KmspConfig, options: AgentCheckOptions): Promise<CheckResult[]> {
  const now = options.now ?? new Date();
  return [
    ...checkCertificateVerification(options.env ?? process.env),
    checkStateDir(options.paths.stateDir),
    ...checkSchedule(config, now),
    ...checkRunning(options.paths, now, options.liveness ?? livenessNow),
    ...(await checkServiceSecrets(config, options.secrets, options.only?.integration)),
  ];
}
