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
import { listHostIds, listHosts, type HostListOptions } from './hosts.js';
import { enumKeys, keyAssignments, toLicenseKey } from './licenses.js';
import { read } from './params.js';
import { KscSessions, MAIN_SERVER, VServerMismatch, type KscCall, type SessionTarget } from './session.js';
import { getVServers, toTenant, type VServerInfo } from './vservers.js';

export interface KscPlatformOptions {
  connection: KscConnection;
  password: string;
  httpOptions?: Partial<HttpClientOptions>;
  /** Hosts per ChunkAccessor.GetItemsChunk (default 500). */
  hostChunkSize?: number;
  /** Items per GroupSyncIterator.GetNextItems (default 100). */
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
  private readonly hostChunkSize: number;
  private readonly keyPageSize: number;
  private readonly eventStep: number;
  private readonly iteratorLifetimeSec: number;
  private readonly eventLookbackSec: number;
  private readonly eventCursorMaxIds: number;
  private readonly now: () => Date;
  private readonly onWarning: (message: string) => void;
  skippedTenants: readonly SkippedTenant[] = [];

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
    this.keyPageSize = positive(options.keyPageSize, 100);
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

  private async vservers(): Promise<VServerInfo[]> {
    return this.remember(await this.sessions.run(MAIN_SERVER, (call) => getVServers(call, this.onWarning)));
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
    const results = await mapLimit(vservers, TENANT_CONCURRENCY, async (v): Promise<Outcome> => {
      try {
        const keys = await this.inTenant(toTenant(v), (call) => enumKeys(call, this.keyPageSize, ['KLLIC_SERIAL', 'KLLIC_PROD_NAME']));
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

  async listDevices(tenant: Tenant): Promise<Device[]> {
    return this.inTenant(tenant, (call) => listHosts(call, tenant.id, this.hostOptions));
  }

  /**
   * Keys and who uses them. Assignments are limited to the tenant's own hosts
   * (FindHosts in its session): for a key shared across virtual servers,
   * AcquireKeyHosts may also list other customers' hosts ([U], licenses.ts).
   */
  async licenseUsage(tenant: Tenant): Promise<TenantLicenseUsage> {
    return this.inTenant(tenant, async (call) => {
      const ownHosts = await listHostIds(call, this.hostOptions);
      const rows = await enumKeys(call, this.keyPageSize);
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
