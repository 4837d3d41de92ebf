// The TSI signature against the worked test vector (made-up keys, a fixed date), and the
// pieces that make it up: the RFC 1123 date, the lower-cased string to sign, the token.
import { describe, expect, it } from 'vitest';
import { readAuthorization, signRequest, stringToSign, tsiDate, tsiSignature, tsiToken } from '../../source/connectors/tigerpaw/signature.js';

const KEYS = { publicKey: '11111111-2222-3333-4444-555555555555', privateKey: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' };
const AT = new Date(Date.UTC(2015, 5, 18, 8, 33, 51));
const SIG = '08RBrGbRI+SjVmxM9sbYMD5nH4P8TPI5poeq5UaUhIQ=';
const TOKEN = 'MTExMTExMTEtMjIyMi0zMzMzLTQ0NDQtNTU1NTU1NTU1NTU1OjA4UkJyR2JSSStTalZteE05c2JZTUQ1bkg0UDhUUEk1cG9lcTVVYVVoSVE9';

describe('TSI signature', () => {
  it('formats the date as RFC 1123 in UTC', () => {
    expect(tsiDate(AT)).toBe('Thu, 18 Jun 2015 08:33:51 GMT');
  });

  it('lower-cases METHOD|path|date', () => {
    expect(stringToSign('GET', '/api/accounts/407555', 'Thu, 18 Jun 2015 08:33:51 GMT')).toBe('get|/api/accounts/407555|thu, 18 jun 2015 08:33:51 gmt');
  });

  it('matches the test vector: signature and token', () => {
    const sig = tsiSignature(KEYS.privateKey, 'GET', '/api/accounts/407555', tsiDate(AT));
    expect(sig).toBe(SIG);
    expect(tsiToken(KEYS.publicKey, sig)).toBe(TOKEN);
  });

  it('signs the path only: the query string and the case of the path do not change it', () => {
    const headers = signRequest(KEYS, 'GET', new URL('https://api.example.test/api/accounts/407555?activeOnly=false'), AT);
    expect(headers).toEqual({ Authorization: `TSI ${TOKEN}`, 'X-TSI-Date': 'Thu, 18 Jun 2015 08:33:51 GMT' });
    expect(signRequest(KEYS, 'get', new URL('https://api.example.test/API/Accounts/407555'), AT).Authorization).toBe(`TSI ${TOKEN}`);
  });

  it('reads the public key and signature back from the header', () => {
    expect(readAuthorization(`TSI ${TOKEN}`)).toEqual({ publicKey: KEYS.publicKey, signature: SIG });
    expect(readAuthorization('Basic abc')).toBeNull();
    expect(readAuthorization(undefined)).toBeNull();
  });
});
