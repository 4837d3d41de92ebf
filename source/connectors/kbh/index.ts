// The Kaspersky Business Hub connector: the SecurityPlatform port (domain/ports.ts) over the
// assumed Business Hub API (README.md in this folder). The only module outside this folder that
// should be imported is this one.
import type { KbhConnection } from '../../domain/config.js';
import type { SecurityPlatform } from '../../domain/ports.js';
import { HttpClient, type HttpClientOptions } from '../http.js';
import { KBH_SERVICE } from './errors.js';
import { HubApi, checkHubUrl, endpointOf } from './hubApi.js';
import { HubPlatform } from './platform.js';

export { checkHubUrl } from './hubApi.js';
export { KBH_SERVICE, ONE_TIME_CODE_REQUIRED } from './errors.js';

export interface KbhPlatformOptions {
  connection: KbhConnection;
  password: string;
  /** The base32 setup key of the account's authenticator app (secret kbh.authenticator-key); null: none stored. */
  authenticatorKey: string | null;
  /** A one-time code typed for this connector's sign-in (kbh.one-time-code, never stored); null: none. */
  oneTimeCode: string | null;
  /** The integration's name, so that remedies give the exact `kmsp secrets set …` command. */
  integration?: string;
  httpOptions?: Partial<HttpClientOptions>;
  /** The clock of token lifetimes, one-time codes and the initial event window (tests fix it). */
  now?: () => Date;
  /** Items per page (1–500; default 500). */
  pageSize?: number;
  /** Told what was skipped and why (unknown device status reasons, KSC Cloud Console workspaces). */
  onWarning?: (message: string) => void;
}

export type KbhPlatform = SecurityPlatform & {
  readonly http: HttpClient;
  /** Status reason codes left out of device statuses because kmsp does not know them, with their counts. */
  readonly skippedStatusReasons: ReadonlyMap<string, number>;
};

export function createKbhPlatform(options: KbhPlatformOptions): KbhPlatform {
  const { connection } = options;
  // Before anything is created or sent: plain http off loopback, a URL that is none.
  checkHubUrl(connection.url);
  const http = new HttpClient({
    service: KBH_SERVICE,
    caFile: connection.caFile,
    endpointOf,
    hints: { certificate: 'the CA that signed the certificate of the Business Hub address (or of your proxy in front of it)' },
    ...options.httpOptions,
    secrets: [options.password, options.authenticatorKey, options.oneTimeCode, ...(options.httpOptions?.secrets ?? [])],
  });
  const now = options.now ?? (() => new Date());
  const sleep = options.httpOptions?.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const integration = options.integration ?? null;
  const api = new HubApi({
    http,
    url: connection.url,
    credentials: { email: connection.email.trim(), password: options.password, authenticatorKey: options.authenticatorKey, oneTimeCode: options.oneTimeCode },
    integration,
    now,
    sleep,
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
  });
  const platform = new HubPlatform(api, { now, onWarning: options.onWarning ?? (() => undefined), integration });
  return Object.assign(platform, { http });
}
