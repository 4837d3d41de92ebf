// The committed demo dataset is exactly what its generator produces (no hand edits,
// no drift), and it covers what the demo promises.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateKscDemoFixture, KSC_DEMO_USER, summarizeDemoFixture, type DemoCustomer } from '../../source/simulators/ksc/demoFixture.js';
import type { KscFixture } from '../../source/simulators/ksc/fixture.js';
import { fixturesPath } from '../../source/simulators/server.js';

const customers = (JSON.parse(readFileSync(fixturesPath('demo', 'customers.json'), 'utf8')) as { customers: DemoCustomer[] }).customers;
const committed = JSON.parse(readFileSync(fixturesPath('demo', 'ksc.json'), 'utf8')) as KscFixture;

describe('KSC demo fixture', () => {
  it('is what the generator writes (regenerate: npm run build && node dist/simulators/ksc/writeDemoFixture.js)', () => {
    expect(committed).toEqual(generateKscDemoFixture(customers));
  });

  it('is deterministic and seed-dependent', () => {
    expect(generateKscDemoFixture(customers)).toEqual(generateKscDemoFixture(customers));
    expect(generateKscDemoFixture(customers, 1)).not.toEqual(generateKscDemoFixture(customers));
  });

  it('has one virtual server per customer tenant with its device count, and the demo user first', () => {
    const tenants = customers.filter((c) => c.tenant);
    expect(committed.users[0]).toEqual(KSC_DEMO_USER);
    expect(committed.vservers.map((v) => v.dn)).toEqual(tenants.map((c) => c.tenant));
    expect(committed.vservers.map((v) => v.devices?.length)).toEqual(tenants.map((c) => c.devices));
    expect(new Set(committed.vservers.map((v) => v.uid)).size).toBe(tenants.length);
  });

  it('covers every device kind, key type and event severity', () => {
    const s = summarizeDemoFixture(committed);
    for (const kind of ['windows-workstation', 'windows-server', 'linux', 'macos', 'android', 'ios']) expect(s.devices[kind], kind).toBeGreaterThan(0);
    for (const type of ['commercial', 'beta', 'trial', 'test', 'oem', 'subscription', 'expired', 'subscription-active', 'subscription-paused']) expect(s.keys[type], type).toBeGreaterThan(0);
    for (const severity of ['critical', 'functional-failure', 'warning', 'info']) expect(s.events[severity], severity).toBeGreaterThan(0);
    expect(s.devices['windows-workstation']).toBeGreaterThan(s.devices['windows-server']!);
  });

  it('uses only relative times, so the demo stays current', () => {
    const text = JSON.stringify(committed);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });
});
