// The `?` overlay: every binding of the current screen plus the global ones,
// grouped, read from the key registry at the moment it is drawn.
import { Text } from 'ink';
import { formatKeys, useCommands, useHelpGroups } from '../keys/index.js';
import { dialogWidth, Modal, MODAL_CHROME_HEIGHT, useDialogBounds } from '../components/modal.js';
import { useScroll } from '../components/scroll.js';
import { useTheme } from '../theme.js';
import { displayWidth, fit, truncate } from '../text.js';

export function HelpDialog({ screenTitle, onClose }: { screenTitle: string; onClose: () => void }) {
  const theme = useTheme();
  const bounds = useDialogBounds();
  const groups = useHelpGroups();

  const keyWidth = Math.min(24, Math.max(8, ...groups.flatMap((g) => g.entries.map((e) => displayWidth(formatKeys(e.keys))))));
  const lines: Array<{ text: string; heading: boolean }> = [];
  for (const group of groups) {
    if (lines.length > 0) lines.push({ text: '', heading: false });
    lines.push({ text: group.title, heading: true });
    for (const entry of group.entries) lines.push({ text: `  ${fit(formatKeys(entry.keys), keyWidth)}  ${entry.description}`, heading: false });
  }
  const width = dialogWidth(bounds, Math.max(...lines.map((l) => displayWidth(l.text)), 40));
  const inner = width - 4;

  useCommands('Help', [
    { id: 'help.close', keys: ['escape', '?', 'q'], description: 'Close help', hint: 'close', run: onClose },
    { id: 'help.closeCtrlC', keys: ['ctrl+c'], description: 'Close help', hidden: true, run: onClose },
  ]);
  const scroll = useScroll('help', lines.length, bounds.height - MODAL_CHROME_HEIGHT - 1, 'Help');

  const position = scroll.scrollable ? ` (${scroll.position})` : '';
  return (
    <Modal title={`Keys: ${screenTitle}${position}`} width={width}>
      {lines.slice(scroll.top, scroll.top + scroll.size).map((line, i) => (
        // A space, not '': an empty <Text> takes no line, and the dialog would shrink and move as it scrolls.
        <Text key={i} wrap="truncate-end" {...theme.style(line.heading ? 'title' : 'normal')}>
          {truncate(line.text, inner) || ' '}
        </Text>
      ))}
    </Modal>
  );
}
