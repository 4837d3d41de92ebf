// Reports tab (README › The console, Reports).
export { createReportsScreen, ReportsScreen } from './reports-screen.js';
export type { ReportsScreenOptions } from './reports-screen.js';
export { countLine, exportCommand } from './unmapped-view.js';
