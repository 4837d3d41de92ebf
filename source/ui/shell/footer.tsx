// One line of key hints for the focused context, generated from the key
// registry (never a hand-written list): the dialog's keys when one is open,
// else the screen's keys on the left and the global ones on the right.
import { useMemo } from 'react';
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
  // The footer is drawn with every key; the hints are the same objects until they change.
  const { context, global } = useHints();
  const { left, gap, right } = useMemo(() => {
    const text = footerText(context, global, width);
    return { ...text, gap: ' '.repeat(Math.max(text.right ? 2 : 0, width - displayWidth(text.left) - displayWidth(text.right))) };
  }, [context, global, width]);
  return (
    <Text wrap="truncate-end" {...theme.style('muted')}>
      {left}
      {gap}
      {right}
    </Text>
  );
}
