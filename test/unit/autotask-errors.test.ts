// Mapping of Autotask failure answers to KmspError kinds (errors.ts).
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../source/connectors/http.js';
import { Redactor } from '../../source/connectors/redact.js';
import { errorMessages, isThreadLimit, responseError } from '../../source/connectors/autotask/errors.js';

const res = (status: number, body: unknown): HttpResponse => ({ status, headers: {}, text: typeof body === 'string' ? body : JSON.stringify(body), url: 'https://x/' });
const ctx = { action: 'list companies', redactor: new Redactor(['top-secret-value']), username: 'api@msp.example', impersonating: false };

describe('responseError', () => {
  it.each([
    [500, { errors: ['IntegrationCode is invalid.'] }, 'auth'],
    [500, { errors: ['Zone information could not be determined'] }, 'auth'],
    [401, { Message: 'Authorization has been denied for this request.' }, 'auth'],
    [500, { errors: ['The logged in Resource does not have the adequate permissions to see this.'] }, 'permission'],
    [403, '', 'permission'],
    [404, { Message: 'No HTTP resource' }, 'not-found'],
    [500, { errors: ['Unable to find projectID in the TimeEntry Entity'] }, 'vendor'],
    [502, '<html>bad gateway</html>', 'vendor'],
    [405, { Message: "The requested resource does not support http method 'GET'." }, 'vendor'],
    [400, '', 'protocol'],
  ] as const)('HTTP %s %j → %s', (status, body, kind) => {
    expect(responseError(res(status, body), ctx).kind).toBe(kind);
  });

  it('keeps every Autotask message, secrets masked', () => {
    const e = responseError(res(500, { errors: ['First problem', 'Second with top-secret-value'] }), ctx);
    expect(e.message).toBe('Autotask refused to list companies: First problem');
    expect(e.why).toBe('First problem; Second with ***');
    expect(e.code).toBe(500);
  });

  it('points an unknown user at the username', () => {
    const e = responseError(res(500, { errors: ['Zone information could not be determined'] }), ctx);
    expect(e.message).toContain('api@msp.example');
    expect(e.remedy).toMatch(/username/);
  });
});

describe('isThreadLimit and errorMessages', () => {
  it('recognises Itgenatr005 in any failing status, never in a 200', () => {
    expect(isThreadLimit(res(500, { errors: ['Itgenatr005 - thread threshold exceeded'] }))).toBe(true);
    expect(isThreadLimit(res(429, { errors: ['The Autotask API thread threshold of 3 threads has been exceeded'] }))).toBe(true);
    expect(isThreadLimit(res(200, { item: { description: 'thread threshold of 3 threads has been exceeded' } }))).toBe(false);
    expect(isThreadLimit(res(500, { errors: ['Something else'] }))).toBe(false);
  });

  it('reads errors arrays and framework messages, and survives non-JSON', () => {
    expect(errorMessages('{"errors":["a","b"]}')).toEqual(['a', 'b']);
    expect(errorMessages('{"Message":"m"}')).toEqual(['m']);
    expect(errorMessages('<html/>')).toEqual([]);
  });
});
