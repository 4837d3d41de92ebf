// Connections tab (README › The console, Connections).
export { createConnectionsScreen, ConnectionsScreen } from './connections-screen.js';
export { secretState, secretStoredNotice } from './secrets-view.js';
export type { ConnectionsScreenOptions } from './connections-screen.js';
