// A bare table (no marks, no marker), for counting what the view computes.
import { Table, useTable, type Column } from '../../source/ui/components/table/index.js';
import type { Tenant } from './fixtures.js';

export function TableOnly({ rows, columns, height }: { rows: Tenant[]; columns: Column<Tenant>[]; height: number }) {
  const table = useTable({ rows, columns, getRowId: (t) => t.id, height, active: true });
  return <Table table={table} width={80} title="Tenants" />;
}
