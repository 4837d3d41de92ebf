// "Discard unsaved changes on Accounts? (y/N)". y answers yes, n, Esc and
// Ctrl-C answer no, Enter takes the default (No unless defaultYes). A question
// Ctrl-C itself asked (quit?) takes a second Ctrl-C as yes (ctrlCConfirms). Detail
// longer than the dialog's room scrolls (↑↓ PgUp/PgDn g/G): every line of
// what a yes will do can be read before answering.
import { useMemo } from 'react';
import { Text } from 'ink';
import { useCommands } from '../keys/index.js';
import { useTheme } from '../theme.js';
import { displayWidth, truncate } from '../text.js';
import { dialogWidth, Modal, MODAL_CHROME_HEIGHT, useDialogBounds } from './modal.js';
import { useScroll } from './scroll.js';

export interface ConfirmOptions {
  /** The question, without the "(y/N)". */
  readonly message: string;
  readonly title?: string;
  /** Lines of detail under the question (what will happen); all of them, the dialog scrolls when they do not fit. */
  readonly detail?: readonly string[];
  readonly defaultYes?: boolean;
  readonly danger?: boolean;
  /** Ctrl-C answers yes, with this footer hint ("quit"): for the question quitting asks, a second Ctrl-C quits. */
  readonly ctrlCConfirms?: string;
}

export interface ConfirmDialogProps extends ConfirmOptions {
  readonly onAnswer: (yes: boolean) => void;
}

export function confirmPrompt(message: string, defaultYes = false): string {
  return `${message} ${defaultYes ? '(Y/n)' : '(y/N)'}`;
}

export function ConfirmDialog({ message, title = 'Confirm', detail = [], defaultYes = false, danger = false, ctrlCConfirms, onAnswer }: ConfirmDialogProps) {
  const theme = useTheme();
  const bounds = useDialogBounds();
  const prompt = confirmPrompt(message, defaultYes);
  const detailWidth = useMemo(() => detail.reduce((max, line) => Math.max(max, displayWidth(line)), 0), [detail]);
  const width = dialogWidth(bounds, Math.max(displayWidth(prompt), detailWidth, displayWidth(title)));
  const inner = width - 4;
  // Under the title: the question, then the detail; when the detail does not fit, a line says where it is.
  const room = Math.max(1, bounds.height - MODAL_CHROME_HEIGHT - 1);
  const scroll = useScroll('confirm', detail.length, detail.length > room ? room - 1 : room, 'Confirm');
  useCommands('Confirm', [
    { id: 'confirm.yes', keys: ['y', 'Y'], description: 'Yes', hint: 'yes', run: () => onAnswer(true) },
    { id: 'confirm.no', keys: ['n', 'N'], description: 'No', hint: 'no', run: () => onAnswer(false) },
    { id: 'confirm.default', keys: ['enter'], description: defaultYes ? 'Yes (default)' : 'No (default)', hint: defaultYes ? 'yes' : 'no', run: () => onAnswer(defaultYes) },
    // Before the frame's Ctrl-C (cancel), which registers at a lower priority.
    ...(ctrlCConfirms ? [{ id: 'confirm.ctrlC', keys: ['ctrl+c'], description: `Yes: ${ctrlCConfirms}`, hint: ctrlCConfirms, run: () => onAnswer(true) }] : []),
  ]);
  return (
    <Modal title={title} width={width} onCancel={() => onAnswer(false)} tone={danger ? 'danger' : 'warning'}>
      <Text wrap="truncate-end" {...theme.style(danger ? 'danger' : 'normal')}>
        {/* A question cut to the width keeps its answers: "… (y/N)". */}
        {displayWidth(prompt) <= inner ? prompt : confirmPrompt(truncate(message, Math.max(1, inner - 6)), defaultYes)}
      </Text>
      {detail.slice(scroll.top, scroll.top + scroll.size).map((line, i) => (
        <Text key={i} wrap="truncate-end" {...theme.style('muted')}>
          {truncate(line, inner) || ' '}
        </Text>
      ))}
      {scroll.scrollable ? (
        <Text wrap="truncate-end" {...theme.style('accent')}>
          {truncate(`${scroll.position} · ↑↓ PgUp/PgDn scroll`, inner)}
        </Text>
      ) : null}
    </Modal>
  );
}
