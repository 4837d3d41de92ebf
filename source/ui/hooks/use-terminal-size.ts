// Terminal size that follows resizes. Ink 6 has no useWindowSize (7.0 added it).
// ink-testing-library's fake stdout has columns but no rows, and a pipe has
// neither: fall back to 100×30 so layouts stay sane.
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

export const FALLBACK_SIZE: TerminalSize = { columns: 100, rows: 30 };

export function readTerminalSize(stdout: { columns?: number; rows?: number }): TerminalSize {
  return {
    columns: stdout.columns && stdout.columns > 0 ? stdout.columns : FALLBACK_SIZE.columns,
    rows: stdout.rows && stdout.rows > 0 ? stdout.rows : FALLBACK_SIZE.rows,
  };
}

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readTerminalSize(stdout));
  useEffect(() => {
    const onResize = () => {
      const next = readTerminalSize(stdout);
      setSize((previous) => (previous.columns === next.columns && previous.rows === next.rows ? previous : next));
    };
    onResize(); // the size may have changed between render and subscription
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
