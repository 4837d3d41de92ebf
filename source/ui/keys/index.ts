export { fromInk, parseKeySpec, matches, formatKey, formatKeys, isTyping } from './key-press.js';
export type { KeyPress, KeySpec } from './key-press.js';
export { KeyRegistry, rankOf } from './registry.js';
export type { Command, Layer, Registration, RegistrationKind, Hint, HelpGroup, HelpEntry, DispatchResult } from './registry.js';
export { KeysProvider, LayerProvider, useLayer, useKeyRegistry, useCommands, useKeyCapture, useHints, useHelpGroups } from './keys-context.js';
export type { KeysProviderProps, LayerScope, RegistrationOptions } from './keys-context.js';
