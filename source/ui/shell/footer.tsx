// One line of key hints for the focused context, generated from the key
// registry (never a hand-written list): the dialog's keys when one is open,
// else the screen's keys on the left and the global ones on the right.
import { Text } from 'ink';
import { useHints, type Hint } from '../keys/index.js';
import { useTheme } from '../theme.js';
import { displayWidth, truncate } from '../text.js';

export function hintText(hints: readonly Hint[]): string {
  return hints.map((h) => `${h.keys} ${h.label}`).join('  ');
}

/** Screen hints first, dropping from the end so the global ones (help, quit) always show. */
export function footerText(context: readonly Hint[], global: readonly Hint[], width: number): { left: string; right: string } {
  const right = hintText(global);
  const room = width - displayWidth(right) - (right ? 2 : 0);
  const left: Hint[] = [];
  for (const hint of context) {
    if (displayWidth(hintText([...left, hint])) > room) break;
    left.push(hint);
  }
  return { left: hintText(left), right: truncate(right, width) };
}

export function Footer({ width }: { width: number }) {
  const theme = useTheme();
  const { context, global } = useHints();
  const { left, right } = footerText(context, global, width);
  const gap = ' '.repeat(Math.max(right ? 2 : 0, width - displayWidth(left) - displayWidth(right)));
  return (
    <Text wrap="truncate-end" {...theme.style('muted')}>
      {left}
      {gap}
      {right}
    </Text>
  );
}
