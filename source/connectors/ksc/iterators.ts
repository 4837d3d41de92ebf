// The three server-side result sets of the KSC Open API, read to the end and
// always released (README §3.2, §3.4, §3.5):
// - ChunkAccessor (FindHosts…): GetItemsCount, GetItemsChunk(nStart, nCount), Release;
// - GroupSyncIterator (EnumKeys, AcquireKeyHosts): GetNextItems until bEOF, ReleaseIterator;
// - EventProcessing: GetRecordCount, GetRecordRange(nStart, nEnd inclusive), ReleaseIterator.
import { isKmspError, KmspError } from '../../domain/errors.js';
import { KSC_SERVICE, missingOutParam } from './errors.js';
import { paramsList, read, type KscParams, type KscValue } from './params.js';
import type { KscCall } from './session.js';

/** Safety net against a server that never says EOF: no tenant has this many rows. */
const MAX_ROWS = 5_000_000;
/** SrvView allows at most 65536 rows per GetRecordRange call (§3.5). */
export const MAX_EVENT_STEP = 65_536;

/** Frees a result set; failures are ignored because the server expires it anyway and the caller's error matters more. */
async function release(call: KscCall, method: string, args: Record<string, unknown>): Promise<void> {
  try {
    await call(method, args, { stateful: true, timeoutMs: 10_000 });
  } catch {
    /* expired, session gone, or unreachable: nothing left to free or nothing we can do */
  }
}

function runaway(method: string): KmspError {
  return new KmspError(`${KSC_SERVICE} kept returning rows from ${method} without an end`, {
    kind: 'protocol',
    cause: `more than ${MAX_ROWS.toLocaleString('en-US')} rows, or empty pages that never reached the end`,
    remedy: 'Report this with the KSC version: the result set did not behave as documented.',
  });
}

/**
 * A result set ended before the count it announced. Reading on would bill (or alert)
 * from a partial list, so the read fails and the caller's run is abandoned.
 */
function truncated(method: string, what: string, got: number, total: number): KmspError {
  return new KmspError(`${KSC_SERVICE} returned ${got} of ${total} ${what} and then no more`, {
    kind: 'protocol',
    cause: `${method} answered with an empty page before the ${total} rows it counted were read`,
    remedy:
      'The run was abandoned rather than working from a partial list (which would under-bill or miss alerts); the next run reads it again. If it keeps happening, check the Administration Server’s load and event log.',
  });
}

/**
 * The records of one page. A row that is not a record cannot be read, and leaving it out would
 * bill (or alert) from a partial list: the read fails, as for a truncated answer.
 */
function pageRecords(rows: readonly KscValue[], method: string): KscParams[] {
  const records = paramsList(rows);
  if (records.length === rows.length) return records;
  throw new KmspError(`${KSC_SERVICE} answered ${method} with rows kmsp cannot read`, {
    kind: 'protocol',
    cause: `${rows.length - records.length} of the ${rows.length} rows of the page are not records`,
    remedy: 'The run was abandoned rather than working from a partial list; the next run reads it again. If it keeps happening, report it with the KSC version.',
  });
}

/** The count a GetItemsCount / GetRecordCount reply carries; a reply without one is a protocol error. */
function countOf(reply: KscParams, method: string): number {
  const total = read.number(reply, 'PxgRetVal');
  if (total === null || !Number.isInteger(total) || total < 0) throw missingOutParam(method, 'PxgRetVal');
  return total;
}

/**
 * Reads a ChunkAccessor to the end. Every one of the counted rows must arrive: an empty
 * chunk before that is a truncated answer (KmspError, kind protocol), never taken for the
 * end of the set. `what` names the set in that error. `knownTotal`: the count the call
 * that made the accessor already answered (FindHosts' PxgRetVal, §3.2), which spares a
 * GetItemsCount round trip; without it the accessor is asked.
 */
export async function readChunkAccessor(call: KscCall, accessor: string, chunkSize: number, what = 'rows', knownTotal: number | null = null): Promise<KscParams[]> {
  try {
    const total =
      knownTotal !== null && Number.isInteger(knownTotal) && knownTotal >= 0
        ? knownTotal
        : countOf(await call('ChunkAccessor.GetItemsCount', { strAccessor: accessor }, { stateful: true }), 'ChunkAccessor.GetItemsCount');
    const rows: KscParams[] = [];
    let start = 0;
    while (start < total) {
      // No more than remain: the last chunk asks for exactly the rest.
      const reply = await call('ChunkAccessor.GetItemsChunk', { strAccessor: accessor, nStart: start, nCount: Math.min(chunkSize, total - start) }, { stateful: true });
      const items = pageRecords(read.array(read.params(reply, 'pChunk') ?? {}, 'KLCSP_ITERATOR_ARRAY'), 'ChunkAccessor.GetItemsChunk');
      if (items.length === 0) throw truncated('ChunkAccessor.GetItemsChunk', what, rows.length, total);
      rows.push(...items);
      // Advance by what came back: a server may cap nCount.
      start += items.length;
      if (rows.length > MAX_ROWS) throw runaway('ChunkAccessor.GetItemsChunk');
    }
    return rows;
  } finally {
    await release(call, 'ChunkAccessor.Release', { strAccessor: accessor });
  }
}

/**
 * GetNextItems is not repeated after a lost reply (it moves the iterator on), so the HTTP layer
 * reports it as a request whose outcome is unknown, in the words of a write: "the change may or
 * may not have been made, check before trying again". Nothing is changed by a read; what is lost
 * is the page, so the list cannot be completed and the next run reads it again.
 */
function lostPage(error: unknown): unknown {
  if (!isKmspError(error) || !error.outcomeUnknown) return error;
  return new KmspError(`${KSC_SERVICE}: the answer to GroupSyncIterator.GetNextItems was lost, so the list could not be read to the end`, {
    kind: 'network',
    // The transport's own words ("timed out after …", "ECONNRESET: …"), not its write-minded message.
    cause: error.why ?? error.message,
    remedy:
      'Nothing was changed in KSC: kmsp only reads. The result set moved past a page kmsp did not receive, so the run stops rather than work from a partial list; the next run reads it again. If it keeps happening, check the network path and the Administration Server’s load.',
    ...(error.code !== undefined ? { code: error.code } : {}),
  });
}

/** Most items asked for in one GetNextItems when the count is known (a page of the whole set). */
export const MAX_SYNC_PAGE = 5_000;
/** Items per GetNextItems when neither a page size is set nor the count known. */
export const DEFAULT_SYNC_PAGE = 100;

/**
 * Reads a GroupSyncIterator to bEOF. `pageSize`: items per GetNextItems; null asks for the
 * whole `count` the call that made the iterator announced (lKeyCount of EnumKeys /
 * AcquireKeyHosts, §3.4) in one page, up to MAX_SYNC_PAGE. The count sizes the page only:
 * bEOF alone says where the set ends (a count of 0 is not trusted to mean an empty set — a
 * key's hosts left unread would go unbilled).
 */
export async function readGroupSyncIterator(call: KscCall, iterator: string, pageSize: number | null, count: number | null = null): Promise<KscParams[]> {
  const known = count !== null && Number.isInteger(count) && count > 0 ? count : null;
  const size = pageSize ?? (known !== null ? Math.min(known, MAX_SYNC_PAGE) : DEFAULT_SYNC_PAGE);
  try {
    const rows: KscParams[] = [];
    let emptyPages = 0;
    for (;;) {
      const reply = await call('GroupSyncIterator.GetNextItems', { szwIterator: iterator, nCount: size }, { stateful: true }).catch((error: unknown) => {
        throw lostPage(error);
      });
      const items = pageRecords(read.array(read.params(reply, 'pData') ?? {}, 'KLCSP_ITERATOR_ARRAY'), 'GroupSyncIterator.GetNextItems');
      rows.push(...items);
      // The official sample processes the page, then stops when bEOF is true (§3.4 [K]).
      if (read.boolean(reply, 'bEOF') === true) return rows;
      emptyPages = items.length === 0 ? emptyPages + 1 : 0;
      if (emptyPages > 3 || rows.length > MAX_ROWS) throw runaway('GroupSyncIterator.GetNextItems');
    }
  } finally {
    await release(call, 'GroupSyncIterator.ReleaseIterator', { szwIterator: iterator });
  }
}

/**
 * Reads an event iterator to the end; null, without reading a row, when `unchanged` says the
 * count (GetRecordCount) shows nothing new. Released either way.
 */
export async function readEventIterator(call: KscCall, iterator: string, step: number, unchanged?: (total: number) => boolean): Promise<KscParams[] | null> {
  const size = Math.max(1, Math.min(step, MAX_EVENT_STEP));
  try {
    const total = countOf(await call('EventProcessing.GetRecordCount', { strIteratorId: iterator }, { stateful: true }), 'EventProcessing.GetRecordCount');
    if (unchanged?.(total)) return null;
    const rows: KscParams[] = [];
    let start = 0;
    while (start < total) {
      // nEnd is inclusive (§3.5 [K] SrvView sample: (iStart, iStart+step), then iStart += step+1).
      const end = Math.min(start + size - 1, total - 1);
      const reply = await call('EventProcessing.GetRecordRange', { strIteratorId: iterator, nStart: start, nEnd: end }, { stateful: true });
      const items = pageRecords(read.array(read.params(reply, 'pParamsEvents') ?? {}, 'KLEVP_EVENT_RANGE_ARRAY'), 'EventProcessing.GetRecordRange');
      // As for hosts: an empty range before the count is a truncated answer, not the end.
      if (items.length === 0) throw truncated('EventProcessing.GetRecordRange', 'events', rows.length, total);
      rows.push(...items);
      start += items.length;
      if (rows.length > MAX_ROWS) throw runaway('EventProcessing.GetRecordRange');
    }
    return rows;
  } finally {
    await release(call, 'EventProcessing.ReleaseIterator', { strIteratorId: iterator });
  }
}
