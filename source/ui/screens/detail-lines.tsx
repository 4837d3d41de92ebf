// The block under a screen's table: a few detail lines about the cursor row
// (problems, explanations), then one status line. Every line is a single,
// cut-to-width line of text, so vendor text cannot break the frame.
import { Box, Text } from 'ink';
import { truncate, toSingleLine } from '../text.js';
import { useTheme, type Tone } from '../theme.js';

export interface ToneLine {
  text: string;
  tone: Tone;
}

/** `height` lines in all: `height - 1` detail lines (blank when fewer), then the status line. */
export function DetailLines({ width, height, lines, status }: { width: number; height: number; lines: readonly ToneLine[]; status: ToneLine }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      {Array.from({ length: height - 1 }, (_, i) => {
        const line = lines[i];
        return (
          <Text key={i} wrap="truncate-end" {...(line ? theme.style(line.tone) : {})}>
            {line ? truncate(` ${toSingleLine(line.text)}`, width) : ' '}
          </Text>
        );
      })}
      <Text wrap="truncate-end" {...theme.style(status.tone)}>
        {truncate(` ${status.text}`, width)}
      </Text>
    </Box>
  );
}
