// The `?` overlay: every binding of the current screen plus the global ones,
// grouped, read from the key registry at the moment it is drawn.
import { useState } from 'react';
import { Text } from 'ink';
import { formatKeys, useCommands, useHelpGroups } from '../keys/index.js';
import { dialogWidth, Modal, MODAL_CHROME_HEIGHT, useDialogBounds } from '../components/modal.js';
import { clamp } from '../components/list-window.js';
import { useTheme } from '../theme.js';
import { displayWidth, fit, truncate } from '../text.js';

export function HelpDialog({ screenTitle, onClose }: { screenTitle: string; onClose: () => void }) {
  const theme = useTheme();
  const bounds = useDialogBounds();
  const groups = useHelpGroups();
  const [top, setTop] = useState(0);

  const keyWidth = Math.min(24, Math.max(8, ...groups.flatMap((g) => g.entries.map((e) => displayWidth(formatKeys(e.keys))))));
  const lines: Array<{ text: string; heading: boolean }> = [];
  for (const group of groups) {
    if (lines.length > 0) lines.push({ text: '', heading: false });
    lines.push({ text: group.title, heading: true });
    for (const entry of group.entries) lines.push({ text: `  ${fit(formatKeys(entry.keys), keyWidth)}  ${entry.description}`, heading: false });
  }
  const width = dialogWidth(bounds, Math.max(...lines.map((l) => displayWidth(l.text)), 40));
  const inner = width - 4;
  const size = Math.max(1, Math.min(lines.length, bounds.height - MODAL_CHROME_HEIGHT - 1));
  const maxTop = Math.max(0, lines.length - size);
  const scroll = (delta: number) => setTop((t) => clamp(t + delta, 0, maxTop));
  const scrollable = lines.length > size;

  useCommands('Help', [
    { id: 'help.close', keys: ['escape', '?', 'q'], description: 'Close help', hint: 'close', run: onClose },
    { id: 'help.closeCtrlC', keys: ['ctrl+c'], description: 'Close help', hidden: true, run: onClose },
    { id: 'help.up', keys: ['up', 'k'], description: 'Scroll up', hint: 'scroll', when: () => scrollable, run: () => scroll(-1) },
    { id: 'help.down', keys: ['down', 'j'], description: 'Scroll down', hint: 'scroll', when: () => scrollable, run: () => scroll(1) },
    { id: 'help.pageDown', keys: ['pagedown', 'space'], description: 'Page down', when: () => scrollable, run: () => scroll(size) },
    { id: 'help.pageUp', keys: ['pageup'], description: 'Page up', when: () => scrollable, run: () => scroll(-size) },
  ]);

  const first = clamp(top, 0, maxTop);
  const position = scrollable ? ` (${first + 1}–${first + size} of ${lines.length} lines)` : '';
  return (
    <Modal title={`Keys: ${screenTitle}${position}`} width={width}>
      {lines.slice(first, first + size).map((line, i) => (
        <Text key={i} wrap="truncate-end" {...theme.style(line.heading ? 'title' : 'normal')}>
          {truncate(line.text, inner)}
        </Text>
      ))}
    </Modal>
  );
}
