// Frame of every dialog: a bordered box drawn over the screen. A layer of
// spaces under the content blanks the screen's text behind it (Ink draws later
// siblings over earlier ones, and we never rely on a background colour: there
// is none without colour). Esc and Ctrl-C cancel; dialogs' own Esc handling
// (e.g. leaving a filter) comes first because the frame registers at priority -1.
import { createContext, useContext, useRef, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { useCommands } from '../keys/index.js';
import { useTheme } from '../theme.js';
import { truncate } from '../text.js';

/** Room the dialog host gives a dialog (the content area), in cells. */
export interface DialogBounds {
  readonly width: number;
  readonly height: number;
}

export const DialogBoundsContext = createContext<DialogBounds>({ width: 80, height: 20 });

export function useDialogBounds(): DialogBounds {
  return useContext(DialogBoundsContext);
}

/** Border (2) and horizontal padding (2) around the content. */
export const MODAL_CHROME_WIDTH = 4;
/** Border (2) and the title line. */
export const MODAL_CHROME_HEIGHT = 3;

/** A dialog width for content that wants `preferred` cells, within the bounds. */
export function dialogWidth(bounds: DialogBounds, preferred: number): number {
  return Math.max(20, Math.min(bounds.width, preferred + MODAL_CHROME_WIDTH));
}

export interface ModalProps {
  readonly title: string;
  /** Outer width including the border. */
  readonly width: number;
  readonly onCancel?: () => void;
  readonly tone?: 'normal' | 'danger' | 'warning';
  readonly children: ReactNode;
}

export function Modal({ title, width, onCancel, tone = 'normal', children }: ModalProps) {
  const theme = useTheme();
  const inner = Math.max(1, width - MODAL_CHROME_WIDTH);
  useCommands(
    'Dialog',
    onCancel
      ? [
          { id: 'dialog.cancel', keys: ['escape'], description: 'Cancel', hint: 'cancel', run: () => onCancel() },
          { id: 'dialog.cancelCtrlC', keys: ['ctrl+c'], description: 'Cancel', hidden: true, run: () => onCancel() },
        ]
      : [],
    { priority: -1 },
  );
  const bounds = useDialogBounds();
  const renders = useRef(0);
  renders.current++;
  // As wide as the inside of the border, so the layer needs no width clip (see app.tsx: Ink slices every line under one).
  const blank = ' '.repeat(Math.max(0, width - 2));
  return (
    <Box flexDirection="column" width={width} borderStyle="single" {...(theme.colored ? { borderColor: tone === 'normal' ? 'cyan' : tone === 'danger' ? 'red' : 'yellow' } : {})}>
      {/* The blanking layer sits inside the border but outside the padding, so it covers every inner cell. */}
      {/* A new node every render: Yoga keeps the 100% height of an absolute box from the layout in
          which it was made, so a dialog that grew (a problem or a preview appeared under a field)
          would be blanked only down to its old height and the screen behind would show through. */}
      <Box key={renders.current} position="absolute" width="100%" height="100%" overflowY="hidden" flexDirection="column" aria-hidden>
        {Array.from({ length: bounds.height }, (_, i) => (
          <Text key={i}>{blank}</Text>
        ))}
      </Box>
      <Box flexDirection="column" paddingX={1}>
        <Text wrap="truncate-end" {...theme.style('title')}>
          {truncate(title, inner)}
        </Text>
        {children}
      </Box>
    </Box>
  );
}
