// Inline validation of the Connections fields (README › The console, Connections; When something fails). Pure apart
// from the CA file check, which looks at the file system (synchronously: the
// file is small and local). Every function either returns the value to store
// (normalised) or a message saying what is wrong and how to put it right.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isLoopbackHost } from '../../../connectors/loopback.js';
import type { ConnectionFieldSpec } from '../../../domain/profiles/index.js';
import { MIN_SECRET_LENGTH } from '../../../store/secrets.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const problem = (message: string): Parsed<never> => ({ ok: false, message });

export interface UrlRules {
  /** What the URL is for, at the start of messages ("The KSC URL"). */
  readonly what: string;
  /** An example shown in messages (left out in short forms). */
  readonly example?: string;
  /** Blank means "not set" (null) instead of an error. */
  readonly optional?: boolean;
}

/**
 * An http(s) URL with a host and, if given, a port from 1 to 65535. Checked by
 * hand before `new URL`, whose only complaint is "Invalid URL", so the admin
 * learns which part is wrong.
 */
export function parseUrl(raw: string, rules: UrlRules): Parsed<string | null> {
  const eg = rules.example ? `, e.g. ${rules.example}` : '.';
  const text = raw.trim();
  if (text === '') return rules.optional ? ok(null) : problem(`${rules.what} is required${eg}`);
  if (/\s/u.test(text)) return problem(`${rules.what} cannot contain spaces.`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//iu.exec(text);
  if (!scheme) return problem(`${rules.what} must start with https:// or http://${eg}`);
  const protocol = scheme[1]!.toLowerCase();
  if (protocol !== 'https' && protocol !== 'http') return problem(`${rules.what} must use https:// or http://, not ${protocol}://.`);
  const authority = text.slice(scheme[0].length).split(/[/?#]/u)[0] ?? '';
  if (authority.includes('@')) return problem(`${rules.what} must not contain a user name or password: enter those in their own fields.`);
  // Host, then an optional ":port" (IPv6 hosts are bracketed).
  const parts = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/u.exec(authority);
  const host = parts?.[1] ?? '';
  const port = parts?.[2];
  if (host === '') return problem(`${rules.what} has no host name${eg}`);
  if (port !== undefined) {
    if (port === '') return problem(`${rules.what} ends with ":" but no port number.`);
    if (!/^\d+$/u.test(port)) return problem(`The port in ${lowerFirst(rules.what)} must be a number from 1 to 65535 (got "${port}").`);
    const n = Number(port);
    if (n < 1 || n > 65535) return problem(`Port ${port} is out of range: ports go from 1 to 65535.`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return problem(`${rules.what} is not a valid URL (check the host name "${host}").`);
  }
  if (!url.hostname) return problem(`${rules.what} has no host name${eg}`);
  // Every connector refuses plain http off this machine (credentials would cross the network in
  // clear): said while typing, not first at the test or in the agent's log.
  if (protocol === 'http' && !isLoopbackHost(url.hostname)) {
    return problem(`${rules.what} must use https://: kmsp sends credentials over it. Plain http:// is taken only for this machine (a simulator or a test).`);
  }
  return ok(text);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** A required single-line value (user names, field names). */
export function parseRequired(raw: string, what: string): Parsed<string> {
  const text = raw.trim();
  return text === '' ? problem(`${what} cannot be empty.`) : ok(text);
}

/** A secret as the secret store will take it (blank: keep the stored one). */
export function secretProblem(value: string, options: { optional?: boolean } = {}): string | undefined {
  const text = value.replace(/[\r\n]+$/u, '');
  if (text.trim() === '') return options.optional ? undefined : 'Type the new value, or press Esc to keep the stored one.';
  if (text.length < MIN_SECRET_LENGTH) return `At least ${MIN_SECRET_LENGTH} characters.`;
  return undefined;
}

/** An optional id that is a positive whole number (kept as text); blank means none. */
export function parseOptionalId(raw: string, what: string, example?: string): Parsed<string | null> {
  const text = raw.trim();
  if (text === '') return ok(null);
  if (!/^\d+$/u.test(text) || Number(text) === 0) {
    return problem(`${what} is a positive whole number${example ? ` (e.g. ${example})` : ''}, or blank for none.`);
  }
  return ok(text);
}

/**
 * How a field is named at the start of its messages: the vendor's short name and the field's
 * label ("The KSC URL", "The Autotask API user name"); a label that starts with an acronym keeps its case.
 */
export function fieldWhat(vendorShort: string, label: string): string {
  const keepsCase = /^[A-Z]{2}/u.test(label);
  return `The ${vendorShort} ${keepsCase ? label : lowerFirst(label)}`;
}

/**
 * A connection field parsed by its kind (domain/profiles ConnectionFieldKind): the value to store,
 * or what is wrong. Toggles are switched, not typed, so they are never parsed.
 */
export function parseConnectionField(spec: ConnectionFieldSpec, raw: string, rules: { what: string; caFile?: CaFileOptions }): Parsed<string | null> {
  const example = spec.example ? { example: spec.example } : {};
  switch (spec.kind) {
    case 'text':
      return parseRequired(raw, rules.what);
    case 'optional-text': {
      const text = raw.trim();
      return ok(text === '' ? (spec.emptyAs ?? null) : text);
    }
    case 'url':
      return parseUrl(raw, { what: rules.what, ...example });
    case 'optional-url':
      return parseUrl(raw, { what: rules.what, ...example, optional: true });
    case 'ca-file':
      return parseCaFile(raw, rules.caFile);
    case 'optional-id':
      return parseOptionalId(raw, rules.what, spec.example);
    case 'toggle':
      return problem(`${rules.what} is switched on or off, not typed.`);
  }
}

export interface FileSystem {
  statSync(file: string): fs.Stats;
  accessSync(file: string, mode?: number): void;
  readFileSync(file: string): Buffer;
}

export interface CaFileOptions {
  /** Relative paths are taken from here (default: the current directory). */
  readonly cwd?: string;
  readonly home?: string;
  readonly fs?: FileSystem;
}

/** Larger than any certificate bundle an admin would point at. */
const MAX_CA_BYTES = 5 * 1024 * 1024;

/**
 * A readable PEM file with at least one certificate, stored as an absolute path
 * (the agent runs from another directory). Blank clears it: the system CAs are used.
 */
export function parseCaFile(raw: string, options: CaFileOptions = {}): Parsed<string | null> {
  const text = raw.trim();
  if (text === '') return ok(null);
  const files = options.fs ?? fs;
  const home = options.home ?? os.homedir();
  const expanded = text === '~' ? home : text.startsWith('~/') ? path.join(home, text.slice(2)) : text;
  const file = path.resolve(options.cwd ?? process.cwd(), expanded);
  let stats: fs.Stats;
  try {
    stats = files.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return problem(`No file at ${file}: check the path (copy the server's certificate or its CA to this machine first).`);
    if (code === 'ENOTDIR') return problem(`${file} cannot exist: a part of that path is a file, not a folder.`);
    if (code === 'EACCES' || code === 'EPERM') return problem(`Cannot reach ${file}: permission denied on one of its folders.`);
    return problem(`Cannot check ${file}: ${(error as Error).message}`);
  }
  if (stats.isDirectory()) return problem(`${file} is a folder: give the certificate file inside it (a PEM file).`);
  if (!stats.isFile()) return problem(`${file} is not a regular file.`);
  try {
    files.accessSync(file, fs.constants.R_OK);
  } catch {
    return problem(`${file} exists but cannot be read by ${userName()}: permission denied (the agent's service user must be able to read it too).`);
  }
  if (stats.size === 0) return problem(`${file} is empty: it should hold the PEM certificate of the server or its CA.`);
  if (stats.size > MAX_CA_BYTES) return problem(`${file} is ${Math.round(stats.size / 1024 / 1024)} MB: too large for a certificate file.`);
  let content: Buffer;
  try {
    content = files.readFileSync(file);
  } catch (error) {
    return problem(`${file} cannot be read: ${(error as Error).message}`);
  }
  if (content.includes('-----BEGIN CERTIFICATE-----')) return ok(file);
  if (content[0] === 0x30) {
    return problem(`${file} is a binary (DER) certificate; convert it to PEM: openssl x509 -inform der -in ${file} -out ${file}.pem`);
  }
  return problem(`${file} holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" line).`);
}

function userName(): string {
  try {
    return `user ${os.userInfo().username}`;
  } catch {
    return 'this user';
  }
}
