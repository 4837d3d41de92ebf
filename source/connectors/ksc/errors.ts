// KSC failures as KmspError: PxgError replies, rejected logins, ended sessions.
import { KmspError, type KmspErrorOptions } from '../../domain/errors.js';
import type { Redactor } from '../redact.js';

export const KSC_SERVICE = 'Kaspersky Security Center';

/** The body of {"PxgError":{…}} (README §1.6). */
export interface PxgErrorBody {
  code: number;
  subcode?: number;
  module: string;
  file?: string;
  line?: number;
  message: string;
  locdata?: unknown;
}

/** A PxgError returned by KSC for one method call. */
export class KscError extends KmspError {
  readonly pxgCode: number;
  readonly pxgSubcode: number | undefined;
  readonly pxgModule: string;
  readonly method: string;
  readonly httpStatus: number;

  constructor(message: string, options: KmspErrorOptions & { pxg: PxgErrorBody; method: string; httpStatus: number }) {
    super(message, options);
    this.name = 'KscError';
    this.pxgCode = options.pxg.code;
    this.pxgSubcode = options.pxg.subcode;
    this.pxgModule = options.pxg.module;
    this.method = options.method;
    this.httpStatus = options.httpStatus;
  }
}

export function isKscError(error: unknown): error is KscError {
  return error instanceof KscError;
}

/** Reads a PxgError out of a parsed body, or null when there is none. */
/** True when a reply's text is a KLOAPI error object ({"PxgError": …}). */
export function isPxgReply(text: string): boolean {
  if (!text.includes('PxgError')) return false;
  try {
    return pxgErrorOf(JSON.parse(text)) !== null;
  } catch {
    return false;
  }
}

export function pxgErrorOf(body: unknown): PxgErrorBody | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const raw = (body as Record<string, unknown>).PxgError;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const e = raw as Record<string, unknown>;
  const out: PxgErrorBody = {
    code: typeof e.code === 'number' ? e.code : Number(e.code ?? -1),
    module: typeof e.module === 'string' ? e.module : '',
    message: typeof e.message === 'string' ? e.message : '',
  };
  if (typeof e.subcode === 'number') out.subcode = e.subcode;
  if (typeof e.file === 'string') out.file = e.file;
  if (typeof e.line === 'number') out.line = e.line;
  if (e.locdata !== undefined) out.locdata = e.locdata;
  return out;
}

/**
 * Remedies for PxgErrors whose meaning is known. KSC documents no list of codes, so
 * the match is on the (non-localised) message and on the method that failed.
 */
function remedyFor(method: string, pxg: PxgErrorBody): string | undefined {
  const text = pxg.message.toLowerCase();
  if (/access denied|not enough rights|permission|privilege/.test(text)) {
    return 'Give the KSC user read rights on the Administration Server and on the virtual servers kmsp reads (Administration Server properties › Security, and each virtual server’s Security section), or use an account that has them.';
  }
  if (method.startsWith('Session.StartSession') && /virtual server|vserver/.test(text)) {
    return 'The virtual server was renamed or removed in KSC. Refresh the list on the Accounts tab and re-map the tenant if it was replaced.';
  }
  if (/^(ChunkAccessor|GroupSyncIterator|EventProcessing)\./.test(method)) {
    return 'KSC discarded the result set before kmsp finished reading it (it expired, or the server restarted). The next run repeats the query; if it keeps happening, check the Administration Server’s load.';
  }
  if (/license|licence/.test(text)) {
    return 'Check the Administration Server’s own license in the KSC console (Licenses section).';
  }
  return undefined;
}

export function kscErrorFromPxg(method: string, pxg: PxgErrorBody, httpStatus: number, redactor: Redactor): KscError {
  const message = redactor.text(pxg.message || 'no message');
  const where = [`PxgError ${pxg.code}`, pxg.subcode !== undefined ? `subcode ${pxg.subcode}` : null, pxg.module ? `module ${pxg.module}` : null, `HTTP ${httpStatus}`]
    .filter(Boolean)
    .join(', ');
  const remedy = remedyFor(method, pxg);
  return new KscError(`${KSC_SERVICE} refused ${method}: ${message}`, {
    kind: 'vendor',
    cause: `the server answered with an error (${where})`,
    detail: redactor.text([pxg.file ? `${pxg.file}:${pxg.line ?? '?'}` : null].filter(Boolean).join(' ')) || undefined,
    ...(remedy ? { remedy } : {}),
    code: pxg.code,
    pxg,
    method,
    httpStatus,
  });
}

export function authError(username: string, internalUser: boolean, domain: string): KmspError {
  const account = internalUser ? `internal KSC user "${username}"` : `Windows account "${domain ? `${domain}\\` : ''}${username}"`;
  return new KmspError(`${KSC_SERVICE} rejected the user name or password`, {
    kind: 'auth',
    cause: `KSC answered HTTP 401 to the sign-in of the ${account}`,
    remedy: internalUser
      ? 'Check the user name and password. The account is set as a KSC internal user: if it is a Windows/Active Directory account, turn "internal user" off and enter its domain.'
      : 'Check the user name, password and domain. The account is set as a Windows/Active Directory account: if it is a KSC internal user, turn "internal user" on and leave the domain empty.',
    code: 401,
  });
}

export function sessionRefusedError(method: string, status: number): KmspError {
  return new KmspError(`${KSC_SERVICE} refused ${method} right after a new sign-in`, {
    kind: 'permission',
    cause: `the server answered HTTP ${status} with a session it had just issued`,
    remedy: 'Check that the KSC user may connect to this (virtual) Administration Server and that no policy ends its sessions immediately.',
    code: status,
  });
}

/** A reply without an out-param the method always returns: never read it as "nothing". */
export function missingOutParam(method: string, name: string): KmspError {
  return new KmspError(`${KSC_SERVICE} answered ${method} without ${name}`, {
    kind: 'protocol',
    cause: `the reply lacks the out-parameter ${name}`,
    remedy: 'Check that the URL points at the KSC Open API (port 13299) and that the server runs KSC 12 or later; report it with the KSC version otherwise.',
  });
}
