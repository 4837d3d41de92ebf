// Connections tab (SPEC.md §2.1).
export { createConnectionsScreen, ConnectionsScreen } from './connections-screen.js';
export { secretState, secretStoredNotice } from './secrets-view.js';
export type { ConnectionsScreenOptions } from './connections-screen.js';
