// The console's session reads what the first screen shows while the UI loads (readAhead): the
// screen's loads find those reads in the cache, and a refused sign-in is tried once, not once for
// the read-ahead and again for the screen. Against the demo simulators, for two PSAs.
import { describe, expect, it } from 'vitest';
import { psaSecrets } from '../../source/domain/secretNames.js';
import { useDemoConsole } from '../helpers/demo-ui.js';

for (const psa of ['autotask', 'tigerpaw'] as const) {
  describe(`readAhead, KSC × ${psa}`, () => {
    const env = useDemoConsole(`kmsp-read-ahead-${psa}-`, { psa });
    const psaRequests = () => env.demo.psa.requests.filter((r) => !r.path.startsWith('/_sim')).length;
    const platformRequests = () => env.demo.platform.requests.filter((r) => !r.path.startsWith('/_sim')).length;

    it("the screen's first loads are the read-ahead's: no request of their own", async () => {
      const session = env.openSession(env.freshDir());
      env.demo.psa.clearRequests();
      env.demo.platform.clearRequests();
      await session.readAhead('demo');
      const ahead = await Promise.all([session.tenants('demo'), session.accounts('demo'), session.contracts('demo')]);
      const counts = [platformRequests(), psaRequests()];
      expect(counts[0]).toBeGreaterThan(0);
      expect(counts[1]).toBeGreaterThan(0);
      expect(ahead[0].length).toBeGreaterThan(0);
      expect(ahead[1].length).toBeGreaterThan(0);
      // Asked again, as the screen does: the same answers, nothing more sent.
      expect(await session.tenants('demo')).toBe(ahead[0]);
      expect(await session.accounts('demo')).toBe(ahead[1]);
      expect([platformRequests(), psaRequests()]).toEqual(counts);
    });

    it('a refused read-ahead is what the screen first sees (no second sign-in); the next look tries again', async () => {
      const session = env.openSession(env.freshDir());
      const integration = session.integration('demo')!;
      // Every secret of the PSA wrong: whichever it checks, the sign-in is refused.
      for (const secret of psaSecrets(integration)) await session.setSecret(secret.name, 'wrong-' + secret.part);
      env.demo.psa.clearRequests();
      await session.readAhead('demo');
      const afterAhead = psaRequests();
      expect(afterAhead).toBeGreaterThan(0);
      // The screen asks after the read-ahead failed: it gets that failure, nothing is sent.
      const screen = await session.accounts('demo').then(() => null, (error: unknown) => error);
      expect(screen).toBeInstanceOf(Error);
      expect(String(screen)).toMatch(/refused|password|credential|secret|401|403/iu);
      expect(psaRequests()).toBe(afterAhead);
      // A reload (the admin pressed r, or fixed the secret) asks the PSA again.
      await session.accounts('demo').catch(() => undefined);
      expect(psaRequests()).toBeGreaterThan(afterAhead);
    });
  });
}
