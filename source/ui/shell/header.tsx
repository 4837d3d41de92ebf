import { Text } from 'ink';
import { useTheme } from '../theme.js';
import { displayWidth, truncate } from '../text.js';

/** "kmsp · demo" on the left; which tabs hold unsaved changes on the right (in words, not only colour). */
export function Header({ integrationName, unsaved, width }: { integrationName?: string; unsaved: readonly string[]; width: number }) {
  const theme = useTheme();
  const name = integrationName ? `kmsp ${theme.glyphs.separator} ${integrationName}` : 'kmsp';
  const right = unsaved.length > 0 ? `unsaved changes: ${unsaved.join(', ')}` : '';
  const left = truncate(name, Math.max(4, width - displayWidth(right) - 2));
  const gap = ' '.repeat(Math.max(1, width - displayWidth(left) - displayWidth(right)));
  return (
    <Text wrap="truncate-end">
      <Text {...theme.style('title')}>{left}</Text>
      {right ? (
        <>
          {gap}
          <Text {...theme.style('warning')}>{truncate(right, Math.max(0, width - displayWidth(left) - 1))}</Text>
        </>
      ) : null}
    </Text>
  );
}
