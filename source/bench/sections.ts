// Every benchmark section of `npm run bench`, in report order. A section measures one area
// (startup, console, billing, tickets, the agent soak, the PSA budget) for every vendor the
// registries list, and returns figures; it never asserts.
import { billingSection } from './billing.js';
import { budgetSection } from './budget.js';
import { consoleSection } from './console.js';
import { soakSection } from './soak.js';
import { startupSection } from './startup.js';
import { ticketsSection } from './tickets.js';
import type { BenchSection } from './types.js';

export const SECTIONS: readonly BenchSection[] = [startupSection, consoleSection, billingSection, ticketsSection, budgetSection, soakSection];
