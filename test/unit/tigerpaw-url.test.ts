// The Tigerpaw REST API URL kmsp accepts (connectors/tigerpaw/client.ts checkApiUrl): https, or
// plain http on loopback only (connectors/tigerpaw/README.md §1.1).
import { describe, expect, it } from 'vitest';
import { checkApiUrl } from '../../source/connectors/tigerpaw/client.js';
import { isLoopbackHost } from '../../source/connectors/http.js';

describe('the Tigerpaw REST API URL', () => {
  it('keeps an https host and its path prefix, without a trailing / or /api', () => {
    expect(checkApiUrl('https://api.example-msp.com/')).toBe('https://api.example-msp.com');
    expect(checkApiUrl(' https://tp.example-msp.com/tigerpaw/api ')).toBe('https://tp.example-msp.com/tigerpaw');
  });

  it('takes plain http only on loopback, where the simulator runs', () => {
    expect(checkApiUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(checkApiUrl('http://localhost:8080/api')).toBe('http://localhost:8080');
    expect(() => checkApiUrl('http://tigerpaw.corp.local')).toThrow(/plain http/);
    try {
      checkApiUrl('http://10.0.0.5');
    } catch (error) {
      expect(error).toMatchObject({ kind: 'config', remedy: expect.stringContaining('https binding in IIS') });
    }
    expect(() => checkApiUrl('ftp://tigerpaw.corp.local')).toThrow(/must be an https address/);
    expect(() => checkApiUrl('tigerpaw.corp.local')).toThrow(/not a URL/);
  });

  it('loopback hosts: one rule for every connector', () => {
    expect(['localhost', '127.0.0.1', '127.9.9.9', '[::1]', '::1', 'localhost.'].every(isLoopbackHost)).toBe(true);
    expect(['127.0.0.256', '1.127.0.0', 'example.com', '0.0.0.0', 'localhost.example.com', 'kmsp.localhost'].some(isLoopbackHost)).toBe(false);
  });
});
