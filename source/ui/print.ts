// Printed (non-interactive) tables for commands such as `kmsp report`: the
// ink-table component through its ESM build, rendered once to a string.
// Interactive screens use the windowed table in components/table instead.
import { Table } from '@alcalzone/ink-table';
import { renderToString } from 'ink';

type Scalar = string | number | boolean | null | undefined;

export function renderTable<T extends Record<string, Scalar>>(rows: T[], options: { columns?: Array<keyof T>; width?: number } = {}): string {
  if (rows.length === 0) return '';
  return renderToString(<Table data={rows} {...(options.columns ? { columns: options.columns } : {})} />, { columns: options.width ?? process.stdout.columns ?? 120 });
}
