// Test-only screens and data. Nothing here ships: source/ui holds no fake data.
import { Box, Text } from 'ink';
import { useState, type ReactNode } from 'react';
import { KeysProvider } from '../../source/ui/keys/index.js';
import { Table, useTable, type Column } from '../../source/ui/components/table/index.js';
import { ThemeContext, monoTheme, type Theme } from '../../source/ui/theme.js';

export interface Tenant {
  id: string;
  name: string;
  account: string;
  devices: number;
}

/** n tenants with predictable names: "Tenant 00001" … and a few CJK/emoji names for width tests. */
export function makeTenants(n: number): Tenant[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `t${i + 1}`,
    name: `Tenant ${String(i + 1).padStart(5, '0')}`,
    account: i % 7 === 0 ? '' : `Account ${i + 1}`,
    devices: (i * 37) % 500,
  }));
}

export const tenantColumns: Column<Tenant>[] = [
  { key: 'name', title: 'Tenant', minWidth: 12 },
  { key: 'account', title: 'PSA account', render: (t) => t.account || '(none)' },
  { key: 'devices', title: 'Devices', width: 7, align: 'right', filterable: false },
];

/** Just the providers a component needs outside the shell. */
export function Providers({ theme = monoTheme, children }: { theme?: Theme; children: ReactNode }) {
  return (
    <ThemeContext.Provider value={theme}>
      <KeysProvider>{children}</KeysProvider>
    </ThemeContext.Provider>
  );
}

export function TableHarness({ rows, width = 80, height = 12, markable = true, marker, onActivate }: { rows: Tenant[]; width?: number; height?: number; markable?: boolean; marker?: (t: Tenant) => string | undefined; onActivate?: (t: Tenant) => void }) {
  const table = useTable({ rows, columns: tenantColumns, getRowId: (t) => t.id, height, active: true, markable, onActivate });
  return (
    <Box flexDirection="column">
      <Table table={table} width={width} title="Tenants" marker={marker} emptyMessage="No tenants in this integration." />
    </Box>
  );
}

/** A table plus a line showing what Enter last opened. */
export function ActivateHarness({ rows }: { rows: Tenant[] }) {
  const [opened, setOpened] = useState('');
  return (
    <Box flexDirection="column">
      <TableHarness rows={rows} onActivate={(t) => setOpened(t.name)} />
      <Text>{`opened: ${opened}`}</Text>
    </Box>
  );
}

// --- A demo screen built only on the public screen API (what screen authors do) ---
import { useScreen, useDirty, useCommands as useScreenCommands, type ScreenDefinition, type ScreenProps, type SelectOption } from '../../source/ui/index.js';

export function makeAccounts(n: number): SelectOption<string>[] {
  return Array.from({ length: n }, (_, i) => ({
    value: `a${i + 1}`,
    label: `Account ${String(i + 1).padStart(4, '0')}`,
    detail: i % 2 ? 'Customer' : 'Prospect',
    disabled: i === 2 ? 'mapped to Tenant 00009' : undefined,
  }));
}

export function DemoAccountsScreen({ width, height, active, rows, accounts }: ScreenProps & { rows: Tenant[]; accounts: SelectOption<string>[] }) {
  const screen = useScreen();
  const [data, setData] = useState(rows);
  const [changed, setChanged] = useState<ReadonlySet<string>>(new Set());
  useDirty(changed.size > 0);
  const table = useTable({ rows: data, columns: tenantColumns, getRowId: (t) => t.id, height, active, markable: true, onActivate: (t) => void pick(t), activateHint: 'map' });

  async function pick(tenant: Tenant) {
    const value = await screen.select({ title: `PSA account for ${tenant.name}`, options: accounts, allowNone: true, noun: 'accounts' });
    if (value === undefined) return;
    const label = value === null ? '' : (accounts.find((a) => a.value === value)?.label ?? value);
    setData((list) => list.map((t) => (t.id === tenant.id ? { ...t, account: label } : t)));
    setChanged((c) => new Set([...c, tenant.id]));
  }

  useScreenCommands(
    'Accounts',
    [
      {
        id: 'accounts.save',
        keys: ['ctrl+s'],
        description: 'Save changes',
        hint: 'save',
        when: () => changed.size > 0,
        run: () => {
          setChanged(new Set());
          screen.notify(`Saved ${changed.size} mapping(s).`, 'success');
        },
      },
      { id: 'accounts.fail', keys: ['x'], description: 'Fail (shows an error)', run: () => screen.notify(new Error('Autotask refused the update')) },
    ],
    { active },
  );

  return <Table table={table} width={width} title="Tenants" marker={(t) => (changed.has(t.id) ? '*' : undefined)} />;
}

export function demoScreens(rows: Tenant[] = makeTenants(40), accounts: SelectOption<string>[] = makeAccounts(50)): ScreenDefinition[] {
  return [
    { id: 'connections', title: 'Connections', render: () => <Text> KSC: ksc.example.test · Autotask: webservices5.autotask.net</Text> },
    { id: 'accounts', title: 'Accounts', render: (props) => <DemoAccountsScreen {...props} rows={rows} accounts={accounts} /> },
  ];
}
