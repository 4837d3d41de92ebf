// The block under a screen's table: a few detail lines about the cursor row
// (problems, explanations), then one status line. Every row is a single,
// cut-to-width line of text, so vendor text cannot break the frame; a detail too
// long for one row goes on in the rows the others leave free (80 columns).
import { Box, Text } from 'ink';
import { truncate, toSingleLine, wrap } from '../text.js';
import { useTheme, type Tone } from '../theme.js';

export interface ToneLine {
  text: string;
  tone: Tone;
}

/**
 * The detail lines as rows: each line gets one row, and a line too long for its row wraps
 * into the rows left over (earlier lines first); what still does not fit is cut.
 */
export function detailRows(lines: readonly ToneLine[], width: number, rows: number): ToneLine[] {
  const shown = lines.slice(0, rows);
  let spare = rows - shown.length;
  const out: ToneLine[] = [];
  for (const line of shown) {
    const text = toSingleLine(line.text);
    // The leading space of every row, kept on the continued rows too.
    const wrapped = wrap(text, Math.max(1, width - 1));
    const take = Math.min(wrapped.length, 1 + spare);
    spare -= take - 1;
    const parts = take === wrapped.length ? wrapped : [...wrapped.slice(0, take - 1), wrapped.slice(take - 1).join(' ')];
    for (const part of take === 1 ? [text] : parts) out.push({ text: part, tone: line.tone });
  }
  return out;
}

/** `height` lines in all: `height - 1` detail rows (blank when fewer), then the status line. */
export function DetailLines({ width, height, lines, status }: { width: number; height: number; lines: readonly ToneLine[]; status: ToneLine }) {
  const theme = useTheme();
  const rows = detailRows(lines, width, height - 1);
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      {Array.from({ length: height - 1 }, (_, i) => {
        const line = rows[i];
        return (
          <Text key={i} wrap="truncate-end" {...(line ? theme.style(line.tone) : {})}>
            {line ? truncate(` ${line.text}`, width) : ' '}
          </Text>
        );
      })}
      <Text wrap="truncate-end" {...theme.style(status.tone)}>
        {truncate(` ${status.text}`, width)}
      </Text>
    </Box>
  );
}
