// Query bodies and paging of the Autotask connector, without HTTP: queryAll takes
// the page poster as a function, so its rules are checked on their own here.
import { describe, expect, it } from 'vitest';
import { KmspError } from '../../source/domain/errors.js';
import { buildQuery, q, queryAll, type QueryBody } from '../../source/connectors/autotask/query.js';

describe('buildQuery', () => {
  it('always has a filter: the documented match-all when none is given', () => {
    expect(buildQuery([])).toEqual({ MaxRecords: 500, filter: [{ op: 'gte', field: 'id', value: 0 }] });
  });

  it('puts id first among IncludeFields (required beyond one page)', () => {
    expect(buildQuery([q.all()], ['name', 'isActive']).IncludeFields).toEqual(['id', 'name', 'isActive']);
    expect(buildQuery([q.all()], ['name', 'id']).IncludeFields).toEqual(['name', 'id']);
  });

  it('builds nested groups with the documented operators', () => {
    const body = buildQuery([q.eq('isActive', true), q.or(q.beginsWith('companyName', 'Acme'), q.in('companyType', [1, 3])), q.udf('eq', 'Kaspersky Tenant', 'x')]);
    expect(body.filter).toEqual([
      { op: 'eq', field: 'isActive', value: true },
      { op: 'or', items: [{ op: 'beginsWith', field: 'companyName', value: 'Acme' }, { op: 'in', field: 'companyType', value: [1, 3] }] },
      { op: 'eq', field: 'Kaspersky Tenant', value: 'x', udf: true },
    ]);
    expect(buildQuery([q.exist('webAddress'), q.notExist('phone'), q.notIn('id', [1])]).filter).toHaveLength(3);
  });

  it('refuses what Autotask would refuse or misread', () => {
    expect(() => buildQuery([q.udf('eq', 'A', 'x'), q.udf('eq', 'B', 'y')])).toThrow(/more than one UDF/);
    expect(() => buildQuery([q.in('id', [])])).toThrow(/non-empty list/);
    expect(() => buildQuery([q.or()])).toThrow(/empty "or" group/);
    expect(() => buildQuery([{ op: 'eq', field: 'x', value: null as never }])).toThrow(/single value/);
    expect(() => buildQuery([{ op: 'exist', field: 'x', value: 1 }])).toThrow(/takes no value/);
    expect(() => buildQuery([q.all()], undefined, 501)).toThrow(/MaxRecords/);
    expect(() => buildQuery([q.or(...Array.from({ length: 501 }, (_, i) => q.eq('id', i)))])).toThrow(/500 OR/);
  });
});

describe('queryAll', () => {
  const body: QueryBody = { MaxRecords: 2, filter: [q.all()] };
  const base = 'https://webservices3.autotask.net/ATServicesRest/V1.0/Companies/query';

  it('follows nextPageUrl until null, re-sending the body', async () => {
    const calls: Array<[string, unknown]> = [];
    const pages: Record<string, unknown> = {
      [base]: { items: [{ id: 1 }, { id: 2 }], pageDetails: { nextPageUrl: `${base}/next?paging=a` } },
      [`${base}/next?paging=a`]: { items: [{ id: 3 }], pageDetails: { nextPageUrl: null } },
    };
    const rows = await queryAll(
      async (url, b) => {
        calls.push([url, b]);
        return pages[url];
      },
      base,
      body,
      'list companies',
    );
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(calls).toEqual([
      [base, body],
      [`${base}/next?paging=a`, body],
    ]);
  });

  it('never sends credentials to another host', async () => {
    const post = async () => ({ items: [], pageDetails: { nextPageUrl: 'https://evil.example/next' } });
    await expect(queryAll(post, base, body, 'x')).rejects.toMatchObject({ kind: 'protocol', message: expect.stringMatching(/another host/) });
  });

  it('stops on a repeated next link and on answers without items', async () => {
    const loop = async () => ({ items: [], pageDetails: { nextPageUrl: `${base}/next?paging=same` } });
    await expect(queryAll(loop, base, body, 'x')).rejects.toMatchObject({ kind: 'protocol', message: expect.stringMatching(/repeated/) });
    const error = await queryAll(async () => ({ records: [] }), base, body, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KmspError);
    expect((error as KmspError).kind).toBe('protocol');
  });
});
