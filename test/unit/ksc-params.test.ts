// The KLOAPI typed-params codec against the examples of connectors/ksc/README.md §2.
import { describe, expect, it } from 'vitest';
import {
  decodeParams,
  decodeValue,
  encodeArgs,
  encodeInContainer,
  formatKscDateTime,
  kscBinary,
  kscDate,
  kscDateTime,
  kscDouble,
  kscFloat,
  kscLong,
  parseKscDateTime,
  parseKscJson,
} from '../../source/connectors/ksc/params.js';

describe('decoding', () => {
  it('unwraps every wrapper type inside containers', () => {
    const decoded = decodeParams({
      KLHST_WKS_LAST_VISIBLE: { type: 'datetime', value: '2021-03-23T08:55:52Z' },
      KLHST_WKS_VIRUS_COUNT: { type: 'long', value: 12 },
      day: { type: 'date', value: '2016-09-19' },
      blob: { type: 'binary', value: Buffer.from('hi').toString('base64') },
      f: { type: 'float', value: 1.5 },
      d: { type: 'double', value: 2.25 },
      nested: { type: 'params', value: { inner: { type: 'long', value: 7 }, text: 'x' } },
      KLHST_WKS_CTYPE: 36871,
      flag: true,
      name: 'WIN-01',
    });
    expect(decoded.KLHST_WKS_LAST_VISIBLE).toEqual(new Date('2021-03-23T08:55:52Z'));
    expect(decoded.KLHST_WKS_VIRUS_COUNT).toBe(12);
    expect(decoded.day).toBe('2016-09-19');
    expect(Buffer.from(decoded.blob as Uint8Array).toString()).toBe('hi');
    expect(decoded.f).toBe(1.5);
    expect(decoded.d).toBe(2.25);
    expect(decoded.nested).toEqual({ inner: 7, text: 'x' });
    expect(decoded.KLHST_WKS_CTYPE).toBe(36871);
    expect(decoded.flag).toBe(true);
    expect(decoded.name).toBe('WIN-01');
  });

  it('recurses through arrays of wrapped params and keeps null elements', () => {
    const decoded = decodeValue([{ type: 'params', value: { KLVSRV_DN: 'Acme', KLVSRV_CREATED: { type: 'datetime', value: '2020-01-02T03:04:05Z' } } }, null, 5]);
    expect(decoded).toEqual([{ KLVSRV_DN: 'Acme', KLVSRV_CREATED: new Date('2020-01-02T03:04:05Z') }, null, 5]);
  });

  it('treats an empty datetime as null and leaves ordinary objects with type/value members alone', () => {
    expect(decodeValue({ type: 'datetime', value: '' })).toBeNull();
    expect(decodeValue({ type: 'string', value: 'x' })).toEqual({ type: 'string', value: 'x' });
    expect(decodeValue({ type: 'long', value: 1, extra: 2 })).toEqual({ type: 'long', value: 1, extra: 2 });
  });

  it('keeps 64-bit longs exact through parseKscJson', () => {
    const text = '{"PxgRetVal":{"a":{"type":"long","value":9223372036854775807},"b":{"value":-9007199254740993,"type":"long"},"c":{"type":"long","value":42},"s":"{\\"type\\":\\"long\\",\\"value\\":12345678901234567890}"}}';
    const decoded = decodeParams(parseKscJson(text));
    const ret = decoded.PxgRetVal as Record<string, unknown>;
    expect(ret.a).toBe(9223372036854775807n);
    expect(ret.b).toBe(-9007199254740993n);
    expect(ret.c).toBe(42);
    // A look-alike inside a string is text, not a long.
    expect(ret.s).toBe('{"type":"long","value":12345678901234567890}');
  });

  it('parses KSC datetimes as UTC and rejects garbage', () => {
    expect(parseKscDateTime('2016-09-19T15:22:35Z')).toEqual(new Date(Date.UTC(2016, 8, 19, 15, 22, 35)));
    expect(parseKscDateTime('2016-09-19T15:22:35')).toEqual(new Date(Date.UTC(2016, 8, 19, 15, 22, 35)));
    expect(parseKscDateTime('yesterday')).toBeNull();
  });
});

describe('encoding', () => {
  const when = new Date('2024-05-06T07:08:09.123Z');

  it('sends a top-level Date as a plain string and a nested one as a datetime wrapper', () => {
    const wire = encodeArgs({ dt: when, pFilter: { KLEVP_EVENT_RISE_TIME_LEAST: when } });
    expect(wire.dt).toBe('2024-05-06T07:08:09Z');
    expect(wire.pFilter).toEqual({ KLEVP_EVENT_RISE_TIME_LEAST: { type: 'datetime', value: '2024-05-06T07:08:09Z' } });
  });

  it('wraps params elements of a top-level array (vecFieldsToOrder) and keeps the top-level params bare', () => {
    const wire = encodeArgs({
      wstrFilter: '(KLHST_WKS_STATUS_ID <> 0)',
      vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
      vecFieldsToOrder: [{ Name: 'KLHST_WKS_DN', Asc: true }],
      pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true, nested: { a: 1 } },
      lMaxLifeTime: 600,
    });
    expect(wire).toEqual({
      wstrFilter: '(KLHST_WKS_STATUS_ID <> 0)',
      vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
      vecFieldsToOrder: [{ type: 'params', value: { Name: 'KLHST_WKS_DN', Asc: true } }],
      pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true, nested: { type: 'params', value: { a: 1 } } },
      lMaxLifeTime: 600,
    });
  });

  it('wraps longs only inside containers, explicitly or when wider than 32 bits', () => {
    const wire = encodeArgs({ top: kscLong(5), big: 2 ** 40, p: { explicit: kscLong(5), wide: 2 ** 40, int: 7, frac: 0.5, neg: -(2 ** 31) } });
    expect(wire.top).toBe(5);
    expect(wire.big).toBe(2 ** 40);
    expect(wire.p).toEqual({
      explicit: { type: 'long', value: 5 },
      wide: { type: 'long', value: 2 ** 40 },
      int: 7,
      frac: { type: 'double', value: 0.5 },
      neg: -(2 ** 31),
    });
  });

  it('encodes the other explicit types in both positions', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(encodeArgs({ a: kscDateTime(when), b: kscDate('2024-05-06'), c: kscBinary(bytes), d: kscFloat(1.5), e: kscDouble(2.5), f: bytes })).toEqual({
      a: '2024-05-06T07:08:09Z',
      b: '2024-05-06',
      c: 'AQID',
      d: 1.5,
      e: 2.5,
      f: 'AQID',
    });
    expect(encodeInContainer([kscDate('2024-05-06'), bytes, null, kscFloat(1.5)])).toEqual([
      { type: 'date', value: '2024-05-06' },
      { type: 'binary', value: 'AQID' },
      null,
      { type: 'float', value: 1.5 },
    ]);
  });

  it('omits undefined members and refuses what it cannot encode exactly', () => {
    expect(encodeArgs({ a: undefined, b: null })).toEqual({ b: null });
    expect(() => kscLong(2 ** 60)).toThrow(RangeError);
    expect(() => kscDate('6 May')).toThrow(RangeError);
    expect(() => encodeArgs({ x: Number.NaN })).toThrow(RangeError);
    expect(() => encodeArgs({ x: new Map() })).toThrow(TypeError);
    expect(() => formatKscDateTime(new Date('nope'))).toThrow(RangeError);
  });

  it('round-trips a container through encode and decode', () => {
    const original = { when, count: kscLong(9_000_000_000), name: 'x', list: [{ a: when }], ok: false };
    const decoded = decodeValue(encodeInContainer(original));
    expect(decoded).toEqual({ when: new Date('2024-05-06T07:08:09Z'), count: 9_000_000_000, name: 'x', list: [{ a: new Date('2024-05-06T07:08:09Z') }], ok: false });
  });
});
