// The action of kmsp report, loaded when the command runs (commands/report.ts declares it).
// kmsp report unmapped: PSA accounts no tenant is mapped to (README › The console, Reports), for scripts and spreadsheets.
import type { Command } from 'commander';
import { createPsa } from '../../connectors/factory.js';
import { psaLabel } from '../../domain/config.js';
import { describeError } from '../../domain/errors.js';
import { unmappedAccounts, unmappedToCsv, unmappedToJson, type UnmappedRow } from '../../domain/unmapped.js';
import { openConfig } from '../../store/config.js';
import { knownFormat, checkedPathsOf, writeData, type CommandIo } from '../common.js';
import { FORMATS } from '../report.js';
import { openSecretStore } from '../../store/secrets.js';

type Format = (typeof FORMATS)[number];

interface UnmappedCliOptions {
  format: string;
  integration?: string;
  type?: string;
  name?: string;
  includeExcluded?: boolean;
  activeOnly?: boolean;
}


async function format(kind: Format, rows: UnmappedRow[], psa: string): Promise<string> {
  if (kind === 'csv') return unmappedToCsv(rows);
  if (kind === 'json') return unmappedToJson(rows) + '\n';
  if (rows.length === 0) return `Every ${psa} account is mapped to a tenant (or marked excluded).\n`;
  const { renderTable } = await import('../../ui/print.js');
  const table = renderTable(rows.map((r) => ({ Account: r.name, Type: r.type, Active: r.active ? 'yes' : 'no', Excluded: r.excluded ? 'yes' : '', Id: r.accountId })));
  return `${table}\n${rows.length.toLocaleString('en-US')} unmapped ${psa} account${rows.length === 1 ? '' : 's'}\n`;
}

export function reportActions(io: CommandIo) {
  return {
    unmapped: async (options: UnmappedCliOptions, command: Command) => {
      if (!knownFormat(io, options.format, FORMATS)) return;
      try {
        const paths = checkedPathsOf(command, 'config');
        const config = openConfig({ paths, onInvalid: 'fail' }).load();
        const integration = options.integration ? config.integrations.find((i) => i.name === options.integration) : config.integrations[0];
        if (!integration) {
          io.err(
            options.integration
              ? `No integration named “${options.integration}”. Configured: ${config.integrations.map((i) => i.name).join(', ') || 'none'}.\n`
              : `No integration is configured in ${paths.configFile}.\n  Remedy: set one up in the console (kmsp), or try the demo (kmsp demo).\n`,
          );
          process.exitCode = 1;
          return;
        }
        const secrets = openSecretStore({ paths });
        const psa = await createPsa(integration, (n) => secrets.get(n));
        let rows: UnmappedRow[];
        try {
          rows = unmappedAccounts(await psa.listAccounts(), config.integrations, {
            psa: integration.psa,
            ...(options.type ? { type: options.type } : {}),
            ...(options.name ? { nameQuery: options.name } : {}),
            ...(options.includeExcluded ? { includeExcluded: true } : {}),
            ...(options.activeOnly ? { activeOnly: true } : {}),
          });
        } finally {
          await psa.close();
        }
        const kind = options.format as Format;
        const text = await format(kind, rows, psaLabel(integration.psa.kind));
        if (kind === 'table') io.out(text);
        else writeData(io, text);
      } catch (error) {
        io.err(describeError(error) + '\n');
        process.exitCode = 1;
      }
    },
  };
}
