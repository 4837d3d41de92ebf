// The Ticketing tab (README › The console, Ticketing): createTicketingScreen({ session, integrationName }).
export { createTicketingScreen, TicketingScreen } from './ticketing-screen.js';
export type { TicketingScreenOptions } from './ticketing-screen.js';
export { BulkEditDialog } from './bulk-dialog.js';
export * from './model.js';
