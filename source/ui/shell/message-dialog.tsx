// The whole of the status line's message: the status line has one line for what
// happened and one each for cause and remedy, cut at the terminal's width, and a
// long path or a list of rows is often the part that matters. Scrolls when long.
import { Text } from 'ink';
import { useCommands } from '../keys/index.js';
import type { Notice } from '../console-context.js';
import { dialogWidth, Modal, MODAL_CHROME_HEIGHT, MODAL_CHROME_WIDTH, useDialogBounds } from '../components/modal.js';
import { useScroll } from '../components/scroll.js';
import { useTheme } from '../theme.js';
import { wrap } from '../text.js';
import { noticeParagraphs } from './status-line.js';

/** The message as lines of `width` cells: each paragraph wrapped, a blank line between them. */
export function messageLines(notice: Notice, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of noticeParagraphs(notice)) {
    if (lines.length > 0) lines.push('');
    // Continuation lines line up after "Cause: " / "Remedy: ".
    const label = /^(Cause|Remedy): /u.exec(paragraph)?.[0].length ?? 0;
    lines.push(...wrap(paragraph, width, label));
  }
  return lines;
}

export function MessageDialog({ notice, onClose }: { notice: Notice; onClose: () => void }) {
  const theme = useTheme();
  const bounds = useDialogBounds();
  const width = dialogWidth(bounds, 100);
  const inner = width - MODAL_CHROME_WIDTH;
  const lines = messageLines(notice, inner);
  // Its own close keys rather than the frame's cancel: every command of this dialog is named
  // message.*, and reading a message does not count as a new action that clears it (app.tsx).
  useCommands('Message', [
    { id: 'message.close', keys: ['escape', 'enter', 'q', 'M'], description: 'Close', hint: 'close', run: onClose },
    { id: 'message.closeCtrlC', keys: ['ctrl+c'], description: 'Close', hidden: true, run: onClose },
  ]);
  const room = Math.max(1, bounds.height - MODAL_CHROME_HEIGHT);
  // One line says where the view is, when it scrolls.
  const scroll = useScroll('message', lines.length, lines.length > room ? room - 1 : room, 'Message');
  return (
    <Modal title="Message (whole)" width={width} tone={notice.kind === 'error' ? 'danger' : notice.kind === 'warning' ? 'warning' : 'normal'}>
      {lines.slice(scroll.top, scroll.top + scroll.size).map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line || ' '}
        </Text>
      ))}
      {scroll.scrollable ? (
        <Text wrap="truncate-end" {...theme.style('accent')}>
          {`${scroll.position} · ↑↓ PgUp/PgDn scroll`}
        </Text>
      ) : null}
    </Modal>
  );
}
