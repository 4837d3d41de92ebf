// The Services tab (README › The console, Services): createServicesScreen({ session, integrationName }).
export { createServicesScreen, ServicesScreen } from './services-screen.js';
export type { ServicesScreenOptions } from './services-screen.js';
export { buildRows, changedApps, incomplete, itemLabel, normalize, saveBlockers, setItem, singleOnly, slotsFor, staleness, SLOT_TITLES, CATEGORY_SLOTS } from './model.js';
export type { Blocker, ServiceRow, Slot, Staleness } from './model.js';
