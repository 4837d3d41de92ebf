// Every line of the last Test connection, in a scrollable dialog (the screen
// folds passed checks when the terminal is short). ↑↓ PgUp/PgDn g/G scroll, Esc closes.
import { useState } from 'react';
import { Text } from 'ink';
import { useCommands } from '../../keys/index.js';
import { dialogWidth, Modal, MODAL_CHROME_HEIGHT, MODAL_CHROME_WIDTH, useDialogBounds } from '../../components/modal.js';
import { useTheme } from '../../theme.js';
import { truncate } from '../../text.js';
import { headerText, resultLines, staleText, type ResultLine, type TestRun } from './results.js';

export function ResultsDialog({ run, currentKey, onClose }: { run: TestRun; currentKey: string; onClose: () => void }) {
  const theme = useTheme();
  const bounds = useDialogBounds();
  const width = dialogWidth(bounds, 110);
  const inner = width - MODAL_CHROME_WIDTH;
  const stale = staleText(run, currentKey);
  const lines: ResultLine[] = [{ text: headerText(run, currentKey), tone: 'title' }, ...(stale ? [{ text: stale, tone: 'warning' as const }] : []), ...resultLines(run, inner)];
  // Title line is part of the chrome; one line for the position.
  const room = Math.max(1, bounds.height - MODAL_CHROME_HEIGHT - 1);
  const maxTop = Math.max(0, lines.length - room);
  const [top, setTop] = useState(0);
  const scroll = (to: number) => setTop(Math.max(0, Math.min(maxTop, to)));
  useCommands('Test results', [
    { id: 'results.down', keys: ['down', 'j'], description: 'Scroll down', hint: 'scroll', run: () => scroll(top + 1) },
    { id: 'results.up', keys: ['up', 'k'], description: 'Scroll up', hint: 'scroll', run: () => scroll(top - 1) },
    { id: 'results.pageDown', keys: ['pagedown', 'space'], description: 'Page down', run: () => scroll(top + room) },
    { id: 'results.pageUp', keys: ['pageup'], description: 'Page up', run: () => scroll(top - room) },
    { id: 'results.top', keys: ['g', 'home'], description: 'Top', run: () => scroll(0) },
    { id: 'results.bottom', keys: ['G', 'end'], description: 'Bottom', run: () => scroll(maxTop) },
    { id: 'results.close', keys: ['enter', 'v', 'q'], description: 'Close', hint: 'close', run: onClose },
  ]);
  const shown = lines.slice(top, top + room);
  const position = lines.length > room ? `lines ${top + 1}–${top + shown.length} of ${lines.length} · ↑↓ scroll` : `${lines.length} lines`;
  return (
    <Modal title="Test connection: all results" width={width} onCancel={onClose}>
      {shown.map((line, i) => (
        <Text key={top + i} wrap="truncate-end" {...theme.style(line.tone)}>
          {truncate(line.text, inner)}
        </Text>
      ))}
      <Text wrap="truncate-end" {...theme.style('muted')}>
        {truncate(position, inner)}
      </Text>
    </Modal>
  );
}
