// Draws the dialog stack over the content area. Only the newest dialog takes
// keys (LayerProvider active); a barrier keeps every key away from the screen
// and the global commands while any dialog is open. Clipping is vertical only:
// dialogs are never wider than the content area (dialogWidth), and Ink clips
// horizontally by slicing every line again (see app.tsx).
import type { ReactNode } from 'react';
import { Box } from 'ink';
import { LayerProvider, useKeyCapture, type KeyPress } from '../keys/index.js';
import { DialogBoundsContext } from '../components/modal.js';

export interface DialogEntry {
  readonly id: number;
  readonly element: ReactNode;
}

// Ctrl-C passes when the top dialog did not use it (a dialog without a cancel
// action), so the user can always reach "quit".
const swallowAllButCtrlC = (key: KeyPress) => !(key.ctrl && key.name === 'c');

function Barrier() {
  useKeyCapture('Dialog', swallowAllButCtrlC, { kind: 'barrier', layer: 'dialog' });
  return null;
}

export function DialogHost({ dialogs, width, height }: { dialogs: readonly DialogEntry[]; width: number; height: number }) {
  if (dialogs.length === 0) return null;
  return (
    <DialogBoundsContext.Provider value={{ width, height }}>
      <Barrier />
      {dialogs.map((dialog, index) => (
        <Box key={dialog.id} position="absolute" width={width} height={height} justifyContent="center" alignItems="center" overflowY="hidden">
          <LayerProvider layer="dialog" active={index === dialogs.length - 1}>
            {dialog.element}
          </LayerProvider>
        </Box>
      ))}
    </DialogBoundsContext.Provider>
  );
}
