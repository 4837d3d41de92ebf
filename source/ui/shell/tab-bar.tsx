import { Text } from 'ink';
import { useTheme } from '../theme.js';
import { displayWidth, truncate } from '../text.js';

export interface TabInfo {
  readonly id: string;
  readonly title: string;
  readonly dirty: boolean;
}

/** The label of each tab: "1 Connections", the active one in brackets, unsaved ones with "*". */
export function tabLabels(tabs: readonly TabInfo[], activeIndex: number, width: number, glyphs: { activeOpen: string; activeClose: string; changed: string }): string[] {
  const label = (tab: TabInfo, i: number, short: boolean) => {
    const text = `${i + 1}${short && i !== activeIndex ? '' : ` ${tab.title}`}${tab.dirty ? glyphs.changed : ''}`;
    return i === activeIndex ? `${glyphs.activeOpen}${text}${glyphs.activeClose}` : ` ${text} `;
  };
  const full = tabs.map((t, i) => label(t, i, false));
  if (displayWidth(full.join('')) <= width) return full;
  // Narrow terminal: inactive tabs shrink to their number key.
  return tabs.map((t, i) => label(t, i, true));
}

export function TabBar({ tabs, activeIndex, width }: { tabs: readonly TabInfo[]; activeIndex: number; width: number }) {
  const theme = useTheme();
  const labels = tabLabels(tabs, activeIndex, width, theme.glyphs);
  let used = 0;
  return (
    <Text wrap="truncate-end" aria-role="tablist">
      {labels.map((text, i) => {
        const piece = truncate(text, Math.max(0, width - used));
        used += displayWidth(piece);
        return (
          <Text key={tabs[i]!.id} {...theme.style(i === activeIndex ? 'accent' : 'muted')} bold={i === activeIndex && theme.colored}>
            {piece}
          </Text>
        );
      })}
    </Text>
  );
}
