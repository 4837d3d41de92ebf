// React side of the key registry: ONE useInput for the whole console (every
// active useInput receives every key, so several would fight), and hooks with
// which components register commands or capture typing.
import { createContext, useCallback, useContext, useLayoutEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useInput, type Key } from 'ink';
import { fromInk, isTyping, type KeyPress } from './key-press.js';
import { KeyRegistry, type Command, type HelpGroup, type Hint, type Layer, type Registration, type RegistrationKind } from './registry.js';

const isBackspace = (key: KeyPress) => key.name === 'backspace' && !key.ctrl && !key.meta && !key.shift;
const BACKSPACE: KeyPress = { name: 'backspace', text: '', ctrl: false, shift: false, meta: false };
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** The last grapheme of the text (an emoji, a letter with its accents), read from its end only. */
function lastGrapheme(text: string): string {
  let last = '';
  for (const { segment } of graphemeSegmenter.segment(text.slice(-32))) last = segment;
  return last;
}

const RegistryContext = createContext<KeyRegistry | null>(null);
/** Changes with every key routed: the footer re-renders in the same render as the screen the key went to. */
const KeyTickContext = createContext(0);

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
  const waiting = useRef(false);
  const fallback = useRef<NodeJS.Timeout | null>(null);
  const [commits, setCommits] = useState(0);

  // One key at a time, each routed only after React committed what the previous
  // one changed. A key may open a filter field, and the field must be registered
  // before the next key is routed, or the 'q' of "/q" typed fast (one chunk over
  // SSH, or two reads in one tick) would quit instead of being typed. With React
  // 19, Ink's updates are scheduled, not rendered synchronously, so "wait a tick"
  // is not enough: we bump a counter in the same update and continue from its
  // layout effect, which runs in the commit that also applied the key's effects.
  const dispatchNext = useCallback(() => {
    if (waiting.current) return;
    const next = queue.current.shift();
    if (!next) return;
    waiting.current = true;
    const result = registry.dispatch(next);
    // A paste is thousands of characters in one chunk, and a commit per character kept the
    // console busy for a minute with 10,000 of them. Typing and Backspace cannot move the focus,
    // so once a field took one, the typing and Backspaces queued right behind it go to that
    // field in this commit, folded first: a Backspace takes back the last character typed in
    // the run, or else deletes from the field (dispatched as Backspace); what remains typed is
    // one press holding its text, with no key name (no command binding matches it; the field's
    // capture takes it, as it took the first). Anything else (Enter, Esc, an arrow,
    // Ctrl+letter) waits for the commit, as before.
    if ((isTyping(next) || isBackspace(next)) && result.by?.endsWith(':input')) {
      let typed = '';
      let erase = 0;
      for (let head = queue.current[0]; head && (isTyping(head) || isBackspace(head)); head = queue.current[0]) {
        queue.current.shift();
        if (isTyping(head)) typed += head.text;
        else if (typed !== '') typed = typed.slice(0, typed.length - lastGrapheme(typed).length);
        else erase++;
      }
      let taken = true;
      for (; erase > 0 && taken; erase--) taken = registry.dispatch(BACKSPACE).by?.endsWith(':input') ?? false;
      if (taken && typed !== '') registry.dispatch({ name: '', text: typed, ctrl: false, shift: false, meta: false });
    }
    setCommits((n) => n + 1);
    // Should a render never come (an error boundary, teardown), keys must not get stuck.
    fallback.current = setTimeout(() => {
      waiting.current = false;
      dispatchNext();
    }, 250);
  }, [registry]);

  useLayoutEffect(() => {
    if (!waiting.current) return;
    waiting.current = false;
    if (fallback.current) clearTimeout(fallback.current);
    fallback.current = null;
    // This provider is the outermost component: its layout effect runs after every
    // descendant's, so all registrations are current. Continue once the commit is over.
    if (queue.current.length > 0) queueMicrotask(dispatchNext);
  }, [commits, dispatchNext]);

  useLayoutEffect(
    () => () => {
      if (fallback.current) clearTimeout(fallback.current);
      queue.current = [];
    },
    [],
  );

  // Stable handler: Ink re-subscribes whenever the handler identity changes.
  const onInput = useCallback(
    (input: string, key: Key) => {
      queue.current.push(...fromInk(input, key));
      dispatchNext();
    },
    [dispatchNext],
  );

  useInput(onInput, { isActive: enabled });
  return (
    <RegistryContext.Provider value={registry}>
      <KeyTickContext.Provider value={commits}>{children}</KeyTickContext.Provider>
    </RegistryContext.Provider>
  );
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
  // Fresh closures as this render made them, set during the render: the footer,
  // drawn after the screens in the same render (it follows every key, see
  // useHints), then shows what this render's commands allow, and a key needs one
  // frame, not a second one for the footer. Keys are routed only after a commit,
  // and the layout effect below sets them again, so a render React throws away
  // never routes a key (Ink renders synchronously: a render is not abandoned midway).
  registration.scope = scope;
  registration.layer = layer;
  registration.active = active;
  registration.priority = options.priority ?? 0;
  registration.commands = commands;
  registration.capture = capture;

  useLayoutEffect(() => {
    registry.add(registration);
    return () => registry.remove(registration);
  }, [registry, registration]);

  // Every commit: the committed closures, and a footer update if what it shows changed
  // (a footer drawn in the same render already shows it: no second render then).
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

/**
 * Footer hints of the focused context. Re-renders with every key (in the same
 * render as the screen that took it) and when registrations change what the
 * footer shows — not when they change something it does not show.
 */
export function useHints(): { context: Hint[]; global: Hint[] } {
  const registry = useKeyRegistry();
  useContext(KeyTickContext);
  useSyncExternalStore(registry.subscribe, registry.hintsSnapshot);
  return registry.currentHints();
}

/** The help content for the current screen and the global keys. */
export function useHelpGroups(): HelpGroup[] {
  const registry = useKeyRegistry();
  useRegistryVersion(registry);
  return registry.help();
}
