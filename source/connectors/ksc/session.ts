// KSC token sessions (README §1.3 model 2, §1.4).
//
// - Session.StartSession with `Authorization: KSCBasic …` and `X-KSC-VServer:
//   base64(<display name>)` (empty = main server) returns a session id;
// - every later call carries `X-KSC-Session: <id>` and no Authorization header;
// - a session is bound to one (virtual) server, so there is one per target, cached;
// - a session opened for a virtual server is checked to be on that server
//   (HostGroup.GetStaticInfo, see `confirm`) before it is used: a display name can
//   move from one customer's virtual server to another's;
// - a 403 (ended or expired session) signs in again once and repeats the call. A
//   call that refers to a server-side iterator cannot be repeated in a new session
//   (the iterator died with the old one): the whole operation is run again instead.
//
// The connection-bound `/login` model is not used: fetch pools connections.
import { KmspError } from '../../domain/errors.js';
import { SessionRefused, type CallOptions, type KscTransport } from './client.js';
import { authError, isKscError, KSC_SERVICE, KscError, sessionRefusedError } from './errors.js';
import { read, type KscParams } from './params.js';

export interface KscCredentials {
  username: string;
  password: string;
  /** Sent as is for Windows accounts (KlAkOAPI does not base64 it, §1.2). */
  domain: string;
  internalUser: boolean;
}

/** Which Administration Server a session is for. */
export interface SessionTarget {
  /** Cache key: '' for the main server, the virtual server's KLVSRV_UID otherwise. */
  key: string;
  /** What X-KSC-VServer carries: '' for the main server, else KLVSRV_DN (§1.4 [K] sample). */
  dn: string;
  /** The virtual server the session must land on (KLVSRV_UID and KLVSRV_ID); absent for the main server. */
  identity?: { uid: string; id: number | null };
}

export const MAIN_SERVER: SessionTarget = { key: '', dn: '' };

export interface KscCallOptions extends CallOptions {
  /** The call names a server-side iterator or accessor that dies with its session. */
  stateful?: boolean;
}

export type KscCall = (method: string, args?: Record<string, unknown>, options?: KscCallOptions) => Promise<KscParams>;

/**
 * A new session landed on another server than the one its target names (the display
 * name now belongs to another virtual server, or to none and the main server
 * answered). The session was ended; platform.ts looks the name up again.
 */
export class VServerMismatch extends Error {
  constructor(
    readonly target: SessionTarget,
    readonly found: string,
  ) {
    super(`X-KSC-VServer "${target.dn}" opened ${found}, not virtual server ${target.identity?.uid ?? target.key}`);
    this.name = 'VServerMismatch';
  }
}

/** Runs of one operation while KSC keeps discarding its result sets, before the error stands. */
export const RESULT_SET_READS = 3;

/** A PxgError "not found" (1169) from a result set's read: the server dropped the set before kmsp finished it. */
function discardedResultSet(error: unknown): boolean {
  return error instanceof KscError && error.pxgCode === 1169 && /^(ChunkAccessor|GroupSyncIterator|EventProcessing)\./.test(error.method);
}

/** The session behind an iterator ended mid-operation; run.ts restarts the operation. */
export class SessionLost extends Error {
  constructor(readonly method: string) {
    super(`${method}: the session ended while an iterator was open`);
    this.name = 'SessionLost';
  }
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export class KscSessions {
  private readonly sessions = new Map<string, Promise<string>>();
  private closed = false;

  constructor(
    private readonly transport: KscTransport,
    private readonly credentials: KscCredentials,
  ) {
    transport.http.addSecret(credentials.password);
  }

  private authorization(): string {
    const c = this.credentials;
    // Domain as is (§1.2 [K]; some third-party clients base64 it [U]).
    return `KSCBasic user="${b64(c.username)}", pass="${b64(c.password)}", domain="${c.domain}", internal="${c.internalUser ? 1 : 0}"`;
  }

  /** Signs in to one server and returns the new session id. */
  async start(target: SessionTarget): Promise<string> {
    const method = 'Session.StartSession';
    // An empty X-KSC-VServer selects the main server: never for a virtual server's key.
    if (target.key !== '' && target.dn.trim() === '') {
      throw new KmspError(`${KSC_SERVICE}: virtual server ${target.key} cannot be signed in to without a name`, {
        kind: 'internal',
        cause: 'an empty X-KSC-VServer would open the main Administration Server instead',
        remedy: 'Report this: the name should have been refused earlier.',
      });
    }
    const response = await this.transport.send(method, {}, { Authorization: this.authorization(), 'X-KSC-VServer': b64(target.dn) });
    let reply: KscParams;
    try {
      // The reply holds the new session id: a garbled one is never quoted (http.ts quotableBody).
      reply = this.transport.interpret(method, response, { carriesCredentials: true });
    } catch (error) {
      if (error instanceof SessionRefused) {
        // 401 to KSCBasic is the rejected-credentials answer ([U] §1.6); 403 here is a refusal.
        throw error.status === 401 ? authError(this.credentials.username, this.credentials.internalUser, this.credentials.domain) : sessionRefusedError(method, error.status);
      }
      throw error;
    }
    const id = read.string(reply, 'PxgRetVal');
    if (!id) {
      throw new KmspError(`${KSC_SERVICE} accepted the sign-in but returned no session id`, {
        kind: 'protocol',
        cause: 'Session.StartSession answered without PxgRetVal',
        remedy: 'Check that the URL points at the KSC Open API (port 13299) and that the server is KSC 12 or later.',
      });
    }
    // From now on the id must never reach a log or an error message.
    this.transport.http.addSecret(id);
    if (target.identity) await this.confirm(target, id);
    return id;
  }

  /**
   * Checks that a new session is on the target's virtual server, with the server's own
   * view of itself (HostGroup.GetStaticInfo: KLADMSRV_IS_VIRTUAL, KLADMSRV_VSUID,
   * KLADMSRV_VSID [3P go-ksc]). [U] Whether KLADMSRV_VSUID equals KLVSRV_UID and
   * KLADMSRV_VSID equals KLVSRV_ID: either match is accepted. A main server, or an answer
   * naming another server by both, is a mismatch: the session is ended and
   * VServerMismatch thrown. A server that does not answer (no right to read it, an older
   * version) is not checked: the name lookup by KLVSRV_UID then stands alone.
   */
  private async confirm(target: SessionTarget, id: string): Promise<void> {
    const method = 'HostGroup.GetStaticInfo';
    const expected = target.identity!;
    const response = await this.transport.send(method, { pValues: ['KLADMSRV_IS_VIRTUAL', 'KLADMSRV_VSUID', 'KLADMSRV_VSID'] }, { 'X-KSC-Session': id });
    let info: KscParams | null;
    try {
      info = read.params(this.transport.interpret(method, response), 'PxgRetVal');
    } catch (error) {
      if (isKscError(error)) return;
      if (error instanceof SessionRefused) throw sessionRefusedError(method, error.status);
      throw error;
    }
    if (!info) return;
    const isVirtual = read.boolean(info, 'KLADMSRV_IS_VIRTUAL');
    const uid = read.string(info, 'KLADMSRV_VSUID');
    const vsid = read.number(info, 'KLADMSRV_VSID');
    let found: string | null = null;
    if (isVirtual === false) {
      found = 'the main Administration Server';
    } else if (uid === expected.uid || (vsid !== null && expected.id !== null && vsid === expected.id)) {
      return;
    } else if (uid !== null || (vsid !== null && expected.id !== null)) {
      found = `virtual server ${uid ?? `#${vsid}`}`;
    }
    if (found === null) return;
    await this.end(id);
    throw new VServerMismatch(target, found);
  }

  /** Ends one session, best effort: an already-ended session answers 403, which is the same outcome. */
  private async end(id: string): Promise<void> {
    try {
      await this.transport.send('Session.EndSession', {}, { 'X-KSC-Session': id }, { timeoutMs: 5_000 });
    } catch {
      /* the server forgets idle sessions on its own */
    }
  }

  private session(target: SessionTarget): Promise<string> {
    if (this.closed) return Promise.reject(closedError());
    let session = this.sessions.get(target.key);
    if (!session) {
      session = this.start(target);
      this.sessions.set(target.key, session);
      // A failed sign-in is not cached: the next call tries again.
      session.catch(() => {
        if (this.sessions.get(target.key) === session) this.sessions.delete(target.key);
      });
    }
    return session;
  }

  /** Forgets a session the server refused, unless a newer one already replaced it. */
  private async invalidate(key: string, id: string): Promise<void> {
    const current = this.sessions.get(key);
    if (!current) return;
    const currentId = await current.catch(() => null);
    if (currentId === id && this.sessions.get(key) === current) this.sessions.delete(key);
  }

  /** One call in the target's session; a refused session is renewed once. */
  async call(target: SessionTarget, method: string, args: Record<string, unknown> = {}, options: KscCallOptions = {}): Promise<KscParams> {
    for (let attempt = 0; ; attempt++) {
      const id = await this.session(target);
      const response = await this.transport.send(method, args, { 'X-KSC-Session': id }, options);
      try {
        return this.transport.interpret(method, response);
      } catch (error) {
        if (!(error instanceof SessionRefused)) throw error;
        await this.invalidate(target.key, id);
        if (attempt > 0) throw sessionRefusedError(method, error.status);
        if (options.stateful) throw new SessionLost(method);
      }
    }
  }

  /**
   * Runs an operation in the target's session. When the session ends under an open
   * iterator, the operation starts again once in a new session.
   */
  async run<T>(target: SessionTarget, operation: (call: KscCall) => Promise<T>): Promise<T> {
    const call: KscCall = (method, args, options) => this.call(target, method, args ?? {}, options ?? {});
    let sessionLost = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation(call);
      } catch (error) {
        if (error instanceof SessionLost) {
          if (sessionLost) throw sessionRefusedError(error.method, 403);
          sessionLost = true;
          continue;
        }
        // KSC discarded a result set mid-read (it expired): the operation only reads, so it is
        // run again on a fresh one. Left to the next run, one such loss among a tenant's many
        // reads failed its billing — under load, on every run.
        if (discardedResultSet(error) && attempt < RESULT_SET_READS) continue;
        throw error;
      }
    }
  }

  /** Ends every session (Session.EndSession) and refuses further calls. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const open = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(
      open.map(async (session) => {
        const id = await session.catch(() => null);
        if (id) await this.end(id);
      }),
    );
  }
}

function closedError(): KmspError {
  return new KmspError(`${KSC_SERVICE} connector used after close()`, {
    kind: 'internal',
    cause: 'its sessions were ended and its connections closed',
    remedy: 'Create a new connector for further calls.',
  });
}
