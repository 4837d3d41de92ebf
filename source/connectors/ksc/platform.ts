// The KSC Open API as a SecurityPlatform: tenants are virtual servers, each read in
// a session of its own (README §1.4, §3.2 option A).
import type { KscConnection } from '../../domain/config.js';
import { isKmspError, KmspError } from '../../domain/errors.js';
import type { PlatformIdentity, SecurityPlatform } from '../../domain/ports.js';
import type { Application, Device, EventCursor, EventPage, Tenant, TenantLicenseUsage } from '../../domain/types.js';
import { HttpClient, type HttpClientOptions } from '../http.js';
import { mapLimit } from '../mapLimit.js';
import { KscTransport } from './client.js';
import { productCategories } from './classify.js';
import { checkKscConnection } from './connection.js';
import { isKscError, isPxgReply, KSC_SERVICE } from './errors.js';
import { DEFAULT_CURSOR_MAX_IDS, DEFAULT_EVENT_LOOKBACK_SEC, readEventsSince } from './events.js';
import { devicesOf, findAllHosts, HOST_FIELDS, hostIdsOf, type GroupMaskCache, type HostListOptions } from './hosts.js';
import { enumKeys, keyAssignments, toLicenseKey } from './licenses.js';
import { read, type KscParams } from './params.js';
import type { GroupStatusMasks } from './status.js';
import { KscSessions, MAIN_SERVER, VServerMismatch, type KscCall, type SessionTarget } from './session.js';
import { getVServers, toTenant, type VServerInfo } from './vservers.js';

export interface KscPlatformOptions {
  connection: KscConnection;
  password: string;
  httpOptions?: Partial<HttpClientOptions>;
  /** Hosts per ChunkAccessor.GetItemsChunk (default 500). */
  hostChunkSize?: number;
  /** Items per GroupSyncIterator.GetNextItems (default: the count the iterator announced, in one page). */
  keyPageSize?: number;
  /** Events per EventProcessing.GetRecordRange (default 1000, at most 65536). */
  eventStep?: number;
  /** Server-side lifetime of host accessors and event iterators, seconds (default 600). */
  iteratorLifetimeSec?: number;
  /** Clock for the initial event window and the event cursor (tests). */
  now?: () => Date;
  /**
   * How late an event may reach the server after it was raised (seconds) and still be
   * delivered: each poll reads again this far back before the cursor (default 3600).
   */
  eventLookbackSeconds?: number;
  /** Most event ids the cursor remembers for deduplication (default 10,000; see events.ts). */
  eventCursorMaxIds?: number;
  /** Told what was skipped and why (listApplications: a virtual server that failed). */
  onWarning?: (message: string) => void;
}

/** A virtual server left out of the last listApplications, and why. */
export interface SkippedTenant {
  tenant: Tenant;
  error: KmspError;
}

export type KscPlatform = SecurityPlatform & {
  readonly http: HttpClient;
  /** Enabled virtual servers whose keys the last listApplications could not read. */
  readonly skippedTenants: readonly SkippedTenant[];
};

/** At most this many virtual servers are read at once (each has its own session and connection). */
const TENANT_CONCURRENCY = 4;

/**
 * How long the keys listApplications read stay good for the licenseUsage that follows: a billing
 * run lists the applications, then reads each tenant's usage, and the keys need not be asked for
 * twice. Past this (a console that lists applications and reads usage much later) they are read again.
 */
export const KEYS_REUSE_MS = 10 * 60_000;

/**
 * How long a group's status masks (HostGroup.GetGroupInfoEx) are reused. They are administrator
 * settings; a ticket poll every minute would otherwise read them again for every group with a
 * non-OK host. A changed setting shows in the status descriptions within this time.
 */
export const GROUP_MASKS_REUSE_MS = 15 * 60_000;

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isInteger(value) && value >= 0 ? value : fallback;
}

/** The longest lookback accepted: a week (each poll re-reads the whole lookback). */
const MAX_LOOKBACK_SEC = 7 * 86_400;

class KscOpenApiPlatform implements KscPlatform {
  readonly kind = 'ksc' as const;
  readonly http: HttpClient;
  private readonly url: string;
  private readonly sessions: KscSessions;
  /**
   * KLVSRV_UID → virtual server, from the last VServers.GetVServers: the header needs
   * the current display name. Null until first read; read again on a miss.
   */
  private directory: Map<string, VServerInfo> | null = null;
  private directoryLoad: Promise<Map<string, VServerInfo>> | null = null;
  private vserversLoad: Promise<VServerInfo[]> | null = null;
  private readonly hostChunkSize: number;
  private readonly keyPageSize: number | null;
  private readonly eventStep: number;
  private readonly iteratorLifetimeSec: number;
  private readonly eventLookbackSec: number;
  private readonly eventCursorMaxIds: number;
  private readonly now: () => Date;
  private readonly onWarning: (message: string) => void;
  skippedTenants: readonly SkippedTenant[] = [];
  /**
   * Host reads in flight, by tenant: billing asks for a tenant's devices and its license usage
   * at once, and both come from the same FindHosts. Dropped when settled (never a stale list).
   */
  private readonly hostReads = new Map<string, Promise<KscParams[]>>();
  /** Each tenant's keys as the last listApplications read them (all fields), taken once by licenseUsage. */
  private keysRead = new Map<string, { rows: KscParams[]; at: number }>();
  /** Group status masks by tenant and group, with when they were read (GROUP_MASKS_REUSE_MS). */
  private readonly masksRead = new Map<string, { masks: GroupStatusMasks | null; at: number }>();

  constructor(options: KscPlatformOptions) {
    const { connection } = options;
    // Before anything is created or sent: plain http off loopback, an unsendable domain.
    checkKscConnection(connection);
    this.url = connection.url;
    this.http = new HttpClient({
      service: KSC_SERVICE,
      baseUrl: connection.url,
      caFile: connection.caFile,
      hints: { certificate: 'KSC: klserver.cer from the Administration Server', port: 'KSC Open API: 13299' },
      // A PxgError is the server's own answer (whatever the status): repeating the read changes nothing.
      isAnswer: (response) => isPxgReply(response.text),
      ...options.httpOptions,
      secrets: [options.password, ...(options.httpOptions?.secrets ?? [])],
    });
    this.sessions = new KscSessions(new KscTransport(this.http, connection.url), {
      username: connection.username,
      password: options.password,
      domain: connection.internalUser ? '' : connection.domain,
      internalUser: connection.internalUser,
    });
    this.hostChunkSize = positive(options.hostChunkSize, 500);
    this.keyPageSize = options.keyPageSize !== undefined && Number.isInteger(options.keyPageSize) && options.keyPageSize > 0 ? options.keyPageSize : null;
    this.eventStep = positive(options.eventStep, 1000);
    this.iteratorLifetimeSec = positive(options.iteratorLifetimeSec, 600);
    this.eventLookbackSec = Math.min(nonNegative(options.eventLookbackSeconds, DEFAULT_EVENT_LOOKBACK_SEC), MAX_LOOKBACK_SEC);
    this.eventCursorMaxIds = positive(options.eventCursorMaxIds, DEFAULT_CURSOR_MAX_IDS);
    this.now = options.now ?? (() => new Date());
    this.onWarning = options.onWarning ?? (() => undefined);
  }

  private get hostOptions(): HostListOptions {
    return { chunkSize: this.hostChunkSize, accessorLifetimeSec: this.iteratorLifetimeSec };
  }

  private remember(vservers: VServerInfo[]): VServerInfo[] {
    this.directory = new Map(vservers.map((v) => [v.uid, v]));
    return vservers;
  }

  /** VServers.GetVServers; callers at the same moment (billing lists tenants and applications at once) share one read. */
  private vservers(): Promise<VServerInfo[]> {
    this.vserversLoad ??= this.sessions
      .run(MAIN_SERVER, (call) => getVServers(call, this.onWarning))
      .then((list) => this.remember(list))
      .finally(() => {
        this.vserversLoad = null;
      });
    return this.vserversLoad;
  }

  /** Reads VServers.GetVServers again; concurrent callers share one read. */
  private refreshDirectory(): Promise<Map<string, VServerInfo>> {
    this.directoryLoad ??= this.vservers()
      .then(() => this.directory!)
      .finally(() => {
        this.directoryLoad = null;
      });
    return this.directoryLoad;
  }

  /**
   * The tenant's virtual server as KSC has it now, found by KLVSRV_UID — never by the
   * tenant's stored name: a renamed virtual server's old name may belong to another
   * customer's by now. Read once per connector and again on a miss (or when asked).
   * A uid that no longer exists → not-found naming the tenant; a virtual server
   * without a name is refused (an empty X-KSC-VServer opens the main server).
   */
  private async resolve(tenant: Tenant, refresh = false): Promise<VServerInfo> {
    let vserver = refresh ? undefined : this.directory?.get(tenant.id);
    vserver ??= (await this.refreshDirectory()).get(tenant.id);
    if (!vserver) {
      throw new KmspError(`Virtual server "${tenant.name}" no longer exists in ${KSC_SERVICE}`, {
        kind: 'not-found',
        cause: `no virtual server has the id ${tenant.id} (KLVSRV_UID) any more`,
        remedy: 'It was removed or replaced in KSC: remove it on the Accounts tab, or map its replacement. A virtual server that now has its name is another one and is not read in its place.',
      });
    }
    if (vserver.dn.trim() === '') {
      throw new KmspError(`Virtual server ${tenant.id} ("${tenant.name}") has no name in ${KSC_SERVICE}`, {
        kind: 'protocol',
        cause: 'VServers.GetVServers reports an empty KLVSRV_DN for it, and signing in with an empty virtual server name opens the main Administration Server, whose devices and keys are not this tenant’s',
        remedy: 'Give the virtual server a name in the KSC console (Administration Server › Virtual Administration Servers); the next run reads it.',
      });
    }
    return vserver;
  }

  private static target(vserver: VServerInfo): SessionTarget {
    return { key: vserver.uid, dn: vserver.dn, identity: { uid: vserver.uid, id: vserver.id } };
  }

  /**
   * Runs an operation in a tenant's session, on the virtual server that has the
   * tenant's KLVSRV_UID (resolve). When the sign-in fails, or the session lands on
   * another server (session.ts confirm), the name is looked up again and, if it
   * changed, the operation tried once more.
   */
  private async inTenant<T>(tenant: Tenant, operation: (call: KscCall) => Promise<T>): Promise<T> {
    const vserver = await this.resolve(tenant);
    try {
      return await this.sessions.run(KscOpenApiPlatform.target(vserver), operation);
    } catch (error) {
      const mismatch = error instanceof VServerMismatch;
      const signInFailed = (isKscError(error) && error.method === 'Session.StartSession') || (isKmspError(error) && error.kind === 'auth');
      if (!mismatch && !signInFailed) throw error;
      const current = await this.resolve(tenant, true);
      if (current.dn === vserver.dn) throw mismatch ? wrongServer(tenant, error) : error;
      try {
        return await this.sessions.run(KscOpenApiPlatform.target(current), operation);
      } catch (retryError) {
        throw retryError instanceof VServerMismatch ? wrongServer(tenant, retryError) : retryError;
      }
    }
  }

  async verify(): Promise<PlatformIdentity> {
    return this.sessions.run(MAIN_SERVER, async (call) => {
      let product: string | null = null;
      let version: string | null = null;
      let host: string | null = null;
      try {
        const info = read.params(
          await call('HostGroup.GetStaticInfo', { pValues: ['KLADMSRV_PRODUCT_NAME', 'KLADMSRV_PRODUCT_FULL_VERSION', 'KLADMSRV_SERVER_HOSTNAME'] }),
          'PxgRetVal',
        );
        if (info) {
          product = read.string(info, 'KLADMSRV_PRODUCT_NAME');
          version = read.string(info, 'KLADMSRV_PRODUCT_FULL_VERSION');
          host = read.string(info, 'KLADMSRV_SERVER_HOSTNAME');
        }
      } catch (error) {
        // The version is a nicety: a user without the right to read it can still work.
        if (!isKscError(error)) throw error;
      }
      const vservers = this.remember(await getVServers(call, this.onWarning));
      const what = [product ?? KSC_SERVICE, version].filter(Boolean).join(' ');
      const count = `${vservers.length} virtual server${vservers.length === 1 ? '' : 's'}`;
      return { kind: 'ksc', description: `${what} at ${this.url}${host ? ` (server ${host})` : ''}, ${count}` };
    });
  }

  async listTenants(): Promise<Tenant[]> {
    return (await this.vservers()).map(toTenant);
  }

  /**
   * The distinct licensed products of every virtual server. One that cannot be read is
   * skipped and reported (onWarning, skippedTenants) rather than failing the list for
   * all; if every enabled one fails, the first failure is thrown. [U] A disabled virtual
   * server may refuse sessions; it has no billable usage either, so it is skipped quietly.
   */
  async listApplications(): Promise<Application[]> {
    const vservers = await this.vservers();
    type Outcome = { v: VServerInfo; names: string[]; error?: undefined } | { v: VServerInfo; names?: undefined; error: KmspError };
    const keysRead = new Map<string, { rows: KscParams[]; at: number }>();
    this.keysRead = keysRead;
    const results = await mapLimit(vservers, TENANT_CONCURRENCY, async (v): Promise<Outcome> => {
      try {
        // Every field licenseUsage needs: a billing run's usage reads then take these keys.
        const keys = await this.inTenant(toTenant(v), (call) => enumKeys(call, this.keyPageSize));
        keysRead.set(v.uid, { rows: keys, at: performance.now() });
        return { v, names: keys.map((k) => read.string(k, 'KLLIC_PROD_NAME')).filter((n): n is string => !!n) };
      } catch (error) {
        if (!isKmspError(error)) throw error;
        return { v, error };
      }
    });
    const enabled = results.filter((r) => r.v.enabled);
    const failed = enabled.flatMap((r) => (r.error ? [{ v: r.v, error: r.error }] : []));
    if (enabled.length > 0 && failed.length === enabled.length) throw failed[0]!.error;
    this.skippedTenants = failed.map(({ v, error }) => ({ tenant: toTenant(v), error }));
    for (const { v, error } of failed) {
      this.onWarning(`${KSC_SERVICE}: the license keys of virtual server "${v.dn}" could not be read, so its products are missing from the list: ${error.oneLine()}`);
    }
    const names = results.flatMap((r) => r.names ?? []);
    const distinct = [...new Set(names)].sort((a, b) => a.localeCompare(b));
    // KSC licenses count devices; per-user licensing is a KES Cloud / KBH notion.
    return distinct.map((name) => {
      const categories = productCategories(name);
      return { id: name, name, unit: 'device' as const, ...(categories ? { categories } : {}) };
    });
  }

  incompleteTenants(): ReadonlyArray<{ tenantId: string; reason: string }> {
    return this.skippedTenants.map(({ tenant, error }) => ({ tenantId: tenant.id, reason: `the license keys of virtual server "${tenant.name}" could not be read (${error.oneLine()})` }));
  }

  /**
   * Every host record of the tenant (HOST_FIELDS). A read already in flight for the tenant is
   * shared: billing's listDevices and licenseUsage of one tenant then cost one FindHosts.
   */
  private hostsOf(tenant: Tenant): Promise<KscParams[]> {
    let reading = this.hostReads.get(tenant.id);
    if (!reading) {
      const read = this.inTenant(tenant, (call) => findAllHosts(call, HOST_FIELDS, this.hostOptions));
      reading = read.finally(() => {
        if (this.hostReads.get(tenant.id) === reading) this.hostReads.delete(tenant.id);
      });
      this.hostReads.set(tenant.id, reading);
    }
    return reading;
  }

  private maskCache(tenant: Tenant): GroupMaskCache {
    const key = (groupId: number) => `${tenant.id}\u0000${groupId}`;
    return {
      get: (groupId) => {
        const entry = this.masksRead.get(key(groupId));
        return entry && performance.now() - entry.at < GROUP_MASKS_REUSE_MS ? entry.masks : undefined;
      },
      set: (groupId, masks) => {
        const now = performance.now();
        // Expired entries (a group gone, a tenant unmapped) go as new ones come: the map stays bounded.
        for (const [k, entry] of this.masksRead) if (now - entry.at >= GROUP_MASKS_REUSE_MS) this.masksRead.delete(k);
        this.masksRead.set(key(groupId), { masks, at: now });
      },
    };
  }

  async listDevices(tenant: Tenant): Promise<Device[]> {
    const hosts = this.hostsOf(tenant);
    // Awaited below; when the tenant cannot be reached its failure is the one thrown, never an unhandled rejection.
    hosts.catch(() => undefined);
    return this.inTenant(tenant, async (call) => devicesOf(call, tenant.id, await hosts, this.maskCache(tenant)));
  }

  /** The tenant's keys: those listApplications read moments ago (once), else read now. */
  private async keysOf(tenant: Tenant, call: KscCall): Promise<KscParams[]> {
    const kept = this.keysRead.get(tenant.id);
    if (kept) {
      this.keysRead.delete(tenant.id);
      if (performance.now() - kept.at < KEYS_REUSE_MS) return kept.rows;
    }
    return enumKeys(call, this.keyPageSize);
  }

  /**
   * Keys and who uses them. Assignments are limited to the tenant's own hosts
   * (FindHosts in its session): for a key shared across virtual servers,
   * AcquireKeyHosts may also list other customers' hosts ([U], licenses.ts).
   */
  async licenseUsage(tenant: Tenant): Promise<TenantLicenseUsage> {
    const hosts = this.hostsOf(tenant);
    // Awaited below; a failure there is the usage's failure, never an unhandled rejection here.
    hosts.catch(() => undefined);
    return this.inTenant(tenant, async (call) => {
      const ownHosts = hostIdsOf(await hosts);
      const rows = await this.keysOf(tenant, call);
      const keys = rows.map(toLicenseKey).filter((k) => k !== null);
      // A key without its serial cannot be matched to the hosts using it: left out, its devices
      // would go unbilled, so the tenant's usage is refused rather than under-counted.
      if (keys.length < rows.length) {
        const name = rows.map((r) => (toLicenseKey(r) ? null : read.string(r, 'KLLIC_PROD_NAME'))).find((n) => n);
        throw new KmspError(`${KSC_SERVICE} listed a license key without its serial (KLLIC_SERIAL)${name ? ` for "${name}"` : ''}`, {
          kind: 'protocol',
          cause: `${rows.length - keys.length} of the ${rows.length} keys LicenseKeys.EnumKeys answered have no serial, and their hosts cannot be found without it`,
          remedy: 'Billing for this tenant is skipped rather than under-counted; the next run reads it again. If it keeps happening, report it with the KSC version.',
        });
      }
      const assignments = [];
      for (const key of keys) assignments.push(...(await keyAssignments(call, key.id, this.keyPageSize, ownHosts)));
      return { tenantId: tenant.id, keys, assignments };
    });
  }

  async eventsSince(tenant: Tenant, cursor: EventCursor | null, options: { initialWindowDays?: number } = {}): Promise<EventPage> {
    const initialWindowDays = options.initialWindowDays !== undefined && options.initialWindowDays > 0 ? options.initialWindowDays : 1;
    return this.inTenant(tenant, (call) =>
      readEventsSince(call, tenant.id, cursor, {
        initialWindowDays,
        step: this.eventStep,
        lifetimeSec: this.iteratorLifetimeSec,
        now: this.now,
        lookbackSec: this.eventLookbackSec,
        maxIds: this.eventCursorMaxIds,
        onSkip: this.onWarning,
      }),
    );
  }

  async close(): Promise<void> {
    await this.sessions.closeAll();
    this.http.close();
  }
}

function wrongServer(tenant: Tenant, mismatch: VServerMismatch): KmspError {
  return new KmspError(`${KSC_SERVICE} opened another server than virtual server "${tenant.name}"`, {
    kind: 'protocol',
    cause: `signing in with its current name "${mismatch.target.dn}" (looked up by its id ${tenant.id}) opened ${mismatch.found}`,
    remedy: 'Nothing was read from it. Check the virtual servers’ names in the KSC console (two with similar names?) and report this with the KSC version.',
  });
}

/** Throws a KmspError (kind config) for a plain-http URL off loopback or an unsendable domain. */
export function createKscPlatform(options: KscPlatformOptions): KscPlatform {
  return new KscOpenApiPlatform(options);
}
