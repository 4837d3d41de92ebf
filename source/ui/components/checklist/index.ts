export { Checklist } from './checklist.js';
export type { ChecklistProps } from './checklist.js';
export { useChecklistState, checklistReducer } from './use-checklist-state.js';
export type { ChecklistItem, ChecklistState, ChecklistAction, ChecklistModel } from './use-checklist-state.js';
