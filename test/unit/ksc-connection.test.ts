// Connection settings refused before any request (S7, KSCBasic domain).
import { describe, expect, it } from 'vitest';
import { checkDomain, checkKscUrl, isLoopbackHost } from '../../source/connectors/ksc/connection.js';
import { KmspError } from '../../source/domain/errors.js';

function refusal(fn: () => unknown): KmspError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KmspError);
    return error as KmspError;
  }
  throw new Error('expected a refusal');
}

describe('KSC URL', () => {
  it.each([
    ['https://ksc.example.com:13299', true],
    ['https://10.0.0.5:13299/', true],
    ['http://127.0.0.1:13299', true],
    ['http://127.255.0.9:8080', true],
    ['http://127.1:13299', true],
    ['http://localhost:13299', true],
    ['http://LOCALHOST.:13299', true],
    ['http://[::1]:13299', true],
    ['http://ksc.example.com:13299', false],
    ['http://10.0.0.5:13299', false],
    ['http://128.0.0.1:13299', false],
    ['http://[::2]:13299', false],
    ['http://localhost.example.com:13299', false],
    ['http://127.0.0.1.example.com:13299', false],
    ['http://[::ffff:7f00:1]:13299', false],
    ['ftp://ksc.example.com', false],
    ['ksc.example.com:13299', false],
    ['', false],
  ])('%s accepted: %s', (url, accepted) => {
    if (accepted) expect(checkKscUrl(url)).toBeInstanceOf(URL);
    else expect(refusal(() => checkKscUrl(url)).kind).toBe('config');
  });

  it('names the risk and the fix, without echoing credentials in the URL', () => {
    const error = refusal(() => checkKscUrl('http://admin:hunter2@ksc.example.com:13299/'));
    expect(error.message).toBe('The Kaspersky Security Center URL http://ksc.example.com:13299 uses plain http://');
    expect(error.why).toMatch(/clear text/);
    expect(error.remedy).toMatch(/https:\/\/<server>:13299/);
    expect(error.explain()).not.toContain('hunter2');
  });

  it('isLoopbackHost', () => {
    expect(['localhost', '127.0.0.1', '127.9.9.9', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['127.0.0.256', '1.127.0.0', 'example.com', '0.0.0.0'].some(isLoopbackHost)).toBe(false);
  });
});

describe('Windows domain', () => {
  it.each(['CORP', 'corp.example.com', 'ÉCOLE', ''])('%s is sendable', (domain) => {
    expect(() => checkDomain(domain)).not.toThrow();
  });
  it.each([
    ['CO"RP', 'double quote'],
    ['CORP\\X', 'backslash'],
    ['CORP\n', 'control character'],
    ['公司', 'HTTP header'],
  ])('%s is refused (%s)', (domain, why) => {
    const error = refusal(() => checkDomain(domain));
    expect(error.kind).toBe('config');
    expect(error.why).toContain(why);
    expect(error.remedy).toMatch(/NetBIOS/);
  });
});
