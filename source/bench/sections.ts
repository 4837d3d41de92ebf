// Every benchmark section of `npm run bench`, in report order. A section measures one area
// (startup, console, billing, tickets, the agent soak, the PSA budget) for every vendor the
// registries list, and returns figures; it never asserts.
import { soakSection } from './soak.js';
import type { BenchSection } from './types.js';

export const SECTIONS: readonly BenchSection[] = [soakSection];
