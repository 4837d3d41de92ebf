// Reports tab (SPEC.md §2.5).
export { createReportsScreen, ReportsScreen } from './reports-screen.js';
export type { ReportsScreenOptions } from './reports-screen.js';
export { countLine, exportCommand } from './unmapped-view.js';
