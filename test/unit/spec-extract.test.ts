// The spec extractor keeps what the conformance checks need from Swagger 2.0 and OpenAPI 3
// documents, and the repository stands alone: nothing tracked points outside it.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { extractFileName, extractSpec, formatExtract, parseVendorJson } from '../../source/tools/specExtract.js';

const swagger2 = {
  swagger: '2.0',
  info: { title: 'PSA', version: 'v1' },
  basePath: '/Rest',
  paths: {
    '/V1.0/Tickets': {
      post: {
        parameters: [
          { name: 'model', in: 'body', schema: { $ref: '#/definitions/TicketModel' } },
          { name: 'Secret', in: 'header' },
        ],
        responses: { '200': { schema: { $ref: '#/definitions/ItemId' } } },
      },
    },
    '/V1.0/Tickets/{id}': { get: { parameters: [{ name: 'fields', in: 'query' }], responses: { '200': { schema: { $ref: '#/definitions/TicketModel' } } } } },
  },
  definitions: {
    TicketModel: { required: ['Title'], properties: { Id: { type: 'integer' }, Title: { type: 'string', maxLength: 255 }, Status: { type: 'integer', enum: [1, 5] } } },
    ItemId: { properties: { itemId: { type: 'integer', readOnly: true } } },
  },
};

const openapi3 = {
  openapi: '3.0.1',
  info: { title: 'Manage', version: '2026.4' },
  servers: [{ url: 'https://na.example.net/v4_6_release/apis/3.0/' }],
  paths: {
    '/company/companies': {
      parameters: [{ name: 'clientId', in: 'header' }],
      get: {
        parameters: [{ name: 'conditions', in: 'query' }, { name: 'page', in: 'query' }],
        responses: { '200': { content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Company' } } } } } },
      },
    },
  },
  components: { schemas: { Company: { properties: { id: { type: 'integer' }, site: { $ref: '#/components/schemas/SiteRef' }, tags: { type: 'array', items: { $ref: '#/components/schemas/Tag' } } } } } },
};

describe('extractSpec', () => {
  it('Swagger 2.0: paths, query parameters, body and answer models, properties with their constraints', () => {
    const text = JSON.stringify(swagger2);
    const x = extractSpec(swagger2, 'psa.swagger.json', text);
    expect(x.source).toMatchObject({ file: 'psa.swagger.json', format: 'Swagger 2.0', title: 'PSA', version: 'v1' });
    expect(x.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(x.basePath).toBe('/Rest');
    expect(x.paths['/V1.0/Tickets']).toEqual({ post: { query: [], body: 'TicketModel', response: 'ItemId' } });
    expect(x.paths['/V1.0/Tickets/{id}']).toEqual({ get: { query: ['fields'], response: 'TicketModel' } });
    expect(x.models.TicketModel).toEqual({
      required: ['Title'],
      properties: { Id: { type: 'integer' }, Title: { type: 'string', maxLength: 255 }, Status: { type: 'integer', enum: [1, 5] } },
    });
    expect(x.models.ItemId!.properties.itemId).toEqual({ type: 'integer', readOnly: true });
  });

  it('OpenAPI 3: base path from the server URL, path-level parameters, array answers, references', () => {
    const x = extractSpec(openapi3, 'manage.openapi.json', JSON.stringify(openapi3));
    expect(x.source.format).toBe('OpenAPI 3.0.1');
    expect(x.basePath).toBe('/v4_6_release/apis/3.0');
    expect(x.paths['/company/companies']).toEqual({ get: { query: ['conditions', 'page'], response: 'Company', responseIsArray: true } });
    expect(x.models.Company!.properties).toEqual({ id: { type: 'integer' }, site: { ref: 'SiteRef' }, tags: { type: 'array', items: 'Tag' } });
  });

  it('refuses a document that is neither, and round-trips through its file format', () => {
    expect(() => extractSpec({ info: {} }, 'x.json', '{}')).toThrow(/neither a Swagger 2.0 nor an OpenAPI 3 document/);
    const x = extractSpec(swagger2, 'psa.swagger.json', '');
    expect(JSON.parse(formatExtract(x))).toEqual(x);
    expect(extractFileName('/tmp/autotask-rest-v1.swagger.json')).toBe('autotask-rest-v1.extract.json');
    expect(extractFileName('connectwise-manage-get-subset.openapi.json')).toBe('connectwise-manage-get-subset.extract.json');
  });

  it('reads vendor JSON with a BOM and raw control characters inside strings', () => {
    expect(parseVendorJson('\uFEFF{"a":"line1\nline2\tx"}')).toEqual({ a: 'line1\nline2\tx' });
    expect(() => parseVendorJson('{"a":')).toThrow();
  });
});

describe('the repository stands alone', () => {
  it('no tracked file refers to documents outside the repository', () => {
    const root = new URL('../../', import.meta.url);
    // git grep exits 1 when nothing matches: that is the passing case.
    let hits = '';
    try {
      hits = execFileSync('git', ['grep', '-n', '-I', '-E', String.raw`\.\./shared/|/work/shared`, '--', '.', ':!test/unit/spec-extract.test.ts'], { cwd: root, encoding: 'utf8' });
    } catch (error) {
      if ((error as { status?: number }).status !== 1) throw error;
    }
    expect(hits, 'tracked files that point at documents beside the repository, which a clone does not have').toBe('');
  });
});
