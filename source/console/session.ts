// One console session: the config store, the secret store, the ledger, the
// connectors of each integration and a cache of what they returned. Screens use
// this and never build connectors or touch files themselves, so that the same
// operations run identically in tests without Ink.
import { createHash } from 'node:crypto';
import { psaLabel, type AgentSettings, type Integration, type KmspConfig, type TenantMapping } from '../domain/config.js';
import { describeConflict, jsonEqual, mergeConfig } from '../domain/configMerge.js';
import { KmspError } from '../domain/errors.js';
import { webhookSecretName, type HealthSettings } from '../domain/health.js';
import type { Psa, SecurityPlatform } from '../domain/ports.js';
import { platformSecrets, psaSecrets, type SecretSpec } from '../domain/secretNames.js';
import { agentBlockingProblems, validateConfig, type Problem } from '../domain/validate.js';
import { agentSettingsProblems } from '../domain/agentSettings.js';
import type { AccountBillingReadiness, BillingItem, PriceLevel, PsaAccount, PsaContract, Tenant, TicketPicklists } from '../domain/types.js';
import { createPlatform, createPsa } from '../connectors/factory.js';
import { lastLedgerRuns, livenessNow, readAgentStatus, type AgentStatus, type LastLedgerRuns, type Liveness } from '../store/agentStatus.js';
import fs from 'node:fs';
import { defaultActor, inspectConfigFile, openConfig, type ConfigStore, type SaveResult } from '../store/config.js';
import { windowProblems, type MaintenanceWindow } from '../domain/maintenance.js';
import { openLedger, type Ledger } from '../store/ledger.js';
import { deleteIntegration, integrationSummaries, renameIntegration, type DeleteOutcome, type IntegrationStores, type IntegrationSummary, type RenameOutcome } from './integrations.js';
import type { KmspPaths } from '../store/paths.js';
import { openSecretStore, type SecretStore, type SetResult } from '../store/secrets.js';
import type { SecretBackendId } from '../store/secretTypes.js';

/** A connector without a port method its PSA's profile promises: this build's fault, said so. */
function noPortMethod(integration: Integration, what: string): KmspError {
  const name = psaLabel(integration.psa.kind);
  return new KmspError(`The ${name} connector of this build cannot ${what}`, {
    kind: 'internal',
    cause: `The ${name} profile says the PSA has them, but its connector does not read them.`,
    remedy: 'Update kmsp; if this build is the newest, report it to the kmsp maintainers.',
  });
}

export interface ConsoleSessionOptions {
  paths: KmspPaths;
  /** Secret backends in lookup order (the demo uses only its own file). */
  secretBackends?: readonly SecretBackendId[];
  /** Who is making changes, for the config audit ("alice (console)"). */
  actor?: string;
}

interface Cached<T> {
  promise: Promise<T>;
  at: number;
}

type DataKind = 'tenants' | 'accounts' | 'contracts' | 'billingItems' | 'picklists' | 'priceLevels';

/** The agent's status file as the console sees it: read, and judged alive or not, at `at`. */
export type AgentStatusView =
  | { state: 'missing'; file: string; at: Date; runs: LastLedgerRuns }
  | { state: 'unreadable'; file: string; reason: string; at: Date }
  | { state: 'ok'; file: string; status: AgentStatus; liveness: Liveness; at: Date; runs: LastLedgerRuns };

/**
 * A validation problem as a key that survives a merge reordering integrations: the integration's
 * index in the path becomes its name, a tenant's its tenantId.
 */
function problemKey(config: KmspConfig, problem: Problem): string {
  const path = problem.path.replace(/^integrations\[(\d+)\](\.tenants\[(\d+)\])?/, (whole, index: string, _t: string | undefined, tenant: string | undefined) => {
    const integration = config.integrations[Number(index)];
    if (!integration) return whole;
    const tenantId = tenant === undefined ? undefined : integration.tenants[Number(tenant)]?.tenantId;
    return `integrations[name=${integration.name}]${tenantId === undefined ? '' : `.tenants[tenantId=${tenantId}]`}`;
  });
  return `${path}\u0000${problem.message}`;
}

function problemKeys(config: KmspConfig): string[] {
  return validateConfig(config).map((p) => problemKey(config, p));
}

/**
 * What the session holds after saving a merge of another console's changes: each section this
 * save changed (an integration's tenants, billing, ticketing, connection, exclusions; agent.*)
 * as merged — so the tab that saved shows the other admin's rows too — and every other section as
 * this console knew it. A tab's open draft of another section (Services, Ticketing, Connections
 * read theirs when opened) is then still merged against what that tab started from: taking the
 * file's value there would make the draft's stale copy read as a change and undo the other
 * admin's edit on its next save.
 */
function knownAfterMerge(base: KmspConfig, mine: KmspConfig, merged: KmspConfig): KmspConfig {
  const integrations: Integration[] = [];
  for (const m of mine.integrations) {
    const b = base.integrations.find((i) => i.name === m.name);
    const g = merged.integrations.find((i) => i.name === m.name);
    if (!g) continue; // removed here or in the file
    if (!b) {
      integrations.push(g); // created by this save
      continue;
    }
    const known = { ...b } as Record<string, unknown>;
    for (const key of Object.keys(g) as (keyof Integration)[]) if (!jsonEqual(m[key], b[key])) known[key] = g[key];
    integrations.push(known as unknown as Integration);
  }
  return { ...merged, integrations, agent: merged.agent };
}

export class ConsoleSession {
  readonly paths: KmspPaths;
  readonly configStore: ConfigStore;
  readonly secrets: SecretStore;
  readonly ledger: Ledger;
  /** Messages from loading the config (e.g. a corrupt file moved aside), to show once. */
  readonly loadNotices: string[];
  private current: KmspConfig;
  private readonly actor: string | undefined;
  private readonly platforms = new Map<string, { key: string; connector: Promise<SecurityPlatform> }>();
  private readonly psas = new Map<string, { key: string; connector: Promise<Psa> }>();
  private readonly cache = new Map<string, Cached<unknown>>();
  private readonly configListeners = new Set<() => void>();
  /** The config file's mtime and size when its agent.* was last read (see syncAgent). */
  private diskStamp = '';

  /** Who the audit names for a decision taken in this console (a held billing change approved…). */
  auditActor(): string {
    return this.actor ?? defaultActor('console');
  }

  constructor(options: ConsoleSessionOptions) {
    this.paths = options.paths;
    this.actor = options.actor;
    this.ledger = openLedger({ paths: options.paths });
    const notices: string[] = [];
    // The console can always start: an unusable file is moved aside (never
    // overwritten) and the admin is told where it went.
    this.configStore = openConfig({
      paths: options.paths,
      onInvalid: 'quarantine-and-default',
      audit: this.ledger,
      ...(options.actor ? { actor: options.actor } : {}),
      onNotice: (m) => notices.push(m),
    });
    const loaded = this.configStore.loadDetailed();
    this.current = loaded.config;
    this.loadNotices = [...notices, ...loaded.notices.filter((n) => !notices.includes(n))];
    this.secrets = openSecretStore({ paths: options.paths, ...(options.secretBackends ? { backends: options.secretBackends } : {}), onWarning: (m) => this.loadNotices.push(m) });
  }

  get config(): KmspConfig {
    return this.current;
  }

  integration(name: string): Integration | undefined {
    return this.current.integrations.find((i) => i.name === name);
  }

  /**
   * Saves a whole configuration. The store checks the schema; here the domain rules
   * (one-to-one mapping across integrations, billing items used once, limits) refuse
   * any save that introduces a problem. Problems already in the saved file (e.g.
   * ticketing defaults not resolved yet) do not block unrelated changes.
   */
  saveConfig(next: KmspConfig, reason?: string, options: { baseline?: KmspConfig } = {}): SaveResult {
    // Read, merge and write as one step under the config's lock: another console saving between
    // this one's read and write would otherwise have its save undone by this one's.
    return this.configStore.exclusive(() => this.saveConfigLocked(next, reason, options));
  }

  private saveConfigLocked(next: KmspConfig, reason: string | undefined, options: { baseline?: KmspConfig }): SaveResult {
    const file = this.configOnDisk();
    // A save that does not mean to change an agent setting keeps what the file says now:
    // `kmsp pause` or `kmsp config set agent.…` run while the console is open must not be
    // undone by an Accounts save. agent.* is never a draft (switch and settings save at once),
    // so the file's value is the latest one the admin chose.
    const disk = file?.agent ?? null;
    if (disk) {
      const agent = { ...next.agent } as Record<keyof AgentSettings, unknown>;
      // A value hand-edited into the file that the rules refuse is not carried into this save.
      const refused = agentSettingsProblems(disk);
      for (const key of Object.keys(disk) as (keyof AgentSettings)[]) {
        if (key in refused) continue;
        if (next.agent[key] === this.current.agent[key] && disk[key] !== next.agent[key]) agent[key] = disk[key];
      }
      next = { ...next, agent: agent as unknown as AgentSettings };
    }
    // Someone else (another console on this config directory) saved since this console loaded or
    // saved: merge, so their change is not overwritten by this console's copy of the whole config.
    // agent.* was settled above, so theirs is given this save's agent.
    const othersSaved = file !== null && !jsonEqual(file, this.current);
    let mine: KmspConfig | null = null;
    if (othersSaved) {
      const outcome = mergeConfig(this.current, next, { ...file, agent: next.agent });
      if ('conflicts' in outcome) {
        throw new KmspError('Not saved: someone else changed the same settings since this console loaded them', {
          kind: 'config',
          cause: `Changed both here and in the file (saved from another console or \`kmsp config\`): ${outcome.conflicts.map(describeConflict).join('; ')}.`,
          remedy:
            'Press r on this tab to load theirs (the settings saved in the file replace the clashing ones; your other unsaved changes stay), then make your change again and save. ' +
            'Nothing is lost: their change is kept in the file, and this console\'s change is still on screen, not saved.',
        });
      }
      mine = next;
      next = outcome.merged;
    }
    // Problems already in the file or in what this console loaded do not block a save; a problem
    // that only the merge of both admins' changes makes (two tenants mapped to one account) does.
    // `baseline` (a rename: the current config under the new name) has the same problems as the
    // current config, keyed by the new name, so they are not taken for this save's.
    const known = new Set([...problemKeys(this.current), ...(othersSaved ? problemKeys(file) : []), ...(options.baseline ? problemKeys(options.baseline) : [])]);
    const introduced = validateConfig(next).filter((p) => !known.has(problemKey(next, p)));
    if (introduced.length > 0) {
      throw new KmspError('Not saved: the change would make the configuration invalid', {
        kind: 'config',
        cause: introduced.map((p) => p.message).join(' '),
        remedy: othersSaved
          ? 'Someone else saved changes since this console loaded the settings, and together with this change they break the rule above. ' +
            'Their change is kept in the file and this one is still on screen, not saved: choose another value, or reload this tab to see theirs (press r), then save again.'
          : 'Undo or correct the change named above, then save again.',
      });
    }
    // What the agent refuses to run with (it keeps its last good config and says so): a save
    // that leaves such a problem standing would be silently ignored by the agent. Saves that
    // remove some of them go through, so the admin can fix them one at a time.
    // The pause switch always saves: the agent applies agent.paused even from a file it refuses.
    const base = file ?? this.current;
    const onlyPause = jsonEqual({ ...next, agent: { ...next.agent, paused: base.agent.paused } }, base);
    const blocking = onlyPause ? [] : agentBlockingProblems(next);
    if (blocking.length > 0 && blocking.length >= agentBlockingProblems(base).length) {
      throw new KmspError('Not saved: the agent would refuse this configuration', {
        kind: 'config',
        cause: blocking.map((p) => p.message).join(' '),
        remedy:
          'The agent keeps running its last good configuration until this is fixed, so this change would not reach it. ' +
          'Fix the problem named above first (e.g. unmap the tenant or account claimed twice on the Accounts tab), then save again; this change is still on screen.',
      });
    }
    const result = this.configStore.save(next, { ...(this.actor ? { actor: this.actor } : {}), ...(reason ? { reason } : {}) });
    this.current = mine ? knownAfterMerge(this.current, mine, next) : next;
    for (const listener of [...this.configListeners]) listener();
    return result;
  }

  /**
   * The mappings of one integration as the config file holds them now, when they differ from
   * what this console last loaded or saved (another console saved since): they become this
   * session's saved mappings (only those: other tabs' drafts keep their base) and are returned
   * for the Accounts tab to show. Null when they are the same, or the file is missing or unusable.
   */
  reloadTenants(integrationName: string): TenantMapping[] | null {
    const tenants = this.reloadPart(integrationName, 'tenants');
    return tenants ? tenants.map((t) => ({ ...t })) : null;
  }

  /**
   * One section of an integration (billing for Services, ticketing for Ticketing, platform and psa
   * for Connections) as the config file holds it now, when it differs from what this console last
   * loaded or saved: it becomes this session's saved value for that section only (other tabs'
   * drafts keep their base) and is returned, for the tab to carry its unsaved edits onto
   * (rebaseOnTheirs). Null when it is the same, or the file is missing or unusable.
   */
  reloadPart<K extends 'tenants' | 'billing' | 'ticketing' | 'platform' | 'psa'>(integrationName: string, key: K): Integration[K] | null {
    const file = this.configOnDisk();
    const onDisk = file?.integrations.find((i) => i.name === integrationName);
    const mine = this.integration(integrationName);
    if (!onDisk || !mine || jsonEqual(onDisk[key], mine[key])) return null;
    this.current = {
      ...this.current,
      integrations: this.current.integrations.map((i) => (i.name === integrationName ? { ...i, [key]: onDisk[key] } : i)),
    };
    for (const listener of [...this.configListeners]) listener();
    return onDisk[key];
  }

  /**
   * Called after every save (any tab): the shell's PAUSED marker follows the config without
   * each screen having to tell it. Returns the unsubscribe function (useSyncExternalStore shape).
   */
  subscribeConfig = (listener: () => void): (() => void) => {
    this.configListeners.add(listener);
    return () => void this.configListeners.delete(listener);
  };

  /**
   * The global pause switch (README › Commands, `kmsp pause`): agent.paused, saved at once and audited like any
   * change. It touches only that key, so other tabs' unsaved drafts stay drafts.
   */
  setPaused(paused: boolean, reason?: string): SaveResult {
    return this.saveConfig({ ...this.current, agent: { ...this.current.agent, paused } }, reason);
  }

  /**
   * The agent's settings (agent.*, the pause switch included) from Reports › Agent's form: saved
   * at once and audited like any change. It touches only those keys, so other tabs' unsaved
   * drafts stay drafts; keys not given keep what the file says (see saveConfig).
   */
  setAgentSettings(settings: Partial<Omit<AgentSettings, 'paused'>>, reason?: string): SaveResult {
    return this.saveConfig({ ...this.current, agent: { ...this.current.agent, ...settings } }, reason);
  }

  /** The config file as it is now; null when it is missing or unusable. */
  private configOnDisk(): KmspConfig | null {
    try {
      const state = inspectConfigFile(this.configStore.path);
      return state.state === 'ok' ? state.config : null;
    } catch {
      return null;
    }
  }

  /** agent.* as the config file holds it now; null when the file is missing or unusable. */
  private agentOnDisk(): AgentSettings | null {
    return this.configOnDisk()?.agent ?? null;
  }

  /**
   * Take agent.* from the file when someone changed it outside the console (kmsp pause / resume,
   * kmsp config set) — only those keys: the rest of the file is the console's to save. The file
   * is read again only when its mtime or size changed, so polling this is cheap. Returns whether
   * anything changed.
   */
  syncAgent(): boolean {
    let stamp: string;
    try {
      const st = fs.statSync(this.configStore.path);
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch {
      return false;
    }
    if (stamp === this.diskStamp) return false;
    this.diskStamp = stamp;
    const disk = this.agentOnDisk();
    const mine = this.current.agent;
    if (disk === null || (Object.keys(disk) as (keyof AgentSettings)[]).every((k) => disk[k] === mine[k])) return false;
    this.current = { ...this.current, agent: { ...disk } };
    for (const listener of [...this.configListeners]) listener();
    return true;
  }

  /** The agent's status file, read now (Reports › Agent polls this while it is shown). */
  agentStatus(now: Date = new Date()): AgentStatusView {
    const file = this.paths.statusFile;
    const read = readAgentStatus(file);
    if (read.state === 'unreadable') return { state: 'unreadable', file, reason: read.reason, at: now };
    // What `kmsp agent --once` ran is only in the ledger (it writes no status file).
    let runs: LastLedgerRuns = {};
    try {
      runs = lastLedgerRuns(this.ledger);
    } catch {
      // The agent holds the ledger only briefly; the next read has them.
    }
    if (read.state === 'missing') return { state: 'missing', file, at: now, runs };
    return { state: 'ok', file, status: read.status, liveness: livenessNow(read.status, now), at: now, runs };
  }

  /** What renaming and deleting an integration work on (console/integrations.ts), through this session's save. */
  integrationStores(): IntegrationStores {
    return {
      config: () => this.current,
      save: (next, reason, baseline) => this.saveConfig(next, reason, { baseline }),
      secrets: this.secrets,
      ledger: this.ledger,
      statusFile: this.paths.statusFile,
    };
  }

  /** The integrations list: one row per integration with its last runs (console/integrations.ts). */
  integrationSummaries(): IntegrationSummary[] {
    return integrationSummaries(this.current, this.ledger);
  }

  /**
   * Renames an integration in the config, the secret store, the ledger and the agent's status
   * (console/integrations.ts renameIntegration); the connectors and data kept under the old name go.
   */
  async renameIntegration(from: string, to: string): Promise<RenameOutcome> {
    const outcome = await renameIntegration(this.integrationStores(), from, to);
    this.forget(from);
    return outcome;
  }

  /** Deletes an integration and its secrets; the ledger keeps its records (console/integrations.ts deleteIntegration). */
  async deleteIntegration(name: string): Promise<DeleteOutcome> {
    const outcome = await deleteIntegration(this.integrationStores(), name);
    this.forget(name);
    return outcome;
  }

  /** Closes the connectors of a name no longer configured and drops what they returned. */
  private forget(name: string): void {
    for (const cache of [this.platforms, this.psas] as Array<Map<string, { connector: Promise<{ close(): Promise<void> }> }>>) {
      const held = cache.get(name);
      cache.delete(name);
      if (held) void held.connector.then((c) => c.close()).catch(() => undefined);
    }
    this.invalidate(name);
  }

  /** Replaces one integration and saves. */
  updateIntegration(name: string, update: (integration: Integration) => Integration, reason?: string): SaveResult {
    const integrations = this.current.integrations.map((i) => (i.name === name ? update(i) : i));
    return this.saveConfig({ ...this.current, integrations }, reason);
  }

  /**
   * An integration's health settings with the webhook's secret part (the URL's path). The secret
   * is stored first, so a saved webhook never points at a secret not stored yet, and put back as it
   * was when the save is refused (else the old address would be paired with the new token). A
   * webhook switched off takes its secret with it: a token nothing uses is not kept.
   */
  async saveHealth(name: string, health: HealthSettings, secret: string | null, reason: string): Promise<SaveResult> {
    const secretName = webhookSecretName(name);
    const previous = secret !== null ? await this.secrets.get(secretName) : null;
    if (secret !== null) await this.secrets.set(secretName, secret);
    let result: SaveResult;
    try {
      result = this.updateIntegration(name, (i) => ({ ...i, health }), reason);
    } catch (error) {
      if (secret !== null) await (previous === null ? this.secrets.delete(secretName) : this.secrets.set(secretName, previous)).catch(() => undefined);
      throw error;
    }
    if (health.webhook === null) await this.secrets.delete(secretName).catch(() => undefined);
    return result;
  }

  setSecret(name: string, value: string): Promise<SetResult> {
    return this.secrets.set(name, value);
  }

  private lookup = (name: string) => this.secrets.get(name);

  /**
   * The platform connector of an integration, rebuilt when its connection settings or
   * its secrets change (also when changed outside the console, e.g. `kmsp secrets set`).
   */
  platform(name: string): Promise<SecurityPlatform> {
    const integration = this.require(name);
    return this.connector(this.platforms, name, integration.platform, platformSecrets(integration), () => createPlatform(integration, this.lookup), ['tenants']);
  }

  /** The PSA connector of an integration, rebuilt like `platform`. */
  psa(name: string): Promise<Psa> {
    const integration = this.require(name);
    return this.connector(this.psas, name, integration.psa, psaSecrets(integration), () => createPsa(integration, this.lookup), [
      'accounts',
      'contracts',
      'billingItems',
      'picklists',
      'priceLevels',
    ]);
  }

  private async connector<C extends { close(): Promise<void> }>(
    cache: Map<string, { key: string; connector: Promise<C> }>,
    name: string,
    settings: unknown,
    secrets: readonly SecretSpec[],
    create: () => Promise<C>,
    data: DataKind[],
  ): Promise<C> {
    // The key holds a digest of the secret values, never the values themselves.
    const values = await Promise.all(secrets.map((s) => this.secrets.get(s.name)));
    const key = createHash('sha256').update(JSON.stringify([settings, values])).digest('hex');
    // Re-read after the await: a concurrent caller may have built it meanwhile.
    const cached = cache.get(name);
    if (cached?.key === key) return cached.connector;
    if (cached) void cached.connector.then((c) => c.close()).catch(() => undefined);
    const connector = create();
    // A connector that could not be built (missing secret) is retried on the next use.
    connector.catch(() => {
      if (cache.get(name)?.connector === connector) cache.delete(name);
    });
    cache.set(name, { key, connector });
    if (cached) this.invalidate(name, data);
    return connector;
  }

  private require(name: string): Integration {
    const integration = this.integration(name);
    if (!integration) throw new Error(`No integration named "${name}"`);
    return integration;
  }

  private cached<T>(name: string, kind: DataKind, load: () => Promise<T>, refresh = false): Promise<T> {
    const key = `${name}\u0000${kind}`;
    const hit = this.cache.get(key) as Cached<T> | undefined;
    if (hit && !refresh) return hit.promise;
    const promise = load();
    // A failed load is not cached: the next look retries.
    promise.catch(() => {
      if (this.cache.get(key)?.promise === promise) this.cache.delete(key);
    });
    this.cache.set(key, { promise, at: Date.now() });
    return promise;
  }

  invalidate(name: string, kinds?: DataKind[]): void {
    for (const kind of kinds ?? (['tenants', 'accounts', 'contracts', 'billingItems', 'picklists', 'priceLevels'] as DataKind[])) this.cache.delete(`${name}\u0000${kind}`);
  }

  tenants(name: string, refresh = false): Promise<Tenant[]> {
    return this.cached(name, 'tenants', async () => (await this.platform(name)).listTenants(), refresh);
  }

  accounts(name: string, refresh = false): Promise<PsaAccount[]> {
    return this.cached(name, 'accounts', async () => (await this.psa(name)).listAccounts(), refresh);
  }

  contracts(name: string, refresh = false): Promise<PsaContract[]> {
    return this.cached(name, 'contracts', async () => (await this.psa(name)).listContracts(), refresh);
  }

  /**
   * The price levels usage can be priced at, for a PSA whose profile has posting.priceLevel
   * (the port's listPriceLevels; read once per session, like contracts).
   */
  priceLevels(name: string, refresh = false): Promise<PriceLevel[]> {
    return this.cached(name, 'priceLevels', () => this.readPriceLevels(name), refresh);
  }

  private async readPriceLevels(name: string): Promise<PriceLevel[]> {
    const psa = await this.psa(name);
    if (!psa.listPriceLevels) throw noPortMethod(this.require(name), 'list its price levels');
    return psa.listPriceLevels();
  }

  /**
   * Whether the PSA lets usage be posted for each of these accounts (the port's billingReadiness),
   * or null for a PSA that sets no conditions of its own. Not cached: the admin fixes an account in
   * the PSA and looks again (the Accounts tab reads it on load, on r and after Save).
   */
  async billingReadiness(name: string, accountIds: readonly string[]): Promise<AccountBillingReadiness[] | null> {
    const psa = await this.psa(name);
    if (!psa.billingReadiness) return null;
    if (accountIds.length === 0) return [];
    return psa.billingReadiness(accountIds);
  }

  billingItems(name: string, refresh = false): Promise<BillingItem[]> {
    return this.cached(name, 'billingItems', async () => (await this.psa(name)).listBillingItems(), refresh);
  }

  picklists(name: string, refresh = false): Promise<TicketPicklists> {
    return this.cached(name, 'picklists', async () => (await this.psa(name)).ticketPicklists(), refresh);
  }

  /** The integration's maintenance windows that are active or upcoming at `now` (README › Maintenance windows). */
  maintenanceWindows(name: string, now: Date = new Date()): MaintenanceWindow[] {
    return this.ledger.maintenanceWindows({ integration: name, now });
  }

  /**
   * Records a window for a whole tenant of the integration, set by the console's person (audited in
   * the ledger as the console's saves are). Refused with the problems when it breaks a limit.
   */
  addMaintenanceWindow(name: string, w: { tenantId: string; tenantName: string; start: Date; end: Date; reason: string }, now: Date = new Date()): MaintenanceWindow {
    const actor = this.actor ?? defaultActor('kmsp console');
    const problems = windowProblems({ start: w.start, end: w.end, reason: w.reason, actor, now });
    if (problems.length > 0) {
      throw new KmspError(`No maintenance window set for ${w.tenantName}: ${problems[0]!.message}`, {
        kind: 'config',
        cause: problems.map((p) => p.message).join(' '),
        remedy: 'Correct the duration or the reason and add it again.',
      });
    }
    return this.ledger.addMaintenanceWindow({
      integration: name, tenantId: w.tenantId, tenantName: w.tenantName, deviceId: null, deviceName: null,
      startsAt: w.start.toISOString(), endsAt: w.end.toISOString(), reason: w.reason.trim(), createdBy: actor,
    });
  }

  /** Ends a window now, by the console's person (audited). */
  endMaintenanceWindow(id: number, now: Date = new Date()): MaintenanceWindow | null {
    return this.ledger.endMaintenanceWindow(id, { by: this.actor ?? defaultActor('kmsp console'), at: now })?.window ?? null;
  }

  async close(): Promise<void> {
    const all = [...this.platforms.values(), ...this.psas.values()].map((c) => c.connector.then((x) => x.close()).catch(() => undefined));
    await Promise.all(all);
    this.ledger.close();
  }
}
