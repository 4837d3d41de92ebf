// The message area: one line for notices, up to three for an error (what
// failed, why, what to do — README › When something fails). Words carry the severity, colour only
// decorates.
import { Box, Text } from 'ink';
import { isKmspError } from '../../domain/errors.js';
import type { Notice, NoticeKind } from '../console-context.js';
import { useTheme, type Tone } from '../theme.js';
import { displayWidth, toSingleLine, truncate } from '../text.js';

export function toNotice(message: string | Notice | Error | unknown, kind: NoticeKind = 'info'): Notice {
  if (typeof message === 'string') return { kind, text: message };
  if (isKmspError(message)) return { kind: 'error', text: message.message, cause: message.why, remedy: message.remedy };
  if (message instanceof Error) return { kind: 'error', text: message.message };
  if (message && typeof message === 'object' && 'text' in message && 'kind' in message) return message as Notice;
  return { kind: 'error', text: String(message) };
}

const PREFIX: Record<NoticeKind, string> = { info: '', success: '', warning: 'Warning: ', error: 'Error: ' };
const TONE: Record<NoticeKind, Tone> = { info: 'normal', success: 'success', warning: 'warning', error: 'danger' };

/** A notice as paragraphs: what happened (with its severity in words), why, what to do. */
export function noticeParagraphs(notice: Notice): string[] {
  const paragraphs = [PREFIX[notice.kind] + toSingleLine(notice.text)];
  if (notice.cause) paragraphs.push(`Cause: ${toSingleLine(notice.cause)}`);
  if (notice.remedy) paragraphs.push(`Remedy: ${toSingleLine(notice.remedy)}`);
  return paragraphs;
}

export function noticeLines(notice: Notice | null): string[] {
  // A space, not '': an empty <Text> takes no line, and the footer would jump when a notice appears.
  if (!notice) return [' '];
  return noticeParagraphs(notice).map((paragraph, i) => (i === 0 ? paragraph : `  ${paragraph}`));
}

/** Whether the status line cuts the notice at this width (then the whole of it is one key away). */
export function noticeIsCut(notice: Notice | null, width: number): boolean {
  return noticeLines(notice).some((line) => displayWidth(line) > width);
}

export function StatusLine({ notice, width }: { notice: Notice | null; width: number }) {
  const theme = useTheme();
  const lines = noticeLines(notice);
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end" {...theme.style(i === 0 && notice ? TONE[notice.kind] : 'normal')}>
          {truncate(line, width)}
        </Text>
      ))}
    </Box>
  );
}
