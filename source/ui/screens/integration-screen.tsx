// What every tab that edits one integration shares: the options it is built
// with, and reading the integration once per mount ("discard unsaved changes"
// remounts the screen, which reloads the saved settings).
import { useState, type ComponentType } from 'react';
import { Text } from 'ink';
import type { ConsoleSession } from '../../console/session.js';
import type { Integration } from '../../domain/config.js';
import { quoteName } from '../../domain/mapping.js';
import type { ScreenDefinition, ScreenProps } from '../screen.js';
import { truncate } from '../text.js';

export interface IntegrationScreenOptions {
  readonly session: ConsoleSession;
  readonly integrationName: string;
}

export type IntegrationEditorProps = ScreenProps & IntegrationScreenOptions & { integration: Integration };

/**
 * A tab over one integration: `create(options)` for the shell, `Screen` for tests. A title
 * given as a function is asked of the integration (the PSA's own word for the tab: ConnectWise
 * "Products" for Services); `fallback` is used when the integration does not exist.
 */
export function integrationScreen(id: string, title: string | { of: (integration: Integration) => string; fallback: string }, Editor: ComponentType<IntegrationEditorProps>) {
  function Screen(props: ScreenProps & IntegrationScreenOptions) {
    const [integration] = useState(() => props.session.integration(props.integrationName));
    if (!integration) {
      return <Text wrap="truncate-end">{truncate(` There is no integration named ${quoteName(props.integrationName)}. Create it on Connections first.`, props.width)}</Text>;
    }
    return <Editor {...props} integration={integration} />;
  }
  const titleOf = (options: IntegrationScreenOptions): string => {
    if (typeof title === 'string') return title;
    const integration = options.session.integration(options.integrationName);
    return integration ? title.of(integration) : title.fallback;
  };
  const create = (options: IntegrationScreenOptions): ScreenDefinition => ({ id, title: titleOf(options), render: (props) => <Screen {...props} {...options} /> });
  return { create, Screen };
}
