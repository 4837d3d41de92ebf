// "Discard unsaved changes on Accounts? (y/N)". y answers yes, n, Esc and
// Ctrl-C answer no, Enter takes the default (No unless defaultYes).
import { Text } from 'ink';
import { useCommands } from '../keys/index.js';
import { useTheme } from '../theme.js';
import { displayWidth, truncate } from '../text.js';
import { dialogWidth, Modal, useDialogBounds } from './modal.js';

export interface ConfirmOptions {
  /** The question, without the "(y/N)". */
  readonly message: string;
  readonly title?: string;
  /** Lines of detail under the question (what will happen). */
  readonly detail?: readonly string[];
  readonly defaultYes?: boolean;
  readonly danger?: boolean;
}

export interface ConfirmDialogProps extends ConfirmOptions {
  readonly onAnswer: (yes: boolean) => void;
}

export function confirmPrompt(message: string, defaultYes = false): string {
  return `${message} ${defaultYes ? '(Y/n)' : '(y/N)'}`;
}

export function ConfirmDialog({ message, title = 'Confirm', detail = [], defaultYes = false, danger = false, onAnswer }: ConfirmDialogProps) {
  const theme = useTheme();
  const bounds = useDialogBounds();
  const prompt = confirmPrompt(message, defaultYes);
  const width = dialogWidth(bounds, Math.max(displayWidth(prompt), ...detail.map(displayWidth), displayWidth(title)));
  const inner = width - 4;
  useCommands('Confirm', [
    { id: 'confirm.yes', keys: ['y', 'Y'], description: 'Yes', hint: 'yes', run: () => onAnswer(true) },
    { id: 'confirm.no', keys: ['n', 'N'], description: 'No', hint: 'no', run: () => onAnswer(false) },
    { id: 'confirm.default', keys: ['enter'], description: defaultYes ? 'Yes (default)' : 'No (default)', hint: defaultYes ? 'yes' : 'no', run: () => onAnswer(defaultYes) },
  ]);
  return (
    <Modal title={title} width={width} onCancel={() => onAnswer(false)} tone={danger ? 'danger' : 'warning'}>
      <Text wrap="truncate-end" {...theme.style(danger ? 'danger' : 'normal')}>
        {truncate(prompt, inner)}
      </Text>
      {detail.map((line, i) => (
        <Text key={i} wrap="truncate-end" {...theme.style('muted')}>
          {truncate(line, inner)}
        </Text>
      ))}
    </Modal>
  );
}
