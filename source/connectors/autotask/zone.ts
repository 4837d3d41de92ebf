// Zone discovery (README §1): every Autotask database lives in one zone; any zone
// host answers `GET …/v1.0/zoneInformation?user=<username>` without auth headers
// with the zone's API URL. The answer is cached for the connector's lifetime; a
// configured apiUrl skips discovery.
import type { AutotaskConnection } from '../../domain/config.js';
import { KmspError } from '../../domain/errors.js';
import { isLoopbackHost, parseJson, type HttpClient } from '../http.js';
import { PLAIN_HTTP_ONLY_ON_LOOPBACK } from './assumptions.js';
import { responseError } from './errors.js';
import { asRecord, optStr, str } from './wire.js';

export interface Zone {
  name: string;
  /** API root ending with "/", e.g. https://webservices3.autotask.net/ATServicesRest/ */
  url: string;
  webUrl: string | null;
  /** True when the URL came from the configuration rather than discovery. */
  configured: boolean;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The zone root without the API version: kmsp appends V1.0/ itself (README §1), so a URL
 * copied with its /v1.0/ (any case) would otherwise become …/v1.0/V1.0/… and answer 404.
 */
export function stripVersion(pathname: string): string {
  return pathname.replace(/\/v1\.0\/?$/i, '/');
}

/** A configured URL is a config problem; a discovered one a protocol problem. */
export function checkUrl(url: string, source: string, kind: 'config' | 'protocol'): string {
  const remedy =
    kind === 'config'
      ? 'Use the form https://webservicesN.autotask.net/atservicesrest/ in the Autotask connection settings.'
      : 'Check the zone discovery URL in the Autotask connection settings, or set the zone URL directly.';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KmspError(`The Autotask ${source} is not a URL: ${url}`, { kind, remedy });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new KmspError(`The Autotask ${source} must be http(s): ${url}`, { kind, remedy });
  }
  if (parsed.protocol === 'http:' && PLAIN_HTTP_ONLY_ON_LOOPBACK && !isLoopbackHost(parsed.hostname)) {
    throw new KmspError(`The Autotask ${source} uses plain http: ${parsed.origin}`, {
      kind,
      cause: 'kmsp sends the API user\'s name and secret with every request; over http they would travel in clear text',
      remedy: kind === 'config' ? 'Use https:// (Autotask serves its API only over https), e.g. https://webservicesN.autotask.net/atservicesrest/.' : remedy,
    });
  }
  parsed.pathname = stripVersion(parsed.pathname);
  return withSlash(parsed.toString());
}

export class ZoneResolver {
  private pending: Promise<Zone> | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly connection: AutotaskConnection,
  ) {}

  resolve(): Promise<Zone> {
    if (!this.pending) {
      this.pending = this.discover();
      // A failed lookup is not cached: the next call asks again (e.g. after the admin fixes the username).
      this.pending.catch(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  private async discover(): Promise<Zone> {
    if (this.connection.apiUrl) {
      const url = checkUrl(this.connection.apiUrl, 'zone URL', 'config');
      return { name: new URL(url).host, url, webUrl: null, configured: true };
    }
    const base = checkUrl(this.connection.zoneDiscoveryUrl, 'zone discovery URL', 'config');
    const url = new URL(`v1.0/zoneInformation?user=${encodeURIComponent(this.connection.username)}`, base).toString();
    // No auth headers: the lookup needs none (DJ, APG, GO), and the secret should not travel further than needed.
    const response = await this.http.request({ method: 'GET', url, safeToRetry: true, endpoint: 'zoneInformation' });
    if (response.status !== 200) {
      throw responseError(response, {
        action: 'look up the zone of the API user',
        redactor: this.http.redactor,
        username: this.connection.username,
        impersonating: false,
        urlSetting: 'zone discovery URL',
      });
    }
    const body = asRecord(parseJson(response, 'Autotask zone discovery', this.http.redactor), 'zone information');
    const zoneUrl = checkUrl(str(body, 'url', 'zone information'), 'zone URL from discovery', 'protocol');
    return {
      name: optStr(body, 'zoneName', 'zone information') ?? new URL(zoneUrl).host,
      url: zoneUrl,
      webUrl: optStr(body, 'webUrl', 'zone information'),
      configured: false,
    };
  }
}
