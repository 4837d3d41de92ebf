// Mapping of Autotask failure answers to KmspError kinds (errors.ts).
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../source/connectors/http.js';
import { Redactor } from '../../source/connectors/redact.js';
import { errorMessages, isKnownRefusal, isRouteNotFound, isThreadLimit, responseError } from '../../source/connectors/autotask/errors.js';

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
    [404, { errors: ['No matching records found.'] }, 'not-found'],
    [404, '', 'not-found'],
    [404, { Message: "No HTTP resource was found that matches the request URI 'https://x/ATServicesRest/V1.0/V1.0/Companies/query'." }, 'config'],
    [404, '<html><body>404 - File or directory not found.</body></html>', 'config'],
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

  it('a 5xx without Autotask\'s {"errors":[…]} is server trouble, not a refusal naming something to correct', () => {
    const e = responseError(res(500, { error: 'Internal Server Error' }), ctx);
    expect(e.message).toBe('Autotask refused to list companies: HTTP 500');
    expect(e.why).toMatch(/"Internal Server Error", a server failure/);
    expect(e.remedy).toMatch(/having trouble/);
    // Autotask's own errors array keeps its words and the remedy to correct them.
    expect(responseError(res(500, { errors: ['Internal Server Error'] }), ctx).remedy).toMatch(/^Correct what Autotask names/);
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

describe('writes whose outcome is unknown', () => {
  const unknown = (status: number, body: unknown): HttpResponse => ({ ...res(status, body), outcomeUnknown: true });
  const write = { ...ctx, action: 'post +5 units of service 7 to contract 9', check: 'Look at contract 9, service 7.' };

  it('says the write may or may not have happened, and what to check, whatever the body', () => {
    for (const r of [unknown(503, { errors: ['Service Unavailable'] }), unknown(502, '<html>Bad gateway</html>'), unknown(500, '')]) {
      const e = responseError(r, write);
      expect(e.outcomeUnknown).toBe(true);
      expect(e.message).toBe('It is unknown whether Autotask managed to post +5 units of service 7 to contract 9');
      expect(e.remedy).toMatch(/may or may not have been made in Autotask/);
      expect(e.remedy).toMatch(/Look at contract 9, service 7\.$/);
      expect(e.remedy).not.toMatch(/Correct what Autotask names|retry later/i);
      expect(e.code).toBe(r.status);
    }
  });

  it('recognises the refusals Autotask is known to give, and nothing else', () => {
    expect(isKnownRefusal(res(500, { errors: ['The effective date 2027-02-01 is outside the contract period (2026-01-01 to 2026-12-31).'] }))).toBe(true);
    expect(isKnownRefusal(res(500, { errors: ['Unable to find projectID in the TimeEntry Entity'] }))).toBe(true);
    expect(isKnownRefusal(res(500, { errors: ['IntegrationCode is invalid.'] }))).toBe(true);
    expect(isKnownRefusal(res(500, { errors: ['An unexpected error occurred on the server.'] }))).toBe(false);
    expect(isKnownRefusal(res(503, { errors: ['Service Unavailable'] }))).toBe(false);
    expect(isKnownRefusal(res(502, '<html>is required</html>'))).toBe(false);
    expect(isKnownRefusal(res(200, { errors: ['is required'] }))).toBe(false);
  });

  it('tells a route-level 404 from a record-level one', () => {
    expect(isRouteNotFound(res(404, { Message: 'No HTTP resource was found that matches the request URI' }))).toBe(true);
    expect(isRouteNotFound(res(404, 'Not Found'))).toBe(true);
    expect(isRouteNotFound(res(404, { item: null }))).toBe(false);
    expect(isRouteNotFound(res(404, { errors: ['No HTTP resource was found'] }))).toBe(false);
    expect(isRouteNotFound(res(404, ''))).toBe(false);
    expect(isRouteNotFound(res(500, 'Not Found'))).toBe(false);
  });
});
