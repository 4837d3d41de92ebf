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

// --- A small editable screen for shell tests: 'e' makes an unsaved edit ---
import { KmspError } from '../../source/domain/errors.js';

export function EditorScreen({ active, name }: ScreenProps & { name: string }) {
  const screen = useScreen();
  const [edits, setEdits] = useState(0);
  useDirty(edits > 0);
  useScreenCommands(
    name,
    [
      { id: 'editor.edit', keys: ['e'], description: 'Make an edit', hint: 'edit', run: () => setEdits((n) => n + 1) },
      { id: 'editor.save', keys: ['ctrl+s'], description: 'Save changes', hint: 'save', when: () => edits > 0, run: () => setEdits(0) },
      {
        id: 'editor.fail',
        keys: ['f'],
        description: 'Test the connection (fails)',
        run: () => screen.notify(new KmspError('Autotask refused the credentials.', { kind: 'auth', cause: 'The API user or secret is wrong (HTTP 401).', remedy: 'Re-enter them on Connections, then press t.' })),
      },
      {
        id: 'editor.crash',
        keys: ['x'],
        description: 'A command with a bug',
        run: () => {
          throw new Error('bug in a command');
        },
      },
    ],
    { active },
  );
  return <Text>{`${name}: edits ${edits}`}</Text>;
}

export function editorScreens(): ScreenDefinition[] {
  return [
    { id: 'connections', title: 'Connections', render: (p) => <EditorScreen {...p} name="Connections" /> },
    { id: 'accounts', title: 'Accounts', render: (p) => <EditorScreen {...p} name="Accounts" /> },
  ];
}

// --- A screen that opens each dialog through the public API and prints what came back ---
import type { FormField } from '../../source/ui/index.js';

export const labFields: FormField[] = [
  { kind: 'text', id: 'host', label: 'KSC host', required: true, placeholder: 'ksc.example.com' },
  { kind: 'text', id: 'port', label: 'Port', initial: '13299', validate: (v) => (/^\d+$/.test(v) && Number(v) > 0 && Number(v) < 65536 ? undefined : 'Port must be a number from 1 to 65535.') },
  { kind: 'secret', id: 'password', label: 'Password', required: true, placeholder: '(not stored yet)' },
  { kind: 'toggle', id: 'verify', label: 'Verify TLS', initial: true },
  { kind: 'choice', id: 'zone', label: 'Zone', options: [{ value: 'ws5', label: 'webservices5' }, { value: 'ws6', label: 'webservices6' }], allowNone: true, initial: null },
];

export function DialogLab({ active, accounts }: ScreenProps & { accounts: SelectOption<string>[] }) {
  const screen = useScreen();
  const [result, setResult] = useState('nothing yet');
  const show = (value: unknown) => setResult(JSON.stringify(value) ?? 'undefined');
  useScreenCommands(
    'Lab',
    [
      { id: 'lab.select', keys: ['s'], description: 'Choose an account', run: () => void screen.select({ title: 'PSA account', options: accounts, allowNone: true, noun: 'accounts', initialValue: 'a10' }).then(show) },
      {
        id: 'lab.checklist',
        keys: ['c'],
        description: 'Choose virtual servers',
        run: () =>
          void screen
            .checklist({
              title: 'Virtual servers in this integration',
              description: 'Checked servers belong to this integration.',
              items: Array.from({ length: 60 }, (_, i) => ({ id: `vs${i + 1}`, label: `Virtual server ${i + 1}`, disabled: i === 1 ? 'in integration "north"' : undefined })),
              initialChecked: ['vs1'],
            })
            .then(show),
      },
      { id: 'lab.form', keys: ['f'], description: 'Edit the connection', run: () => void screen.form({ title: 'KSC connection', fields: labFields }).then(show) },
      { id: 'lab.confirm', keys: ['y'], description: 'Ask', run: () => void screen.confirm('Remove mapping?').then(show) },
    ],
    { active },
  );
  return <Text>{`result: ${result}`}</Text>;
}

export function labScreens(accounts: SelectOption<string>[] = makeAccounts(5000)): ScreenDefinition[] {
  return [{ id: 'connections', title: 'Connections', render: (p) => <DialogLab {...p} accounts={accounts} /> }];
}
