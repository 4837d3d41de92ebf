// The long-running agent (README › The agent): schedules the billing job (cron expression
// in the agent's IANA time zone) and the ticket job (every ticketPollSeconds) with
// node-schedule, reloads the config when it changes, keeps its status file current, and stops
// at a safe point on SIGTERM/SIGINT.
//
// Decisions:
// - Never two passes of one job at once: a billing tick that finds the previous pass still
//   running is skipped and counted (node-schedule has no overrun guard). Across
//   processes the ledger's run lock does the same. The ticket job is scheduled one pass at a
//   time: the next poll is due `interval` after the previous one began, or right after it
//   ended when it took longer.
// - Billing is owed until a billing run of the integration completed (ok or partial) after the
//   last scheduled time. At start (the host was down at 04:00, the last pass was stopped by
//   SIGTERM) the owed runs of integrations billed before start at once — a new integration waits
//   for its first scheduled time. On resume, and when a scheduled time met a pass still running,
//   every owed run starts (when that pass ends). A pass that failed or stopped short for an
//   integration is retried every 30 minutes, at most 3 times, before the next scheduled run. Billing posts differences against the PSA's own units,
//   so a catch-up or retry can never bill twice.
// - Config reload: a changed file is loaded and checked like at start; a refused one is
//   logged and shown in the status, and the last good config keeps running. A pass in flight
//   finishes with the config it began with, except for the pause switch: turning it on stops
//   running passes at their next safe point, before any further PSA write.
// - A missing config file at start is "not configured yet": the agent waits for one (so the
//   service can be installed before the console is used). A corrupt or invalid one is refused
//   with exit code 78 (EX_CONFIG), which the unit does not restart on.
// - Stop: the first SIGTERM/SIGINT cancels the schedules, asks running passes to stop at their
//   next safe point (no ledger row half-written: see billing/executor.ts, tickets/run.ts) and
//   waits up to `stopGraceMs`; then the status says stopped and the process exits 0. A second
//   signal, or the grace running out, exits 1 at once: what was in flight is left as the ledger
//   already records it (pending rows), which the next pass reconciles.
import { PlatformPool } from '../connectors/platformPool.js';
import type { HttpOptions } from '../connectors/registry.js';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import schedule from 'node-schedule';
import cronParser from 'cron-parser';
import type { Integration, KmspConfig } from '../domain/config.js';
import { adoptLedgerRun, AGENT_JOBS, emptyJobStatus, type AgentJob, type AgentStatus, type PassOutcome } from '../domain/agentStatus.js';
import { describeErrorLine } from '../domain/errors.js';
import { checkCron, describeBillingSchedule, describeInterval, nextCronRun } from '../domain/schedule.js';
import { integrationSecrets } from '../domain/secretNames.js';
import { agentBlockingProblems } from '../domain/validate.js';
import { lastLedgerRuns, STATUS_REFRESH_MS, writeAgentStatus } from '../store/agentStatus.js';
import { inspectConfigFile, openConfig } from '../store/config.js';
import { diffConfig, summarizeChanges } from '../store/configDiff.js';
import { openLedger } from '../store/ledger.js';
import type { KmspPaths } from '../store/paths.js';
import { openSecretStore } from '../store/secrets.js';
import { hashFile, watchConfig, type ConfigWatcher } from './configWatch.js';
import type { Logger } from './logger.js';
import { logIntegrationPass, runPass, type PassResult } from './passes.js';
import { checkHealth } from '../health/monitor.js';
import { HealthLedger } from '../store/healthLedger.js';
import { RequestWindow } from './requestWindow.js';

/** sysexits(3) EX_CONFIG: the unit's RestartPreventExitStatus keeps systemd from looping on it. */
export const EXIT_CONFIG = 78;
/** sysexits(3) EX_SOFTWARE: an uncaught error; systemd restarts the agent. */
export const EXIT_SOFTWARE = 70;

export interface DaemonOptions {
  paths: KmspPaths;
  logger: Logger;
  kmspVersion: string;
  /** --integration NAME: only this integration. */
  only?: string;
  /** Jobs to schedule (default both). */
  jobs?: readonly AgentJob[];
  /** Compute and log, write nothing (no PSA writes, no ledger rows). */
  dryRun?: boolean;
  /** --billing-schedule: overrides agent.billingSchedule (5 or 6 fields). */
  billingSchedule?: string;
  /** --ticket-interval: overrides agent.ticketPollSeconds. */
  ticketIntervalSeconds?: number;
  /** How long a stop waits for passes to reach a safe point (default 25 s; the unit's TimeoutStopSec is longer). */
  stopGraceMs?: number;
  /** Read the PSA's API budget at most this often per integration (default 10 min). */
  budgetEveryMs?: number;
  /** HTTP settings for the connectors beyond their own (a harness's short timeouts: the crash trials). */
  http?: HttpOptions;
  now?: () => Date;
}

/** Billing to run now (see runOwedBilling): why, and whether integrations never billed are included. */
interface OwedBilling {
  why: string;
  includeNever: boolean;
}

interface Running {
  promise: Promise<void>;
  controller: AbortController;
}

/** A billing pass that failed for an integration is tried again after this long… */
export const BILLING_RETRY_MS = 30 * 60_000;
/** …at most this many times per scheduled run. */
export const BILLING_RETRIES = 3;

export class Daemon {
  private config!: KmspConfig;
  private integrations: Integration[] = [];
  private configHash: string | null = null;
  private readonly status: AgentStatus;
  private readonly jobs: readonly AgentJob[];
  private billingJob: schedule.Job | null = null;
  private retryJob: schedule.Job | null = null;
  /** Billing owed once the running pass ends (a skipped scheduled time, a resume), or null. */
  private owedAfterPass: OwedBilling | null = null;
  private retries = 0;
  private ticketJob: schedule.Job | null = null;
  private readonly running = new Map<AgentJob, Running>();
  private watcher: ConfigWatcher | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopping: Promise<number> | null = null;
  private readonly requests = new RequestWindow();
  private readonly budgetReadAt = new Map<string, number>();
  /** Platform connectors kept between passes (their sessions), closed when the agent stops. */
  private readonly platforms = new PlatformPool();
  private resolveDone!: (code: number) => void;
  /** Resolves with the exit code once the agent has stopped. */
  readonly done: Promise<number>;
  private readonly log: Logger;
  private readonly now: () => Date;

  constructor(private readonly options: DaemonOptions) {
    this.log = options.logger;
    this.now = options.now ?? (() => new Date());
    this.jobs = options.jobs ?? AGENT_JOBS;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const started = this.now().toISOString();
    this.status = {
      version: 1,
      pid: process.pid,
      host: os.hostname(),
      kmspVersion: options.kmspVersion,
      startedAt: started,
      updatedAt: started,
      state: 'starting',
      stoppedAt: null,
      stopReason: null,
      paused: false,
      configFile: options.paths.configFile,
      configLoadedAt: null,
      configError: null,
      timeZone: 'UTC',
      integrations: [],
      jobs: { billing: emptyJobStatus('not scheduled'), tickets: emptyJobStatus('not scheduled') },
      api: { lastHour: {}, psaBudget: {} },
    };
  }

  /** Loads the config and starts the schedules; returns an exit code instead when it cannot start. */
  start(): number | null {
    const loaded = this.load();
    if (!loaded.ok) {
      this.log.error(`not started: ${loaded.reason}`);
      this.status.state = 'failed';
      this.status.stopReason = loaded.reason;
      this.status.stoppedAt = this.now().toISOString();
      this.writeStatus();
      return EXIT_CONFIG;
    }
    this.adopt(loaded.config, loaded.hash, { initial: true });
    this.status.state = 'running';
    this.watcher = watchConfig({ file: this.options.paths.configFile, initialHash: this.configHash, onChange: () => this.reload() });
    this.adoptLedgerRuns();
    this.heartbeat = setInterval(() => {
      this.adoptLedgerRuns();
      this.writeStatus();
    }, STATUS_REFRESH_MS);
    this.heartbeat.unref();
    this.log.info(
      `kmsp agent ${this.options.kmspVersion} started (pid ${process.pid}); config ${this.options.paths.configFile}; state ${this.options.paths.stateDir}` +
        (this.options.dryRun ? '; dry run: nothing is written' : ''),
    );
    this.logSchedules();
    if (this.jobs.includes('tickets')) this.fire('tickets');
    if (this.jobs.includes('billing')) this.runOwedBilling({ why: 'the agent was not running, or its last pass was stopped', includeNever: false }, true);
    this.writeStatus();
    return null;
  }

  // ------------------------------------------------------------------ config

  private load(): { ok: true; config: KmspConfig; hash: string | null; missing: boolean } | { ok: false; reason: string } {
    const notices: string[] = [];
    try {
      const hash = hashFile(this.options.paths.configFile);
      const result = openConfig({ paths: this.options.paths, onInvalid: 'fail', onNotice: (n) => notices.push(n) }).loadDetailed();
      for (const n of notices) this.log.info(n);
      const config = result.config;
      const blocking = agentBlockingProblems(config);
      if (blocking.length > 0) {
        return { ok: false, reason: `${this.options.paths.configFile} has values the agent cannot run with: ${blocking.map((p) => `${p.path}: ${p.message}`).join('; ')} (kmsp config validate lists every problem)` };
      }
      if (this.options.only && !config.integrations.some((i) => i.name === this.options.only)) {
        return { ok: false, reason: `no integration named “${this.options.only}” in ${this.options.paths.configFile} (configured: ${config.integrations.map((i) => i.name).join(', ') || 'none'})` };
      }
      if (this.options.billingSchedule) {
        const c = checkCron(this.options.billingSchedule, config.agent.timeZone, { allowSeconds: true });
        if (!c.ok) return { ok: false, reason: `--billing-schedule: ${c.problem}` };
      }
      return { ok: true, config, hash, missing: result.source === 'defaults' };
    } catch (error) {
      return { ok: false, reason: describeErrorLine(error) };
    }
  }

  private reload(): void {
    if (this.stopping) return;
    const loaded = this.load();
    if (!loaded.ok) {
      this.status.configError = `${this.now().toISOString()}: ${loaded.reason}`;
      this.log.error(`configuration change refused, still running the configuration loaded at ${this.status.configLoadedAt}: ${loaded.reason}`);
      this.followPauseOfRefused();
      this.writeStatus();
      return;
    }
    if (loaded.missing && this.configHash !== null) {
      this.status.configError = `${this.now().toISOString()}: ${this.options.paths.configFile} is gone`;
      this.log.warn(`the configuration file ${this.options.paths.configFile} is gone; still running the configuration loaded at ${this.status.configLoadedAt}`);
      this.writeStatus();
      return;
    }
    this.adopt(loaded.config, loaded.hash, { initial: false });
    this.writeStatus();
  }

  /**
   * The pause switch reaches the agent even in a file it refuses for other reasons (a pause is
   * often what an admin reaches for when something is wrong): agent.paused of any file that
   * parses and matches the schema is applied to the config in force.
   */
  private followPauseOfRefused(): void {
    const state = inspectConfigFile(this.options.paths.configFile);
    if (state.state !== 'ok' || state.config.agent.paused === this.config.agent.paused) return;
    this.config = { ...this.config, agent: { ...this.config.agent, paused: state.config.agent.paused } };
    this.status.paused = state.config.agent.paused;
    this.pauseChanged(state.config.agent.paused, ', taken from the refused file');
  }

  /** The pause switch turned: stop running passes before their next write, or run the billing the pause held back. */
  private pauseChanged(paused: boolean, from = ''): void {
    if (paused) {
      this.log.warn(`writes paused (agent.paused)${from}: running passes stop at their next safe point; later passes read and report only; resume with: kmsp resume`);
      for (const r of this.running.values()) r.controller.abort('writes were paused');
      return;
    }
    this.log.info(`writes resumed (agent.paused is off)${from}`);
    // While paused, scheduled passes ran read-only: every integration without a completed run since
    // the last scheduled time is owed, a new one included (its scheduled time passed writing nothing).
    if (this.jobs.includes('billing')) this.runOwedBilling({ why: 'writes were paused', includeNever: true });
  }

  private adopt(config: KmspConfig, hash: string | null, x: { initial: boolean }): void {
    const before = x.initial ? null : this.config;
    this.config = config;
    this.configHash = hash;
    this.integrations = config.integrations.filter((i) => !this.options.only || i.name === this.options.only);
    this.status.configLoadedAt = this.now().toISOString();
    this.status.configError = null;
    this.status.paused = config.agent.paused;
    this.status.timeZone = config.agent.timeZone;
    this.status.integrations = this.integrations.map((i) => i.name);
    // A removed integration's kept connector ends its sessions now, not when the agent stops.
    void this.platforms.retain(new Set(this.integrations.map((i) => i.name)));
    for (const name of Object.keys(this.status.api.psaBudget)) if (!this.status.integrations.includes(name)) delete this.status.api.psaBudget[name];
    // A renamed or removed integration is no longer reported not healthy under its old name (its incident moved or went with it in the ledger).
    for (const name of Object.keys(this.status.health ?? {})) if (!this.status.integrations.includes(name)) delete this.status.health![name];
    // What is kept per integration goes with it.
    for (const name of [...this.budgetReadAt.keys()]) if (!this.status.integrations.includes(name)) this.budgetReadAt.delete(name);
    this.requests.keepOnly(this.status.integrations);
    this.learnSecrets();
    if (x.initial) {
      if (hash === null) this.log.warn(`no configuration at ${this.options.paths.configFile} yet; waiting for one (set it up in the console: kmsp)`);
      else if (this.integrations.length === 0) this.log.warn('no integration is configured; waiting for one (set it up in the console: kmsp)');
      if (config.agent.paused) this.log.warn('writes are paused (agent.paused): passes read and report, nothing is written to the PSA; resume with: kmsp resume');
      this.schedule();
      return;
    }
    const changes = diffConfig(before, config);
    this.log.info(`configuration reloaded: ${changes.length ? summarizeChanges(changes) : 'no effective change'}; integrations: ${this.status.integrations.join(', ') || 'none'}`);
    const a = before!.agent;
    const b = config.agent;
    if (a.paused !== b.paused) this.pauseChanged(b.paused);
    if (a.billingSchedule !== b.billingSchedule || a.timeZone !== b.timeZone || a.ticketPollSeconds !== b.ticketPollSeconds) {
      this.schedule();
      this.logSchedules();
    }
  }

  /** Every secret value the integrations use is masked in every log line from now on. */
  private learnSecrets(): void {
    try {
      const secrets = openSecretStore({ paths: this.options.paths });
      for (const integration of this.integrations) {
        for (const spec of integrationSecrets(integration)) {
          void secrets.get(spec.name).then((v) => this.log.redactor.add(v), () => undefined);
        }
      }
    } catch {
      // A secret that cannot be read fails the pass that needs it, with its own message.
    }
  }

  // ------------------------------------------------------------------ schedules

  private billingExpression(): string {
    return this.options.billingSchedule ?? this.config.agent.billingSchedule;
  }

  private ticketIntervalMs(): number {
    return (this.options.ticketIntervalSeconds ?? this.config.agent.ticketPollSeconds) * 1000;
  }

  private schedule(): void {
    const tz = this.config.agent.timeZone;
    if (this.jobs.includes('billing')) {
      this.billingJob?.cancel();
      const expression = this.billingExpression();
      this.billingJob = schedule.scheduleJob({ rule: expression, tz }, () => this.fire('billing'));
      if (!this.billingJob) this.log.error(`billing is not scheduled: node-schedule refused ${describeBillingSchedule(expression, tz)}`);
      this.status.jobs.billing.schedule = describeBillingSchedule(expression, tz);
      this.status.jobs.billing.nextRunAt = this.nextBilling();
    }
    if (this.jobs.includes('tickets')) {
      this.status.jobs.tickets.schedule = describeInterval(this.ticketIntervalMs() / 1000);
      // A changed interval applies from the pass in flight (or the last one) on.
      if (!this.running.has('tickets') && this.status.jobs.tickets.lastStartedAt) this.scheduleNextTickets(Date.parse(this.status.jobs.tickets.lastStartedAt));
    }
  }

  private nextBilling(): string | null {
    const next = nextCronRun(this.billingExpression(), this.config.agent.timeZone, this.now(), true);
    return next ? next.toISOString() : null;
  }

  private scheduleNextTickets(lastStart: number): void {
    this.ticketJob?.cancel();
    if (this.stopping) return;
    const at = new Date(Math.max(lastStart + this.ticketIntervalMs(), this.now().getTime() + 50));
    this.ticketJob = schedule.scheduleJob(at, () => this.fire('tickets'));
    // node-schedule returns null (and never runs) for a date already past; polling must not end on that.
    if (!this.ticketJob) this.ticketJob = schedule.scheduleJob(new Date(Date.now() + 1000), () => this.fire('tickets'));
    this.status.jobs.tickets.nextRunAt = at.toISOString();
  }

  private logSchedules(): void {
    const parts: string[] = [];
    if (this.jobs.includes('billing')) parts.push(`billing ${this.status.jobs.billing.schedule}, next ${this.status.jobs.billing.nextRunAt ?? 'never'}`);
    if (this.jobs.includes('tickets')) parts.push(`tickets ${this.status.jobs.tickets.schedule}`);
    this.log.info(`schedules: ${parts.join('; ')}`);
  }

  /** The last scheduled billing time at or before now. */
  private lastBillingTime(): Date {
    return cronParser.parseExpression(this.billingExpression(), { tz: this.config.agent.timeZone, currentDate: this.now() }).prev().toDate();
  }

  /**
   * Per the ledger: integrations billed before (any billing run of theirs is recorded) without a
   * completed (ok or partial) run since `since`, and integrations never billed yet.
   */
  private billingHistory(since: Date): { owed: Integration[]; never: Integration[] } {
    const ledger = openLedger({ paths: this.options.paths });
    try {
      const done = new Set<string>();
      const seen = new Set<string>();
      for (const r of ledger.listRuns({ job: 'billing', limit: 5000 })) {
        const name = (r.summary as { integration?: unknown } | null)?.integration;
        if (r.dryRun || typeof name !== 'string') continue;
        seen.add(name);
        if (Date.parse(r.startedAt) >= since.getTime() && (r.status === 'ok' || r.status === 'partial')) done.add(name);
      }
      return {
        owed: this.integrations.filter((i) => seen.has(i.name) && !done.has(i.name)),
        never: this.integrations.filter((i) => !seen.has(i.name)),
      };
    } finally {
      ledger.close();
    }
  }

  /**
   * Runs now the billing owed since the last scheduled time (see the header): integrations billed
   * before without a completed run since then; with `includeNever`, also integrations never
   * billed (when their scheduled time was skipped or passed while paused: a new installation does not post
   * the moment it starts, before the admin has looked at `kmsp billing preview`). A billing pass
   * still running (a read-only paused one, a catch-up) would make fire() skip it, so it is then
   * remembered and run when that pass ends (afterBillingPass).
   */
  private runOwedBilling(owed: OwedBilling, announceNever = false): void {
    if (this.running.has('billing')) {
      this.owedAfterPass = this.owedAfterPass?.includeNever ? this.owedAfterPass : owed;
      return;
    }
    if (this.integrations.length === 0 || this.stopping || this.config.agent.paused || this.options.dryRun) return;
    try {
      const due = this.lastBillingTime();
      const { owed: billedBefore, never } = this.billingHistory(due);
      if (announceNever && never.length > 0) {
        this.log.info(
          `billing of ${never.map((i) => i.name).join(', ')} has never run; it begins at the next scheduled time (${this.status.jobs.billing.nextRunAt ?? 'not scheduled'}). ` +
            'To bill now: kmsp agent --once --job billing (kmsp billing preview shows what it would post)',
        );
      }
      const run = owed.includeNever ? [...billedBefore, ...never] : billedBefore;
      if (run.length === 0) return;
      this.log.info(`catching up: the billing run due at ${due.toISOString()} has not completed for ${run.map((i) => i.name).join(', ')} (${owed.why}); running it now`);
      this.fire('billing', run);
    } catch (error) {
      this.log.warn(`could not check for a missed billing run: ${describeErrorLine(error)}`);
    }
  }

  /** A billing pass ended: what waited for it (a skipped scheduled time, a resume) runs now. */
  private afterBillingPass(): void {
    const owed = this.owedAfterPass;
    this.owedAfterPass = null;
    // After this pass's finally block: fire() must not see it as still running.
    if (owed) setImmediate(() => this.runOwedBilling(owed));
  }

  /** After a billing pass: integrations it did not complete are tried again later (see the header). */
  private scheduleBillingRetry(result: PassResult, scheduled: boolean): void {
    if (scheduled) this.retries = 0;
    if (this.stopping || this.config.agent.paused) return;
    const unfinished = result.integrations.filter((r) => r.outcome === 'failed' || r.outcome === 'partial' || (r.outcome === 'abandoned' && !this.stopping));
    const names = new Set(unfinished.map((r) => r.integration));
    const again = this.integrations.filter((i) => names.has(i.name));
    if (again.length === 0 || this.retries >= BILLING_RETRIES) return;
    const at = new Date(this.now().getTime() + BILLING_RETRY_MS);
    const next = this.nextBilling();
    if (next && Date.parse(next) <= at.getTime()) return;
    this.retries++;
    this.retryJob?.cancel();
    this.retryJob = schedule.scheduleJob(at, () => this.fire('billing', again));
    this.log.warn(`billing of ${again.map((i) => i.name).join(', ')} did not complete; trying again at ${at.toISOString()} (retry ${this.retries} of ${BILLING_RETRIES})`);
    if (this.retryJob) this.status.jobs.billing.nextRunAt = at.toISOString();
  }

  // ------------------------------------------------------------------ passes

  /** Starts a pass of `job` over every integration, or over `only` (a catch-up or retry), unless one is running. */
  private fire(job: AgentJob, only?: readonly Integration[]): void {
    if (this.stopping) return;
    const js = this.status.jobs[job];
    if (job === 'billing') js.nextRunAt = this.nextBilling();
    const busy = this.running.get(job);
    if (busy) {
      js.overlapsSkipped++;
      // A scheduled billing time met by a catch-up or retry still running is not lost: what it
      // owes is run when that pass ends (see afterBillingPass).
      if (job === 'billing' && only === undefined) this.owedAfterPass = { why: 'a scheduled run came while the previous pass was running', includeNever: true };
      this.log.warn(`${job}: the pass begun at ${js.runningSince} is still running; this scheduled pass is skipped (never two at once)` + (job === 'billing' && only === undefined ? '; what it owes runs when that pass ends' : ''));
      this.writeStatus();
      return;
    }
    if (this.integrations.length === 0) {
      this.log.debug(`${job}: no integration configured; nothing to do`);
      if (job === 'tickets') this.scheduleNextTickets(this.now().getTime());
      this.writeStatus();
      return;
    }
    const controller = new AbortController();
    const started = this.now();
    js.running = true;
    js.runningSince = started.toISOString();
    js.lastStartedAt = started.toISOString();
    if (job === 'tickets') this.status.jobs.tickets.nextRunAt = new Date(started.getTime() + this.ticketIntervalMs()).toISOString();
    this.writeStatus();
    this.log.debug(`${job}: pass begins`);
    const config = this.config;
    // A catch-up or retry names integrations as they were; only those still configured run.
    const integrations = only ? this.integrations.filter((i) => only.some((o) => o.name === i.name)) : this.integrations;
    const promise = (async () => {
      let result: PassResult | null = null;
      try {
        result = await runPass(job, {
          paths: this.options.paths,
          config,
          integrations,
          dryRun: this.options.dryRun ?? false,
          signal: controller.signal,
          readBudget: this.budgetDue(integrations),
          now: this.now,
          ...(this.options.http ? { http: this.options.http } : {}),
          platforms: this.platforms,
        });
        this.record(job, result);
        if (job === 'billing') this.scheduleBillingRetry(result, only === undefined);
        await this.checkHealth(job, result, config, controller.signal);
      } catch (error) {
        // runPass reports per-integration failures itself; this is the pass machinery failing.
        this.recordFailure(job, error);
      } finally {
        js.running = false;
        js.runningSince = null;
        this.running.delete(job);
        if (job === 'tickets') this.scheduleNextTickets(started.getTime());
        if (job === 'billing') this.afterBillingPass();
        this.writeStatus();
      }
    })();
    this.running.set(job, { promise, controller });
  }

  /** Health notifications after a pass (README › Health notifications); never in a dry run. */
  private async checkHealth(job: AgentJob, result: PassResult, config: KmspConfig, signal: AbortSignal): Promise<void> {
    if (this.options.dryRun) return;
    // An integration that never had health notifications set has nothing to count or settle.
    if (!result.integrations.some((pass) => config.integrations.find((i) => i.name === pass.integration)?.health)) return;
    let ledger: ReturnType<typeof openLedger> | null = null;
    try {
      ledger = openLedger({ paths: this.options.paths });
      const secrets = openSecretStore({ paths: this.options.paths });
      for (const pass of result.integrations) {
        const integration = config.integrations.find((i) => i.name === pass.integration);
        if (!integration?.health) continue;
        await checkHealth({
          ledger,
          integration,
          job,
          pass,
          now: this.now(),
          paused: this.config.agent.paused,
          log: this.log,
          secrets: (name) => secrets.get(name),
          // A stop does not wait for the webhook's retries.
          webhook: { signal },
          ...(this.options.http ? { http: this.options.http } : {}),
        });
        const open = new HealthLedger(ledger).openIncident(integration.name);
        const health = (this.status.health ??= {});
        if (open) health[integration.name] = { since: open.openedAt, checks: open.problems.map((p) => p.check), ticket: open.psaTicketNumber ?? open.psaTicketId };
        else delete health[integration.name];
      }
    } catch (error) {
      this.log.error(`health notifications after the ${job} pass failed: ${describeErrorLine(error)}`);
    } finally {
      ledger?.close();
    }
  }

  private budgetDue(integrations: readonly Integration[]): boolean {
    const every = this.options.budgetEveryMs ?? 10 * 60_000;
    const now = this.now().getTime();
    return integrations.some((i) => now - (this.budgetReadAt.get(i.name) ?? 0) >= every);
  }

  private record(job: AgentJob, result: PassResult): void {
    const js = this.status.jobs[job];
    const at = result.finishedAt.toISOString();
    for (const r of result.integrations) {
      logIntegrationPass(this.log, job, r);
      this.requests.record(result.finishedAt.getTime(), r.integration, r.requests);
      if (r.budget) {
        this.budgetReadAt.set(r.integration, result.finishedAt.getTime());
        this.status.api.psaBudget[r.integration] = { ...r.budget, readAt: at };
      }
    }
    this.updateApiUsage();
    js.lastFinishedAt = at;
    js.lastOutcome = result.outcome;
    js.lastSummary = result.integrations.map((r) => r.summary).join(' | ');
    const errors = result.integrations.flatMap((r) => r.errors.map((e) => `${r.integration}: ${e}`));
    js.lastError = errors.length ? errors.slice(0, 5).join('\n') + (errors.length > 5 ? `\n… and ${errors.length - 5} more` : '') : null;
    if (errors.length) js.lastErrorAt = at;
    js.passes++;
  }

  private recordFailure(job: AgentJob, error: unknown): void {
    const js = this.status.jobs[job];
    const at = this.now().toISOString();
    const line = describeErrorLine(error);
    this.log.error(`${job}: pass failed: ${line}`);
    js.lastFinishedAt = at;
    js.lastOutcome = 'failed' satisfies PassOutcome;
    js.lastSummary = `${job}: pass failed`;
    js.lastError = line;
    js.lastErrorAt = at;
    js.passes++;
  }

  private updateApiUsage(): void {
    this.status.api.lastHour = this.requests.lastHour(this.now().getTime());
  }

  /**
   * The ledger's latest finished run of each job, when it is newer than what this agent ran: the
   * runs before it started (so a restart does not read "no run yet") and `kmsp agent --once`
   * runs of other processes.
   */
  private adoptLedgerRuns(): void {
    let ledger: ReturnType<typeof openLedger> | null = null;
    try {
      ledger = openLedger({ paths: this.options.paths });
      const runs = lastLedgerRuns(ledger, this.jobs);
      // In place: a pass in flight holds its job's status object.
      for (const job of this.jobs) Object.assign(this.status.jobs[job], adoptLedgerRun(this.status.jobs[job], runs[job], 'not by this agent process'));
    } catch (error) {
      this.log.debug(`could not read earlier runs from the ledger: ${describeErrorLine(error)}`);
    } finally {
      ledger?.close();
    }
  }

  // ------------------------------------------------------------------ status and stop

  private writeStatus(): void {
    this.status.updatedAt = this.now().toISOString();
    try {
      writeAgentStatus(this.options.paths.statusFile, this.status);
    } catch (error) {
      // Not fatal: the jobs matter more than the report about them. Said once per cause.
      const line = describeErrorLine(error);
      if (line !== this.lastStatusError) this.log.error(`could not write the status file ${this.options.paths.statusFile}: ${line}`);
      this.lastStatusError = line;
      return;
    }
    this.lastStatusError = null;
  }

  private lastStatusError: string | null = null;

  /**
   * First call: stop scheduling, ask passes to stop at a safe point, wait (up to the grace),
   * write the final status; resolves `done` with `cleanCode` (1 when the grace ran out).
   * `reason` is e.g. "SIGTERM".
   */
  stop(reason: string, cleanCode = 0): Promise<number> {
    if (this.stopping) return this.stopping;
    this.stopping = (async () => {
      const busy = [...this.running.entries()];
      this.log.info(
        `${reason}: stopping` + (busy.length ? `; waiting for the ${busy.map(([j]) => j).join(' and ')} pass to reach a safe point` : ''),
      );
      this.status.state = 'stopping';
      this.status.stopReason = reason;
      this.watcher?.close();
      this.billingJob?.cancel();
      this.retryJob?.cancel();
      this.ticketJob?.cancel();
      for (const job of AGENT_JOBS) this.status.jobs[job].nextRunAt = null;
      this.writeStatus();
      await schedule.gracefulShutdown();
      for (const [, r] of busy) r.controller.abort(`the agent is stopping (${reason})`);
      const grace = this.options.stopGraceMs ?? 25_000;
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.all(busy.map(([, r]) => r.promise)).then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), grace))),
      ]);
      clearTimeout(timer);
      if (this.heartbeat) clearInterval(this.heartbeat);
      // Ends the kept sessions (Session.EndSession): the server need not wait for them to expire.
      // Not waited for past a few seconds: an unreachable server forgets them on its own.
      await Promise.race([this.platforms.closeAll(), delay(5_000, undefined, { ref: false })]);
      this.status.state = 'stopped';
      this.status.stoppedAt = this.now().toISOString();
      if (!finished) {
        this.status.stopReason = `${reason}; a pass did not reach a safe point within ${grace / 1000} s`;
        this.log.error(`a pass did not reach a safe point within ${grace / 1000} s; exiting anyway (its unsettled ledger rows are reconciled by the next pass)`);
      }
      this.writeStatus();
      this.log.info(`stopped (${reason})`);
      const code = finished ? cleanCode : 1;
      this.resolveDone(code);
      return code;
    })();
    return this.stopping;
  }

  /** A second signal or a fatal error: final status, no waiting. */
  abort(reason: string, state: 'stopped' | 'failed'): void {
    this.status.state = state;
    this.status.stopReason = reason;
    this.status.stoppedAt = this.now().toISOString();
    this.writeStatus();
  }
}
