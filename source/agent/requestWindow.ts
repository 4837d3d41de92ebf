// The HTTP requests each integration made in the last hour, for the status file's api.lastHour.
// Kept in one bucket per integration and minute rather than one entry per pass: the agent may
// poll every second, and an hour of passes held one by one is thousands of entries that only
// the hour's end lets go of. Buckets make the memory a function of the integrations (at most 61
// buckets each), not of how often passes run; the price is that "the last hour" is counted to
// the minute.

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface RequestCounts {
  platform: number;
  psa: number;
}

export class RequestWindow {
  /** integration → minute (ms since the epoch / 60,000) → requests finished in that minute. */
  private readonly buckets = new Map<string, Map<number, RequestCounts>>();

  record(at: number, integration: string, counts: RequestCounts): void {
    let minutes = this.buckets.get(integration);
    if (!minutes) this.buckets.set(integration, (minutes = new Map()));
    const minute = Math.floor(at / MINUTE_MS);
    const bucket = minutes.get(minute);
    if (bucket) {
      bucket.platform += counts.platform;
      bucket.psa += counts.psa;
    } else minutes.set(minute, { platform: counts.platform, psa: counts.psa });
  }

  /**
   * Totals per integration over the hour before `now` (the minute an hour ago included), after
   * dropping the buckets older than that. Integrations with nothing left are not listed.
   */
  lastHour(now: number): Record<string, RequestCounts> {
    const oldest = Math.floor((now - HOUR_MS) / MINUTE_MS);
    const out: Record<string, RequestCounts> = {};
    for (const [integration, minutes] of this.buckets) {
      const total: RequestCounts = { platform: 0, psa: 0 };
      for (const [minute, counts] of minutes) {
        if (minute < oldest) {
          minutes.delete(minute);
          continue;
        }
        total.platform += counts.platform;
        total.psa += counts.psa;
      }
      if (minutes.size === 0) this.buckets.delete(integration);
      else out[integration] = total;
    }
    return out;
  }

  /** Drops every integration not in `names` (removed from the config). */
  keepOnly(names: readonly string[]): void {
    for (const integration of [...this.buckets.keys()]) if (!names.includes(integration)) this.buckets.delete(integration);
  }

  /** Buckets held, all integrations together: what a test checks stays bounded. */
  get size(): number {
    let n = 0;
    for (const minutes of this.buckets.values()) n += minutes.size;
    return n;
  }
}
