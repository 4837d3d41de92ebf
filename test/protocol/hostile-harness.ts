// Hostile vendor answers for the connectors, vendor-neutral: a simulator's JSON answer is changed
// on its way out (SimServer.rewrite) — a field of a record set to a value of the wrong type, null,
// removed, negative, fractional, an unknown word, an empty id, text with terminal escape codes —
// and what the connector makes of it is judged. The judgement: a clear KmspError (message, and a
// cause or a remedy), or a result that holds no NaN, no empty id, and has not lost a record
// without a word (a warning, where the connector has a channel for them).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { isKmspError, type KmspError } from '../../source/domain/errors.js';
import type { SimRequest, SimServer } from '../../source/simulators/server.js';

/** Text that would drive a terminal: clear the screen, set the window title, move the cursor, overwrite the line. */
export const ESCAPE_NAME = '\u001b[2J\u001b]0;owned\u0007Evil\u001b[31m Corp\r\n\u009b1A';

export const REMOVE = Symbol('remove the field');
export type Hostile = unknown | typeof REMOVE;

/** The hostile values of the brief, each with the words a failure names it by. */
export const HOSTILE_VALUES: ReadonlyArray<readonly [string, Hostile]> = [
  ['missing', REMOVE],
  ['null', null],
  ['a string for a number', 'twelve'],
  ['an object for a string', { text: 'x' }],
  ['a number for a string', 42],
  ['an array', [1, 'two']],
  ['a boolean', true],
  ['negative', -3],
  ['fractional', 2.5],
  ['empty string', ''],
  ['an unknown enum value', 'QuantumFluxUnstable'],
  ['huge', 1e308],
  ['terminal escape codes', ESCAPE_NAME],
];

type Json = unknown;
type Obj = Record<string, Json>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every array of objects in a body (depth first, the body itself first when it is one): a vendor's record lists. */
export function recordLists(body: Json): Obj[][] {
  const out: Obj[][] = [];
  const walk = (v: Json) => {
    if (Array.isArray(v)) {
      if (v.length > 0 && v.every(isObject)) out.push(v as Obj[]);
      // Typed wrappers ({"type":"params","value":{…}}, KLOAPI): the records are their values.
      if (v.length > 0 && v.every((x) => isObject(x) && isObject(x.value))) out.push(v.map((x) => (x as Obj).value as Obj));
      v.forEach(walk);
    } else if (isObject(v)) Object.values(v).forEach(walk);
  };
  walk(body);
  return out;
}

/** A record of a body by list and record index (with `wrap`, each taken modulo what the body has), or null. */
export function recordAt(body: Json, list: number, record: number, wrap = false): Obj | null {
  const lists = recordLists(body);
  if (!wrap) return lists[list]?.[record] ?? null;
  if (lists.length === 0) return null;
  const l = lists[list % lists.length]!;
  return l[record % l.length] ?? null;
}

/** Sets (or removes) a field of a record. */
export function setField(record: Obj, field: string, value: Hostile): void {
  if (value === REMOVE) delete record[field];
  else record[field] = value;
}

/** Sets `field` in every record that has it, in every record list of the body. */
export function setEverywhere(body: Json, field: string, value: Hostile, which: (r: Obj) => boolean = () => true): number {
  let n = 0;
  for (const list of recordLists(body)) {
    for (const r of list) {
      if (Object.hasOwn(r, field) && which(r)) {
        setField(r, field, value);
        n++;
      }
    }
  }
  return n;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: KmspError };

/** A read's outcome; anything thrown that is not a KmspError (a TypeError: a crash) fails the test. */
export async function settle<T>(promise: Promise<T>, what: string): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (!isKmspError(error)) {
      throw new Error(`${what}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} instead of a KmspError\n${error instanceof Error ? error.stack : ''}`);
    }
    return { ok: false, error };
  }
}

/** A KmspError a person can act on: a message, and a cause or a remedy. */
export function expectClear(error: KmspError, what: string): void {
  expect(error.message.trim().length, `${what}: the error has a message`).toBeGreaterThan(0);
  expect(Boolean(error.why || error.remedy), `${what}: "${error.message}" says a cause or a remedy`).toBe(true);
}

/**
 * Ids that appear twice in one list of a result (a duplicated vendor record passed on: counted
 * twice, or two rows for one thing). Lists of records with an `id` only.
 */
export function duplicatedIds(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      const ids = v.filter(isObject).map((r) => r.id).filter((id) => typeof id === 'string');
      const seen = new Set<unknown>();
      for (const id of ids) (seen.has(id) ? out.push(String(id)) : seen.add(id));
      v.forEach(walk);
    } else if (isObject(v)) Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}

/**
 * One record of the `nth` answer with records (list `list`) sent twice. The read must refuse it
 * (KmspError), pass it once, or say what it did with it (a warning); `collapsedById`: the read's
 * users count each id once, so passing it on twice is harmless (still sound, never a crash).
 */
export async function duplicateCase<C>(run: HostileRun<C>, path: ReadPath<C>, nth: number, list: number, collapsedById = false): Promise<string | null> {
  let seen = 0;
  let changed: string | null = null;
  run.sim.rewrite((req: SimRequest, body) => {
    if (changed !== null || recordLists(body).length === 0 || seen++ !== nth) return body;
    const records = recordLists(body)[list];
    if (!records) return body;
    records.push(structuredClone(records[0]!));
    changed = `${req.method} ${req.path}: record ${list}/0 twice`;
    return body;
  });
  const { connector, warnings, close } = await run.open();
  try {
    const outcome = await settle(path.read(connector), `${path.name} with a record twice`);
    const what = `${path.name}, ${changed ?? 'nothing changed'}`;
    if (outcome.ok) {
      expect(resultProblems(outcome.value), what).toEqual([]);
      // Never a new id made up from a copy; passed on twice only where the read's users collapse by id.
      if (warnings.length === 0 && !collapsedById) expect(duplicatedIds(outcome.value), `${what}: passed on twice without a word`).toEqual([]);
    } else expectClear(outcome.error, what);
    return changed;
  } finally {
    run.sim.rewrite(null);
    await close();
  }
}

/** What is wrong in a connector's result: NaN or infinite numbers, invalid dates, empty or non-text ids. */
export function resultProblems(value: unknown, path = '$'): string[] {
  const out: string[] = [];
  const walk = (v: unknown, at: string, key: string | null) => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) out.push(`${at} is ${v}`);
    } else if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) out.push(`${at} is an invalid date`);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`, null));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`, k);
    if (key !== null && /^(id|.*Id)$/.test(key) && !/^(parent|scope)/.test(key)) {
      if (v !== null && typeof v !== 'string') out.push(`${at} is an id of type ${typeof v}`);
      if (v === '') out.push(`${at} is an empty id`);
    }
  };
  walk(value, path, null);
  return out;
}

/** How many records a result holds: the lengths of its arrays, summed (objects' arrays included). */
export function recordCount(value: unknown): number {
  if (Array.isArray(value)) return value.length + value.reduce<number>((n, v) => n + (isObject(v) ? 0 : recordCount(v)), 0);
  if (isObject(value)) return Object.values(value).reduce<number>((n, v) => n + recordCount(v), 0);
  return 0;
}

/** A read kmsp makes of a vendor, as the connector's method. */
export interface ReadPath<C> {
  name: string;
  read(connector: C): Promise<unknown>;
}

export interface HostileRun<C> {
  sim: SimServer;
  /** A fresh connector (a read may cache what it read: each case begins anew). */
  open(): Promise<{ connector: C; warnings: string[]; close(): Promise<void> }>;
}

/**
 * One case: during `path`'s read, the `nth` answer that holds records gets `field` of its record
 * `record` (of list `list`) set to `value`. Judged as the file's header says; returns the verdict
 * for the report of a failure, or null when the rewrite found nothing to change.
 */
export async function hostileCase<C>(
  run: HostileRun<C>,
  path: ReadPath<C>,
  baseline: number,
  pick: { nth: number; list: number; record: number; wrap?: boolean; field: (r: Obj) => string | null; value: Hostile; dropped?: (what: string) => void },
): Promise<{ changed: string | null; outcome: Settled<unknown>; warnings: string[] }> {
  let seen = 0;
  let changed: string | null = null;
  run.sim.rewrite((req: SimRequest, body) => {
    if (changed !== null) return body;
    if (recordLists(body).length === 0 || seen++ !== pick.nth) return body;
    const r = recordAt(body, pick.list, pick.record, pick.wrap);
    if (!r) return body;
    const field = pick.field(r);
    if (field === null) return body;
    setField(r, field, pick.value);
    changed = `${req.method} ${req.path}: ${field}`;
    return body;
  });
  const { connector, warnings, close } = await run.open();
  try {
    const outcome = await settle(path.read(connector), `${path.name} with ${String(pick.value === REMOVE ? 'the field removed' : JSON.stringify(pick.value))}`);
    const what = `${path.name}, ${changed ?? 'nothing changed'} = ${pick.value === REMOVE ? '(removed)' : JSON.stringify(pick.value)}`;
    if (outcome.ok) {
      expect(resultProblems(outcome.value), what).toEqual([]);
      // One record fewer and nothing said: a silent drop.
      if (recordCount(outcome.value) < baseline && warnings.length === 0) {
        if (pick.dropped) pick.dropped(what);
        else expect.fail(`${what}: a record was left out without a word`);
      }
    } else expectClear(outcome.error, what);
    return { changed, outcome, warnings };
  } finally {
    run.sim.rewrite(null);
    await close();
  }
}

/** The brief's hostile values, for the field-by-field sweeps (the rest is left to the property). */
export const SWEEP_VALUES = HOSTILE_VALUES.filter(([label]) => !['a number for a string', 'an array', 'a boolean', 'huge'].includes(label));

/** Any JSON value, and the hostile ones above (removal included), for a property. */
export const hostileValue: fc.Arbitrary<Hostile> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_VALUES.map(([, v]) => v)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/**
 * Every (list, field) of the first record of each record list of an answer, in turn, with one
 * value: each case run, every failure kept (said at once by the caller). Returns the cases changed.
 */
export async function eachField<C>(run: HostileRun<C>, path: ReadPath<C> & { baseline: number }, nth: number, value: Hostile, dropped: (what: string) => void, failures: string[]): Promise<number> {
  let changed = 0;
  for (let list = 0; list < 3; list++) {
    for (let f = 0; f < 64; f++) {
      try {
        const verdict = await hostileCase(run, path, path.baseline, { nth, list, record: 0, field: (r) => Object.keys(r)[f] ?? null, value, dropped });
        if (verdict.changed === null) break;
        changed++;
      } catch (error) {
        failures.push((error as Error).message.split('\n')[0]!);
      }
    }
  }
  return changed;
}

/** A read with its record count undisturbed (`baseline`) and how many of its answers hold records. */
export type MeasuredPath<C> = ReadPath<C> & { baseline: number; answers: number };

/** Reads each path once, unchanged, counting the answers that hold records and the records it returns. */
export async function measurePaths<C>(run: HostileRun<C>, all: Array<ReadPath<C>>): Promise<Array<MeasuredPath<C>>> {
  const measured: Array<MeasuredPath<C>> = [];
  for (const path of all) {
    let answers = 0;
    run.sim.rewrite((_req, body) => {
      if (recordLists(body).length > 0) answers++;
      return body;
    });
    const fresh = await run.open();
    const value = await path.read(fresh.connector);
    await fresh.close();
    run.sim.rewrite(null);
    measured.push({ ...path, baseline: recordCount(value), answers });
  }
  return measured;
}

/**
 * A record sent twice in each of the first three record lists of the first two answers of every
 * read, each case run, every failure kept. Returns the failures and the cases that changed an answer.
 */
export async function duplicateSweep<C>(run: HostileRun<C>, paths: Array<MeasuredPath<C>>, collapsedById: ReadonlySet<string>): Promise<{ failures: string[]; changed: number }> {
  const failures: string[] = [];
  let changed = 0;
  for (const path of paths) {
    for (let nth = 0; nth < Math.min(path.answers, 2); nth++) {
      for (let list = 0; list < 3; list++) {
        try {
          if ((await duplicateCase(run, path, nth, list, collapsedById.has(path.name))) === null) break;
          changed++;
        } catch (error) {
          failures.push((error as Error).message.split('\n')[0]!);
        }
      }
    }
  }
  return { failures, changed };
}

/**
 * The property: arbitrary JSON (and the hostile values) in any field of any record of any answer
 * of a read that has records, picked within `bounds` (fixed seed, 60 runs). Returns the runs that
 * changed an answer.
 */
export async function arbitraryJsonRuns<C>(run: HostileRun<C>, paths: Array<MeasuredPath<C>>, dropped: (what: string) => void, bounds: { nth: number; list: number; record: number }): Promise<number> {
  const readable = paths.filter((p) => p.answers > 0);
  let changedRuns = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.record({ path: fc.nat(readable.length - 1), nth: fc.nat(bounds.nth), list: fc.nat(bounds.list), record: fc.nat(bounds.record), field: fc.nat(40), value: hostileValue }),
      async (c) => {
        const path = readable[c.path]!;
        const verdict = await hostileCase(run, path, path.baseline, {
          nth: c.nth % path.answers,
          wrap: true,
          list: c.list,
          record: c.record,
          field: (r) => {
            const keys = Object.keys(r);
            return keys.length ? keys[c.field % keys.length]! : null;
          },
          value: c.value,
          dropped,
        });
        if (verdict.changed) changedRuns++;
      },
    ),
    { seed: 20261207, numRuns: 60 },
  );
  return changedRuns;
}

/**
 * Declares the duplicated-id sweep and the arbitrary-JSON property for a vendor's reads (measured
 * in its beforeAll, hence read when the tests run).
 */
export function duplicateAndPropertyTests<C>(
  run: () => HostileRun<C>,
  paths: Array<MeasuredPath<C>>,
  options: { collapsedById: ReadonlySet<string>; dropped: (what: string) => void; bounds: { nth: number; list: number; record: number } },
): void {
  it('every read meets a record sent twice (a duplicated id)', async () => {
    const { failures, changed } = await duplicateSweep(run(), paths, options.collapsedById);
    expect(failures).toEqual([]);
    expect(changed).toBeGreaterThan(paths.length);
  }, 600_000);

  it('arbitrary JSON in any field of any record of any answer (property, fixed seed)', async () => {
    // The property changed answers, not only missed them.
    expect(await arbitraryJsonRuns(run(), paths, options.dropped, options.bounds)).toBeGreaterThan(20);
  }, 600_000);
}
