// The Accounts tab (README › The console, Accounts): createAccountsScreen({ session, integrationName }).
export { createAccountsScreen, AccountsScreen } from './accounts-screen.js';
export type { AccountsScreenOptions } from './accounts-screen.js';
export { buildRows, detailParagraphs, wrapDetail, mappingKey, RowOrder } from './model.js';
export type { AccountRow, DetailLine } from './model.js';
