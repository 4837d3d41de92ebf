// Scrolling lines that are only read (help, a whole message, test results, a long
// confirmation), with the keys every list of the console uses: ↑↓ or j/k a line,
// PgUp/PgDn (Space too) a page, g/G or Home/End the ends. The keys are registered
// only while there is something to scroll, so they never take a key from the
// dialog around them when all its lines fit.
import { useState } from 'react';
import { useCommands, type Command } from '../keys/index.js';
import { clamp } from './list-window.js';

export interface Scroll {
  /** Index of the first line drawn. */
  readonly top: number;
  /** Lines drawn (the room, or fewer when there are fewer lines). */
  readonly size: number;
  readonly count: number;
  readonly scrollable: boolean;
  /** "lines 16–30 of 34" when scrollable, else ''. */
  readonly position: string;
}

/**
 * `count` lines in `room` lines of space. `id` prefixes the command ids ('help' → 'help.pageDown');
 * `scope` is the help heading. Call it where the dialog registers its other commands: the keys go
 * to the dialog (or screen) it is rendered in.
 */
export function useScroll(id: string, count: number, room: number, scope = 'Scroll'): Scroll {
  const [wanted, setWanted] = useState(0);
  const size = Math.max(1, Math.min(count, room));
  const maxTop = Math.max(0, count - size);
  // The room changes with the terminal: keep the top valid without a second render.
  const top = clamp(wanted, 0, maxTop);
  const scrollable = count > size;
  // From the latest state, not this render's: each of several keys routed before a render counts.
  const by = (delta: number) => setWanted((w) => clamp(clamp(w, 0, maxTop) + delta, 0, maxTop));
  const commands: Command[] = scrollable
    ? [
        { id: `${id}.up`, keys: ['up', 'k'], description: 'Scroll up', hint: 'scroll', run: () => by(-1) },
        { id: `${id}.down`, keys: ['down', 'j'], description: 'Scroll down', hint: 'scroll', run: () => by(1) },
        { id: `${id}.pageUp`, keys: ['pageup'], description: 'Page up', hint: 'page', run: () => by(-size) },
        { id: `${id}.pageDown`, keys: ['pagedown', 'space'], description: 'Page down', hint: 'page', run: () => by(size) },
        { id: `${id}.top`, keys: ['g', 'home'], description: 'Top', hint: 'top/bottom', run: () => setWanted(0) },
        { id: `${id}.bottom`, keys: ['G', 'end'], description: 'Bottom', hint: 'top/bottom', run: () => setWanted(maxTop) },
      ]
    : [];
  useCommands(scope, commands);
  return { top, size, count, scrollable, position: scrollable ? `lines ${top + 1}–${top + size} of ${count}` : '' };
}
