// A single-line input. Masked mode (secrets) never renders the value: only one
// mask glyph per character, so the user sees that typing arrives.
import { Box, Text } from 'ink';
import { useTheme } from '../../theme.js';
import { displayWidth, graphemes, truncate, truncateStart } from '../../text.js';
import type { TextFieldModel } from './use-text-field-state.js';

export interface TextFieldProps {
  readonly field: Pick<TextFieldModel, 'value' | 'caret'>;
  /** Cells for the value including the caret. */
  readonly width: number;
  readonly focused: boolean;
  readonly mask?: boolean;
  readonly placeholder?: string;
  /** Text before the value ("Filter: ", "/"). */
  readonly prefix?: string;
  /** Validation message shown under the field. */
  readonly error?: string;
}

/** The visible text of a field: value (or mask), caret glyph when focused, scrolled to keep the caret in view. */
export function renderFieldText(value: string, caret: number, width: number, options: { focused: boolean; mask: boolean; caretGlyph: string; maskGlyph: string }): { before: string; caret: string; after: string } {
  const parts = graphemes(value).map((g) => (options.mask ? options.maskGlyph : g));
  const at = Math.min(caret, parts.length);
  const caretText = options.focused ? options.caretGlyph : '';
  const room = Math.max(0, width - displayWidth(caretText));
  let before = parts.slice(0, at).join('');
  let after = parts.slice(at).join('');
  if (displayWidth(before) + displayWidth(after) > room) {
    // Keep the caret in view: some text after it when there is any, the rest before it.
    const afterRoom = Math.min(displayWidth(after), Math.floor(room / 3));
    before = truncateStart(before, room - afterRoom);
    after = truncate(after, room - displayWidth(before));
  }
  return { before, caret: caretText, after };
}

export function TextField({ field, width, focused, mask = false, placeholder, prefix = '', error }: TextFieldProps) {
  const theme = useTheme();
  const inner = Math.max(1, width - displayWidth(prefix));
  const text = renderFieldText(field.value, field.caret, inner, { focused, mask, caretGlyph: theme.glyphs.caret, maskGlyph: theme.glyphs.mask });
  const showPlaceholder = field.value === '' && placeholder;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        {prefix}
        {text.before}
        <Text {...theme.style('accent')}>{text.caret}</Text>
        {showPlaceholder ? <Text {...theme.style('muted')}>{truncate(placeholder, Math.max(0, inner - displayWidth(text.caret)))}</Text> : text.after}
      </Text>
      {error ? (
        <Text wrap="truncate-end" {...theme.style('danger')}>
          {`! ${error}`}
        </Text>
      ) : null}
    </Box>
  );
}
