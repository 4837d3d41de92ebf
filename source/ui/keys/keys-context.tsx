// React side of the key registry: ONE useInput for the whole console (every
// active useInput receives every key, so several would fight), and hooks with
// which components register commands or capture typing.
import { createContext, useCallback, useContext, useLayoutEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useInput, type Key } from 'ink';
import { fromInk, type KeyPress } from './key-press.js';
import { KeyRegistry, type Command, type HelpGroup, type Hint, type Layer, type Registration, type RegistrationKind } from './registry.js';

const RegistryContext = createContext<KeyRegistry | null>(null);

/** Which layer components below register in, and whether that part of the tree may take keys at all. */
export interface LayerScope {
  readonly layer: Layer;
  readonly active: boolean;
}

const LayerContext = createContext<LayerScope>({ layer: 'screen', active: true });

export function LayerProvider({ layer, active, children }: LayerScope & { children: ReactNode }) {
  const parent = useContext(LayerContext);
  // An inactive screen or a dialog under another dialog stays inactive all the way down.
  const value = { layer, active: active && (parent.layer === layer ? parent.active : true) };
  return <LayerContext.Provider value={value}>{children}</LayerContext.Provider>;
}

export function useLayer(): LayerScope {
  return useContext(LayerContext);
}

export interface KeysProviderProps {
  readonly registry?: KeyRegistry;
  /** False stops all key handling (e.g. while the runner tears down). */
  readonly enabled?: boolean;
  readonly children: ReactNode;
}

export function KeysProvider({ registry: given, enabled = true, children }: KeysProviderProps) {
  const [registry] = useState(() => given ?? new KeyRegistry());
  const queue = useRef<KeyPress[]>([]);
  const pending = useRef<NodeJS.Immediate | null>(null);

  // Keys that arrived in one chunk ("/q" typed fast over SSH) are handled one
  // per macrotask: the first key may open a filter field, and the field must be
  // registered (a render later) before the next key is routed, or that 'q'
  // would quit instead of being typed. Legacy-mode React renders synchronously
  // between two macrotasks.
  const drain = useCallback(() => {
    pending.current = null;
    const next = queue.current.shift();
    if (!next) return;
    registry.dispatch(next);
    if (queue.current.length > 0) pending.current = setImmediate(drain);
  }, [registry]);

  // Stable handler: Ink re-subscribes whenever the handler identity changes.
  const onInput = useCallback(
    (input: string, key: Key) => {
      queue.current.push(...fromInk(input, key));
      if (pending.current === null) drain();
    },
    [drain],
  );

  useLayoutEffect(
    () => () => {
      if (pending.current) clearImmediate(pending.current);
      queue.current = [];
    },
    [],
  );

  useInput(onInput, { isActive: enabled });
  return <RegistryContext.Provider value={registry}>{children}</RegistryContext.Provider>;
}

export function useKeyRegistry(): KeyRegistry {
  const registry = useContext(RegistryContext);
  if (!registry) throw new Error('Key hooks must be used inside <KeysProvider> (the console shell provides one).');
  return registry;
}

export interface RegistrationOptions {
  /** Default true. Combined with the layer's own activity (inactive tab, covered dialog). */
  readonly active?: boolean;
  /** Override the layer given by the surrounding LayerProvider (the shell uses 'global'). */
  readonly layer?: Layer;
  /** Within a layer, higher goes first (default 0). Dialog frames use -1 so a dialog's own Esc wins. */
  readonly priority?: number;
}

function useRegistration(scope: string, kind: RegistrationKind, commands: readonly Command[], capture: ((key: KeyPress) => boolean) | undefined, options: RegistrationOptions) {
  const registry = useKeyRegistry();
  const context = useLayer();
  const layer = options.layer ?? context.layer;
  const active = (options.active ?? true) && (options.layer && options.layer !== context.layer ? true : context.active);
  const ref = useRef<Registration | null>(null);
  if (ref.current === null) {
    ref.current = registry.create({ scope, layer, kind, priority: options.priority ?? 0, active, commands, capture });
  }
  const registration = ref.current;

  useLayoutEffect(() => {
    registry.add(registration);
    return () => registry.remove(registration);
  }, [registry, registration]);

  // Every render: fresh closures, and a footer update if what it shows changed.
  useLayoutEffect(() => {
    registration.scope = scope;
    registration.layer = layer;
    registration.active = active;
    registration.priority = options.priority ?? 0;
    registration.commands = commands;
    registration.capture = capture;
    registry.refresh(registration);
  });
}

/**
 * Register a component's commands for as long as it is mounted. The commands
 * drive input, the footer (those with a `hint`) and the `?` help (all but hidden).
 *
 *   useCommands('Accounts', [
 *     { id: 'accounts.save', keys: ['ctrl+s'], description: 'Save changes', hint: 'save', when: () => dirty, run: save },
 *   ], { active });
 */
export function useCommands(scope: string, commands: readonly Command[], options: RegistrationOptions = {}): void {
  useRegistration(scope, 'commands', commands, undefined, options);
}

/**
 * Take keys before the commands of the same layer: a focused text field
 * ('input'), or a modal dialog swallowing everything ('barrier'). The handler
 * returns true when it used the key.
 */
export function useKeyCapture(scope: string, handler: (key: KeyPress) => boolean, options: RegistrationOptions & { kind?: 'input' | 'barrier' } = {}): void {
  useRegistration(scope, options.kind ?? 'input', [], handler, options);
}

function useRegistryVersion(registry: KeyRegistry): number {
  return useSyncExternalStore(registry.subscribe, registry.getVersion);
}

/** Footer hints of the focused context; re-renders when registrations change. */
export function useHints(): { context: Hint[]; global: Hint[] } {
  const registry = useKeyRegistry();
  useRegistryVersion(registry);
  return registry.hints();
}

/** The help content for the current screen and the global keys. */
export function useHelpGroups(): HelpGroup[] {
  const registry = useKeyRegistry();
  useRegistryVersion(registry);
  return registry.help();
}
