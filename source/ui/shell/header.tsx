import { Text } from 'ink';
import { useTheme } from '../theme.js';
import { displayWidth, truncate } from '../text.js';

/**
 * "kmsp · demo · KSC × Autotask" on the left (the integration shown, and its platform and PSA),
 * then a state badge such as "PAUSED" (a word, so it reads without colour); which tabs hold
 * unsaved changes on the right (in words, not only colour). On a narrow terminal the badge's
 * first word stays longest: it is what must not be missed; the name is cut from its end.
 */
export function Header({ integrationName, detail, unsaved, width, badge }: { integrationName?: string | undefined; detail?: string | undefined; unsaved: readonly string[]; width: number; badge?: string | undefined }) {
  const theme = useTheme();
  const sep = ` ${theme.glyphs.separator} `;
  const name = integrationName ? `kmsp${sep}${integrationName}${detail ? `${sep}${detail}` : ''}` : 'kmsp';
  const right = unsaved.length > 0 ? `unsaved changes: ${unsaved.join(', ')}` : '';
  const badgeText = badge ? ` ${badge} ` : '';
  const badgeMin = badge ? displayWidth(badge.split(' ')[0]!) + 2 : 0;
  const left = truncate(name, Math.max(4, width - displayWidth(right) - badgeMin - 3));
  const shownBadge = badge ? truncate(badgeText, Math.max(badgeMin, width - displayWidth(left) - displayWidth(right) - 3)) : '';
  const used = displayWidth(left) + (shownBadge ? 2 + displayWidth(shownBadge) : 0);
  const gap = ' '.repeat(Math.max(1, width - used - displayWidth(right)));
  return (
    <Text wrap="truncate-end">
      <Text {...theme.style('title')}>{left}</Text>
      {shownBadge ? (
        <>
          {'  '}
          <Text {...theme.style('warning')} inverse={theme.colored}>
            {shownBadge}
          </Text>
        </>
      ) : null}
      {right ? (
        <>
          {gap}
          <Text {...theme.style('warning')}>{truncate(right, Math.max(0, width - used - 1))}</Text>
        </>
      ) : null}
    </Text>
  );
}
