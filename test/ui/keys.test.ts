import { describe, expect, it, vi } from 'vitest';
import { inkKey } from '../helpers/ink.js';
import { fromInk, formatKey, formatKeys, matches, parseKeySpec, KeyRegistry, type Command, type KeyPress } from '../../source/ui/keys/index.js';

const press = (name: string, flags: Partial<KeyPress> = {}): KeyPress => ({ name, ctrl: false, shift: false, meta: false, text: name.length === 1 ? name : '', ...flags });

describe('fromInk: Ink 6.8 quirks', () => {
  it('treats key.delete (what 0x7F Backspace arrives as) and key.backspace as backspace', () => {
    expect(fromInk('', inkKey({ delete: true }))[0]!.name).toBe('backspace');
    expect(fromInk('', inkKey({ backspace: true }))[0]!.name).toBe('backspace');
  });

  it('does not take Esc (which sets key.meta) for Alt', () => {
    const [esc] = fromInk('', inkKey({ escape: true, meta: true }));
    expect(esc).toMatchObject({ name: 'escape', meta: false });
    expect(matches('escape', esc!)).toBe(true);
  });

  it('reads Ctrl+letter, Shift-Tab, uppercase letters and space', () => {
    expect(fromInk('c', inkKey({ ctrl: true }))[0]).toMatchObject({ name: 'c', ctrl: true, text: '' });
    expect(fromInk('', inkKey({ tab: true, shift: true }))[0]).toMatchObject({ name: 'tab', shift: true });
    expect(fromInk('G', inkKey({ shift: true }))[0]).toMatchObject({ name: 'G', text: 'G' });
    expect(fromInk(' ', inkKey())[0]).toMatchObject({ name: 'space', text: ' ' });
  });

  it('splits a chunk of characters typed fast into one press each', () => {
    expect(fromInk('jjk', inkKey()).map((k) => k.name)).toEqual(['j', 'j', 'k']);
    expect(fromInk('/q', inkKey()).map((k) => k.text)).toEqual(['/', 'q']);
  });

  it('keeps Alt+letter away from the plain letter', () => {
    const [alt] = fromInk('q', inkKey({ meta: true }));
    expect(matches('q', alt!)).toBe(false);
    expect(alt!.text).toBe('');
  });
});

describe('key specs', () => {
  it('parses modifiers and aliases, and refuses unknown names', () => {
    expect(parseKeySpec('ctrl+U')).toEqual({ name: 'u', ctrl: true, shift: false, meta: false });
    expect(parseKeySpec('esc').name).toBe('escape');
    expect(parseKeySpec('shift+tab')).toMatchObject({ name: 'tab', shift: true });
    expect(() => parseKeySpec('pgupp')).toThrow(/Unknown key/);
  });

  it('matches Tab and Shift-Tab apart, and character bindings whatever Shift says', () => {
    expect(matches('tab', press('tab', { shift: true }))).toBe(false);
    expect(matches('shift+tab', press('tab', { shift: true }))).toBe(true);
    expect(matches('G', press('G', { shift: true }))).toBe(true);
    expect(matches('g', press('G', { shift: true }))).toBe(false);
    expect(matches('ctrl+c', press('c', { ctrl: true, text: '' }))).toBe(true);
    expect(matches('c', press('c', { ctrl: true, text: '' }))).toBe(false);
  });

  it('formats bindings for people', () => {
    expect(formatKey('ctrl+u')).toBe('Ctrl-U');
    expect(formatKey('shift+tab')).toBe('Shift-Tab');
    expect(formatKeys(['up', 'k'])).toBe('↑/k');
    expect(formatKey('pagedown')).toBe('PgDn');
  });
});

function commands(log: string[], prefix: string, extra: Partial<Command> = {}): Command[] {
  return [
    { id: `${prefix}.q`, keys: ['q'], description: `${prefix} q`, hint: 'q', run: () => void log.push(`${prefix}:q`), ...extra },
    { id: `${prefix}.enter`, keys: ['enter'], description: `${prefix} enter`, run: () => void log.push(`${prefix}:enter`) },
  ];
}

describe('priority router', () => {
  function setup() {
    const registry = new KeyRegistry();
    const log: string[] = [];
    const add = (init: Parameters<KeyRegistry['create']>[0]) => {
      const r = registry.create(init);
      registry.add(r);
      return r;
    };
    return { registry, log, add };
  }

  it('routes dialog > focused input > screen > global, stopping at the first consumer', () => {
    const { registry, log, add } = setup();
    add({ scope: 'Global', layer: 'global', kind: 'commands', priority: 0, active: true, commands: commands(log, 'global') });
    const screen = add({ scope: 'Screen', layer: 'screen', kind: 'commands', priority: 0, active: true, commands: commands(log, 'screen') });
    const input = add({ scope: 'Field', layer: 'screen', kind: 'input', priority: 0, active: true, commands: [], capture: (k) => (k.text ? (log.push(`typed:${k.text}`), true) : false) });

    registry.dispatch(press('q'));
    expect(log).toEqual(['typed:q']); // letters go to the focused field, never to quit

    registry.dispatch(press('enter'));
    expect(log.at(-1)).toBe('screen:enter'); // the field does not use Enter: the screen gets it

    input.active = false;
    registry.dispatch(press('q'));
    expect(log.at(-1)).toBe('screen:q');

    screen.active = false;
    registry.dispatch(press('q'));
    expect(log.at(-1)).toBe('global:q');

    add({ scope: 'Dialog', layer: 'dialog', kind: 'commands', priority: 0, active: true, commands: commands(log, 'dialog') });
    add({ scope: 'Barrier', layer: 'dialog', kind: 'barrier', priority: 0, active: true, commands: [], capture: () => true });
    registry.dispatch(press('q'));
    expect(log.at(-1)).toBe('dialog:q');
    const before = log.length;
    expect(registry.dispatch(press('x')).consumed).toBe(true); // swallowed by the modal barrier
    expect(log.length).toBe(before);
  });

  it('lets a command decline (return false) or be unavailable (when), so the key goes on', () => {
    const { registry, log, add } = setup();
    add({ scope: 'Global', layer: 'global', kind: 'commands', priority: 0, active: true, commands: commands(log, 'global') });
    const screen = add({ scope: 'Screen', layer: 'screen', kind: 'commands', priority: 0, active: true, commands: [{ id: 's.q', keys: ['q'], description: 'decline', run: () => false }] });
    registry.dispatch(press('q'));
    expect(log).toEqual(['global:q']);
    screen.commands = [{ id: 's.q', keys: ['q'], description: 'off', when: () => false, run: () => void log.push('never') }];
    registry.dispatch(press('q'));
    expect(log).toEqual(['global:q', 'global:q']);
  });

  it('orders the same layer by priority, then newest first', () => {
    const { registry, log, add } = setup();
    add({ scope: 'Old', layer: 'screen', kind: 'commands', priority: 0, active: true, commands: commands(log, 'old') });
    add({ scope: 'Low', layer: 'screen', kind: 'commands', priority: -1, active: true, commands: commands(log, 'low') });
    add({ scope: 'New', layer: 'screen', kind: 'commands', priority: 0, active: true, commands: commands(log, 'new') });
    registry.dispatch(press('q'));
    expect(log).toEqual(['new:q']);
  });

  it('reports a throwing command through onError instead of crashing input handling', () => {
    const { registry, add } = setup();
    const onError = vi.fn();
    registry.onError = onError;
    add({ scope: 'Screen', layer: 'screen', kind: 'commands', priority: 0, active: true, commands: [{ id: 'boom', keys: ['b'], description: 'boom', run: () => { throw new Error('boom'); } }] });
    expect(registry.dispatch(press('b'))).toEqual({ consumed: true, by: 'Screen:boom' });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }), 'boom');
  });

  it('builds footer hints from available commands, merging shared labels, dialog-only while a dialog is open', () => {
    const { registry, add } = setup();
    add({
      scope: 'Table', layer: 'screen', kind: 'commands', priority: 0, active: true,
      commands: [
        { id: 'up', keys: ['up', 'k'], description: 'Move up', hint: 'move', run: () => {} },
        { id: 'down', keys: ['down', 'j'], description: 'Move down', hint: 'move', run: () => {} },
        { id: 'save', keys: ['ctrl+s'], description: 'Save', hint: 'save', when: () => false, run: () => {} },
        { id: 'page', keys: ['pagedown'], description: 'Page down', run: () => {} },
      ],
    });
    add({ scope: 'Global', layer: 'global', kind: 'commands', priority: 0, active: true, commands: [{ id: 'help', keys: ['?'], description: 'Help', hint: 'help', run: () => {} }] });
    expect(registry.hints()).toEqual({ context: [{ keys: '↑↓', label: 'move' }], global: [{ keys: '?', label: 'help' }] });

    add({ scope: 'Dialog', layer: 'dialog', kind: 'commands', priority: 0, active: true, commands: [{ id: 'ok', keys: ['enter'], description: 'OK', hint: 'ok', run: () => {} }] });
    expect(registry.hints()).toEqual({ context: [{ keys: 'Enter', label: 'ok' }], global: [] });
  });

  it('lists every binding of the screen and the global ones in the help, grouped, ignoring when and hidden ones', () => {
    const { registry, add } = setup();
    add({ scope: 'Global', layer: 'global', kind: 'commands', priority: 0, active: true, commands: [{ id: 'quit', keys: ['q', 'ctrl+c'], description: 'Quit', run: () => {} }] });
    add({
      scope: 'Accounts', layer: 'screen', kind: 'commands', priority: 0, active: true,
      commands: [
        { id: 'save', keys: ['ctrl+s'], description: 'Save changes', when: () => false, run: () => {} },
        { id: 'secret', keys: ['x'], description: 'Hidden', hidden: true, run: () => {} },
        { id: 'bulk', keys: ['e'], description: 'Bulk edit', group: 'Rows', run: () => {} },
      ],
    });
    add({ scope: 'Other tab', layer: 'screen', kind: 'commands', priority: 0, active: false, commands: [{ id: 'other', keys: ['o'], description: 'Not shown', run: () => {} }] });
    expect(registry.help()).toEqual([
      { title: 'Accounts', entries: [{ keys: ['ctrl+s'], description: 'Save changes' }] },
      { title: 'Rows', entries: [{ keys: ['e'], description: 'Bulk edit' }] },
      { title: 'Global', entries: [{ keys: ['q', 'ctrl+c'], description: 'Quit' }] },
    ]);
  });

  it('notifies subscribers only when something visible changed', () => {
    const { registry, add } = setup();
    let enabled = true;
    const r = add({ scope: 'S', layer: 'screen', kind: 'commands', priority: 0, active: true, commands: [{ id: 'a', keys: ['a'], description: 'A', hint: 'a', when: () => enabled, run: () => {} }] });
    const listener = vi.fn();
    registry.subscribe(listener);
    registry.refresh(r);
    expect(listener).not.toHaveBeenCalled();
    enabled = false;
    registry.refresh(r);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
