export { Table, positionText } from './table.js';
export type { TableProps } from './table.js';
export { useTable, tableBodyHeight } from './use-table.js';
export type { UseTableOptions, TableModel } from './use-table.js';
export { tableReducer, initialTableState, matchIndexes, rowHaystack, haystackOf, normalizeQuery } from './use-table-state.js';
export type { TableState, TableAction } from './use-table-state.js';
export { layoutColumns, windowColumns, pageColumns, cellText, COLUMN_GAP, SIGN_WIDTH } from './columns.js';
export type { Column, ColumnLayout, ColumnWindow } from './columns.js';
