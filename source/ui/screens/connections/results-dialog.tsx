// Every line of the last Test connection, in a scrollable dialog (the screen
// folds passed checks when the terminal is short). ↑↓ PgUp/PgDn g/G scroll, Esc closes.
import { Text } from 'ink';
import { useCommands } from '../../keys/index.js';
import { dialogWidth, Modal, MODAL_CHROME_HEIGHT, MODAL_CHROME_WIDTH, useDialogBounds } from '../../components/modal.js';
import { useScroll } from '../../components/scroll.js';
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
  useCommands('Test results', [{ id: 'results.close', keys: ['enter', 'v', 'q'], description: 'Close', hint: 'close', run: onClose }]);
  // Title line is part of the chrome; one line for the position.
  const scroll = useScroll('results', lines.length, bounds.height - MODAL_CHROME_HEIGHT - 1, 'Test results');
  const top = scroll.top;
  const shown = lines.slice(top, top + scroll.size);
  const position = scroll.scrollable ? `${scroll.position} · ↑↓ scroll` : `${lines.length} lines`;
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
