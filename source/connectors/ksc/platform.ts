// The KSC Open API as a SecurityPlatform: tenants are virtual servers, each read in
// a session of its own (protocols/kaspersky.md §1.4, §3.2 option A).
import type { KscConnection } from '../../domain/config.js';
import { isKmspError, KmspError } from '../../domain/errors.js';
import type { PlatformIdentity, SecurityPlatform } from '../../domain/ports.js';
import type { Application, Device, EventCursor, EventPage, Tenant, TenantLicenseUsage } from '../../domain/types.js';
import { HttpClient, type HttpClientOptions } from '../http.js';
import { KscTransport } from './client.js';
import { isKscError, KSC_SERVICE } from './errors.js';
import { readEventsSince } from './events.js';
import { listHosts } from './hosts.js';
import { enumKeys, keyAssignments, toLicenseKey } from './licenses.js';
import { read } from './params.js';
import { KscSessions, MAIN_SERVER, type KscCall, type SessionTarget } from './session.js';
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
  /** Clock for the initial event window (tests). */
  now?: () => Date;
}

export type KscPlatform = SecurityPlatform & { readonly http: HttpClient };

/** At most this many virtual servers are read at once (each has its own session and connection). */
const TENANT_CONCURRENCY = 4;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}

class KscOpenApiPlatform implements KscPlatform {
  readonly kind = 'ksc' as const;
  readonly http: HttpClient;
  private readonly url: string;
  private readonly sessions: KscSessions;
  /** KLVSRV_UID → KLVSRV_DN as last seen: the header needs the current display name. */
  private readonly vserverNames = new Map<string, string>();
  private readonly hostChunkSize: number;
  private readonly keyPageSize: number;
  private readonly eventStep: number;
  private readonly iteratorLifetimeSec: number;
  private readonly now: () => Date;

  constructor(options: KscPlatformOptions) {
    const { connection } = options;
    this.url = connection.url;
    this.http = new HttpClient({
      service: KSC_SERVICE,
      baseUrl: connection.url,
      caFile: connection.caFile,
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
    this.now = options.now ?? (() => new Date());
  }

  private remember(vservers: VServerInfo[]): VServerInfo[] {
    for (const v of vservers) this.vserverNames.set(v.uid, v.dn);
    return vservers;
  }

  private async vservers(): Promise<VServerInfo[]> {
    return this.remember(await this.sessions.run(MAIN_SERVER, getVServers));
  }

  /**
   * Runs an operation in a tenant's session. The tenant's stored name may be stale
   * (a virtual server renamed in KSC): when signing in to it fails, the current name
   * is looked up by KLVSRV_UID and the sign-in tried once more.
   */
  private async inTenant<T>(tenant: Tenant, operation: (call: KscCall) => Promise<T>): Promise<T> {
    const target: SessionTarget = { key: tenant.id, dn: this.vserverNames.get(tenant.id) ?? tenant.name };
    try {
      return await this.sessions.run(target, operation);
    } catch (error) {
      const signInFailed = (isKscError(error) && error.method === 'Session.StartSession') || (isKmspError(error) && error.kind === 'auth');
      if (!signInFailed) throw error;
      const current = (await this.vservers()).find((v) => v.uid === tenant.id);
      if (!current) {
        throw new KmspError(`Virtual server "${tenant.name}" no longer exists in ${KSC_SERVICE}`, {
          kind: 'not-found',
          cause: `no virtual server has the id ${tenant.id}`,
          remedy: 'It was removed or replaced in KSC: remove it on the Accounts tab, or map its replacement.',
        });
      }
      if (current.dn === target.dn) throw error;
      return await this.sessions.run({ key: tenant.id, dn: current.dn }, operation);
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
      const vservers = this.remember(await getVServers(call));
      const what = [product ?? KSC_SERVICE, version].filter(Boolean).join(' ');
      const count = `${vservers.length} virtual server${vservers.length === 1 ? '' : 's'}`;
      return { kind: 'ksc', description: `${what} at ${this.url}${host ? ` (server ${host})` : ''}, ${count}` };
    });
  }

  async listTenants(): Promise<Tenant[]> {
    return (await this.vservers()).map(toTenant);
  }

  async listApplications(): Promise<Application[]> {
    const vservers = await this.vservers();
    const names = await mapLimit(vservers, TENANT_CONCURRENCY, async (v) => {
      try {
        const keys = await this.inTenant(toTenant(v), (call) => enumKeys(call, this.keyPageSize, ['KLLIC_SERIAL', 'KLLIC_PROD_NAME']));
        return keys.map((k) => read.string(k, 'KLLIC_PROD_NAME')).filter((n): n is string => !!n);
      } catch (error) {
        // [U] A disabled virtual server may refuse sessions; it has no billable usage either.
        if (!v.enabled && isKmspError(error) && error.kind !== 'network' && error.kind !== 'tls') return [];
        throw error;
      }
    });
    const distinct = [...new Set(names.flat())].sort((a, b) => a.localeCompare(b));
    // KSC licenses count devices; per-user licensing is a KES Cloud / KBH notion.
    return distinct.map((name) => ({ id: name, name, unit: 'device' as const }));
  }

  async listDevices(tenant: Tenant): Promise<Device[]> {
    return this.inTenant(tenant, (call) => listHosts(call, tenant.id, { chunkSize: this.hostChunkSize, accessorLifetimeSec: this.iteratorLifetimeSec }));
  }

  async licenseUsage(tenant: Tenant): Promise<TenantLicenseUsage> {
    return this.inTenant(tenant, async (call) => {
      const keys = (await enumKeys(call, this.keyPageSize)).map(toLicenseKey).filter((k) => k !== null);
      const assignments = [];
      for (const key of keys) assignments.push(...(await keyAssignments(call, key.id, this.keyPageSize)));
      return { tenantId: tenant.id, keys, assignments };
    });
  }

  async eventsSince(tenant: Tenant, cursor: EventCursor | null, options: { initialWindowDays?: number } = {}): Promise<EventPage> {
    const initialWindowDays = options.initialWindowDays !== undefined && options.initialWindowDays > 0 ? options.initialWindowDays : 1;
    return this.inTenant(tenant, (call) =>
      readEventsSince(call, tenant.id, cursor, { initialWindowDays, step: this.eventStep, lifetimeSec: this.iteratorLifetimeSec, now: this.now }),
    );
  }

  async close(): Promise<void> {
    await this.sessions.closeAll();
    this.http.close();
  }
}

export function createKscPlatform(options: KscPlatformOptions): KscPlatform {
  return new KscOpenApiPlatform(options);
}
