// The checks health notifications watch, and their words: a module of its own so `kmsp status`
// can name a failing check without loading the health rules (and the ticket schema they use).
export type HealthCheck = 'billing' | 'tickets' | 'credentials';

export const CHECK_WORDS: Record<HealthCheck, string> = {
  billing: 'billing run failed or ended partial',
  tickets: 'ticket passes keep failing',
  credentials: 'credentials rejected',
};
