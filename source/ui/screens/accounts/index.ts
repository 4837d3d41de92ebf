// The Accounts tab (SPEC.md §2.2): createAccountsScreen({ session, integrationName }).
export { createAccountsScreen, AccountsScreen } from './accounts-screen.js';
export type { AccountsScreenOptions } from './accounts-screen.js';
export { buildRows, detailParagraphs, wrapDetail, mappingKey, RowOrder } from './model.js';
export type { AccountRow, DetailLine } from './model.js';
