// The agent in tests is simulated by its status file (status.json): a live one carries this
// test's pid and host, a dead one a pid that does not exist.
import os from 'node:os';
import { AGENT_STATUS_VERSION, emptyJobStatus, type AgentStatus } from '../../source/store/agentStatus.js';

/** A pid no process has: above the kernel's pid_max (4,194,304 at most on Linux). */
export const DEAD_PID = 4_194_305 + 17;

/**
 * The status of a live agent serving `integration`, as of now: this process's pid and host,
 * started an hour ago and refreshed a second ago; billing ran two hours ago (ok, 4 postings),
 * the last ticket pass failed 20 s ago (Autotask refused the credentials). `over` replaces fields.
 */
export function liveAgentStatus(integration: string, over: Partial<AgentStatus> = {}): AgentStatus {
  const now = Date.now();
  const iso = (ms: number) => new Date(now + ms).toISOString();
  return {
    version: AGENT_STATUS_VERSION,
    pid: process.pid,
    host: os.hostname(),
    kmspVersion: '0.1.0',
    startedAt: iso(-3_600_000),
    updatedAt: iso(-1000),
    state: 'running',
    stoppedAt: null,
    stopReason: null,
    paused: false,
    configFile: '/etc/kmsp/config.json',
    configLoadedAt: iso(-60_000),
    configError: null,
    timeZone: 'UTC',
    integrations: [integration],
    jobs: {
      billing: { ...emptyJobStatus('cron “0 4 * * *” (UTC)'), lastFinishedAt: iso(-7_200_000), lastStartedAt: iso(-7_260_000), lastOutcome: 'ok', lastSummary: `billing ${integration}: 4 postings`, nextRunAt: iso(3_600_000), passes: 1 },
      tickets: { ...emptyJobStatus('every 60 s'), lastFinishedAt: iso(-20_000), lastStartedAt: iso(-21_000), lastOutcome: 'failed', lastError: 'Autotask refused the credentials', lastErrorAt: iso(-20_000), nextRunAt: iso(40_000), passes: 9 },
    },
    api: { lastHour: { [integration]: { platform: 120, psa: 45 } }, psaBudget: { [integration]: { used: 45, limit: 10_000, timeframeMinutes: 60, readAt: iso(-30_000), psa: 'Autotask' } } },
    ...over,
  };
}
