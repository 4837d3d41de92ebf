// Platform connectors the agent keeps from one pass to the next. A connector holds what signing
// in bought — a KSC session per virtual server, a Business Hub token, the list of tenants' names —
// and a connector opened and closed by every ticket poll paid for all of it again each minute, on
// the MSP's own production server. A kept connector renews what expires on its own (a refused
// session signs in again), so keeping it changes no answer, only the number of requests.
//
// One connector per job and integration: the billing and ticket jobs may run at the same time,
// and each pass counts its own requests. A connector is opened again when its configuration or
// secrets change, after a pass that failed (nothing of a failed state carries over), and after
// MAX_KEEP_MS (what a connector remembers — warnings it told, names it learned — starts afresh
// now and then, as it did with a connector per pass); it is never shared by two passes at once.
import { createHash } from 'node:crypto';
import { createPlatform } from './factory.js';
import type { HttpOptions, SecretLookup } from './registry.js';
import type { Integration } from '../domain/config.js';
import type { SecurityPlatform } from '../domain/ports.js';
import { platformSecrets } from '../domain/secretNames.js';

type RecordHook = NonNullable<HttpOptions['onRecord']>;

/** Where a kept connector's requests and warnings go: the pass using it now. */
interface Sink {
  onRecord: RecordHook | undefined;
  onWarning: ((message: string) => void) | undefined;
}

/** How long one connector is kept at most. */
export const MAX_KEEP_MS = 6 * 3600_000;

interface Entry {
  integration: string;
  fingerprint: string;
  /** performance.now() when it was opened. */
  openedAt: number;
  platform: SecurityPlatform;
  sink: Sink;
  busy: boolean;
}

export interface TakenPlatform {
  platform: SecurityPlatform;
  /** The pass is done with it: kept for the next, or closed when `discard` (a failed pass). */
  release(discard?: boolean): Promise<void>;
}

export interface TakeOptions {
  /** The pass's HTTP settings; its onRecord is told this pass's requests only. */
  http?: HttpOptions;
  onWarning?: (message: string) => void;
}

async function closeQuietly(platform: SecurityPlatform): Promise<void> {
  try {
    await platform.close();
  } catch {
    /* the server forgets what was not ended */
  }
}

export class PlatformPool {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  /** How many connectors are kept (for tests: it never grows with passes). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * What identifies a connector's configuration: the connection settings, the secrets (a changed
   * password opens a new one) and the HTTP settings. Only a digest is kept, never a secret.
   */
  private async fingerprint(integration: Pick<Integration, 'name' | 'platform'>, lookup: SecretLookup, http: HttpOptions | undefined): Promise<string> {
    const secrets = await Promise.all(platformSecrets(integration).map(async (s) => [s.name, await lookup(s.name)] as const));
    // Functions (the request hook) are left out by JSON; the rest of the HTTP settings count.
    return createHash('sha256').update(JSON.stringify([integration.platform, secrets, http ?? null])).digest('hex');
  }

  /** The integration's connector for `job` (one per job: the jobs' passes may overlap). */
  async take(job: string, integration: Pick<Integration, 'name' | 'platform'>, lookup: SecretLookup, options: TakeOptions = {}): Promise<TakenPlatform> {
    const key = `${job}\u0000${integration.name}`;
    const { onRecord, ...http } = options.http ?? {};
    const fingerprint = await this.fingerprint(integration, lookup, options.http ? http : undefined);
    const current = this.entries.get(key);
    const fresh = (entry: Entry) => entry.fingerprint === fingerprint && performance.now() - entry.openedAt < MAX_KEEP_MS;
    if (current && !current.busy && fresh(current) && !this.closed) {
      return this.lend(key, current, onRecord, options.onWarning);
    }
    if (current && !current.busy && !fresh(current)) {
      this.entries.delete(key);
      await closeQuietly(current.platform);
    }
    const sink: Sink = { onRecord: undefined, onWarning: undefined };
    const platform = await createPlatform(integration, lookup, {
      http: { ...http, onRecord: (record) => sink.onRecord?.(record) },
      onWarning: (message) => sink.onWarning?.(message),
    });
    const entry: Entry = { integration: integration.name, fingerprint, openedAt: performance.now(), platform, sink, busy: false };
    // In use by another pass (never by design: one pass per job at a time), or the pool closed: this one is not kept.
    if (this.closed || this.entries.has(key)) {
      sink.onRecord = onRecord;
      sink.onWarning = options.onWarning;
      return { platform, release: () => closeQuietly(platform) };
    }
    this.entries.set(key, entry);
    return this.lend(key, entry, onRecord, options.onWarning);
  }

  private lend(key: string, entry: Entry, onRecord: RecordHook | undefined, onWarning: ((message: string) => void) | undefined): TakenPlatform {
    entry.busy = true;
    entry.sink.onRecord = onRecord;
    entry.sink.onWarning = onWarning;
    let released = false;
    return {
      platform: entry.platform,
      release: async (discard = false) => {
        if (released) return;
        released = true;
        entry.sink.onRecord = undefined;
        entry.sink.onWarning = undefined;
        entry.busy = false;
        if (discard || this.closed || this.entries.get(key) !== entry) {
          if (this.entries.get(key) === entry) this.entries.delete(key);
          await closeQuietly(entry.platform);
        }
      },
    };
  }

  /** Closes the kept connectors of integrations no longer configured. */
  async retain(integrationNames: ReadonlySet<string>): Promise<void> {
    const gone = [...this.entries].filter(([, entry]) => !entry.busy && !integrationNames.has(entry.integration));
    for (const [key] of gone) this.entries.delete(key);
    await Promise.all(gone.map(([, entry]) => closeQuietly(entry.platform)));
  }

  /** Closes every kept connector (ending its sessions); one in use is closed when its pass releases it. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const idle = [...this.entries].filter(([, entry]) => !entry.busy);
    for (const [key] of idle) this.entries.delete(key);
    await Promise.all(idle.map(([, entry]) => closeQuietly(entry.platform)));
  }
}
