export { SearchSelect } from './search-select.js';
export type { SearchSelectProps } from './search-select.js';
export { useSearchSelectState } from './use-search-select-state.js';
export type { SelectOption, SelectItem, SearchSelectModel, UseSearchSelectStateOptions } from './use-search-select-state.js';
