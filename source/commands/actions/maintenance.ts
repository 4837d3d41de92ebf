// The actions of kmsp maintenance add | list | end, loaded when one runs (commands/maintenance.ts
// declares them). README › Maintenance windows.
//
// A window names its tenant as the integration maps it (Accounts): by name (any case) or id; a
// device by name (any case) or id among the tenant's devices as the platform lists them now.
// Times are read and shown in the time zone of the person at the terminal (TZ, else the
// system's), and the zone is named wherever a time is shown.
import type { Command } from 'commander';
import { toCsv, toJson } from '../../billing/format.js';
import { createPlatform } from '../../connectors/factory.js';
import type { Integration, TenantMapping } from '../../domain/config.js';
import { KmspError } from '../../domain/errors.js';
import {
  describeLength,
  effectiveEnd,
  formatWindowTime,
  MAX_WINDOW_DAYS,
  parseDuration,
  parseWhen,
  userTimeZone,
  windowRequestError,
  windowState,
  windowTarget,
  type MaintenanceWindow,
} from '../../domain/maintenance.js';
import { tenantWord } from '../../domain/config.js';
import { defaultActor, openConfig } from '../../store/config.js';
import { openLedger, type Ledger } from '../../store/ledger.js';
import type { KmspPaths } from '../../store/paths.js';
import { openSecretStore } from '../../store/secrets.js';
import { knownFormat, checkedPathsOf, guarded, writeData, type CommandIo } from '../common.js';
import { FORMATS } from '../maintenance.js';

interface AddOptions {
  device?: string;
  for?: string;
  until?: string;
  start?: string;
  reason: string;
  by?: string;
  integration?: string;
}

interface ListOptions {
  format: string;
  all?: boolean;
  integration?: string;
}

interface EndOptions {
  by?: string;
  reason?: string;
}

const ACTOR = 'kmsp maintenance';

function openAuditLedger(paths: KmspPaths, refused: string): Ledger {
  try {
    return openLedger({ paths });
  } catch (error) {
    throw new KmspError(`${refused}: the ledger, where maintenance windows are kept, cannot be opened.`, {
      kind: 'config',
      cause: error instanceof Error ? error.message.split('\n')[0] : String(error),
      remedy: `Fix access to ${paths.ledgerFile} and run the command again; nothing was recorded.`,
    });
  }
}

const fold = (s: string) => s.trim().toLocaleLowerCase();

/** The integration and mapped tenant TENANT names: by id, else by name (any case). */
export function findTenant(integrations: readonly Integration[], tenant: string, integrationName: string | undefined): { integration: Integration; mapping: TenantMapping } {
  const refused = 'No window set';
  let pool = integrations;
  if (integrationName !== undefined) {
    const found = integrations.find((i) => i.name === integrationName);
    if (!found) {
      throw new KmspError(`${refused}: there is no integration named “${integrationName}”.`, {
        kind: 'config',
        cause: `Configured: ${integrations.map((i) => i.name).join(', ') || 'none'}.`,
        remedy: 'Give one of those names with --integration.',
      });
    }
    pool = [found];
  }
  const byId = pool.flatMap((i) => i.tenants.filter((m) => m.tenantId === tenant).map((mapping) => ({ integration: i, mapping })));
  const hits = byId.length > 0 ? byId : pool.flatMap((i) => i.tenants.filter((m) => fold(m.tenantName) === fold(tenant)).map((mapping) => ({ integration: i, mapping })));
  if (hits.length === 1) return hits[0]!;
  if (hits.length === 0) {
    const where = integrationName !== undefined ? `integration “${integrationName}”` : pool.length === 1 ? `integration “${pool[0]!.name}”` : 'any integration';
    throw new KmspError(`${refused}: no ${pool[0] ? tenantWord(pool[0].platform.kind) : 'tenant'} “${tenant}” in ${where}.`, {
      kind: 'config',
      cause: 'A window is set for a tenant the integration holds (its Accounts tab), named as there or by its id.',
      remedy: 'Check the name on Accounts (or give the id); with several integrations, add --integration NAME.',
    });
  }
  const integrationsHit = [...new Set(hits.map((h) => h.integration.name))];
  if (integrationsHit.length > 1) {
    throw new KmspError(`${refused}: “${tenant}” is in several integrations (${integrationsHit.join(', ')}).`, {
      kind: 'config',
      cause: 'The window would hold tickets back in one of them only.',
      remedy: `Add --integration NAME (one of ${integrationsHit.join(', ')}).`,
    });
  }
  throw new KmspError(`${refused}: ${hits.length} tenants are named “${tenant}” in “${integrationsHit[0]}”.`, {
    kind: 'config',
    cause: `Their ids: ${hits.map((h) => h.mapping.tenantId).join(', ')}.`,
    remedy: 'Give the id of the one you mean instead of the name.',
  });
}

/** The device DEVICE (id, else name in any case) among the tenant's devices as the platform lists them now. */
async function findDevice(paths: KmspPaths, integration: Integration, mapping: TenantMapping, device: string): Promise<{ id: string; name: string }> {
  const secrets = openSecretStore({ paths });
  const platform = await createPlatform(integration, (n) => secrets.get(n));
  try {
    const tenants = await platform.listTenants();
    const tenant = tenants.find((t) => t.id === mapping.tenantId);
    if (!tenant) {
      throw new KmspError(`No window set: “${mapping.tenantName}” (${mapping.tenantId}) is no longer on the platform.`, {
        kind: 'config',
        cause: 'Its devices cannot be listed.',
        remedy: 'Check the tenant on Accounts (r reloads it), or set the window for the tenant as a whole.',
      });
    }
    const devices = await platform.listDevices(tenant);
    const byId = devices.filter((d) => d.id === device);
    const hits = byId.length > 0 ? byId : devices.filter((d) => fold(d.name) === fold(device));
    if (hits.length === 1) return { id: hits[0]!.id, name: hits[0]!.name };
    if (hits.length === 0) {
      throw new KmspError(`No window set: no device “${device}” in “${mapping.tenantName}”.`, {
        kind: 'config',
        cause: `The platform lists ${devices.length} device${devices.length === 1 ? '' : 's'} for it; none has that name or id.`,
        remedy: 'Give the device name as the platform shows it, or its id.',
      });
    }
    throw new KmspError(`No window set: ${hits.length} devices of “${mapping.tenantName}” are named “${device}”.`, {
      kind: 'config',
      cause: `Their ids: ${hits.map((d) => d.id).join(', ')}.`,
      remedy: 'Give the id of the one you mean.',
    });
  } finally {
    await platform.close();
  }
}

function timeOption(text: string, option: string, zone: string, now: Date): Date {
  const at = parseWhen(text, zone, now);
  if (at) return at;
  throw new KmspError(`No window set: ${option} “${text}” is not a time kmsp reads.`, {
    kind: 'config',
    cause: `Times are "now", "YYYY-MM-DD HH:MM" or "YYYY-MM-DD" in your time zone (${zone}), or an ISO time with its offset such as 2026-12-08T06:00Z.`,
    remedy: `Write ${option} in one of those forms.`,
  });
}

/** The window's start and end from --start, --for and --until. */
function windowTimes(o: AddOptions, zone: string, now: Date): { start: Date; end: Date } {
  const start = o.start !== undefined ? timeOption(o.start, '--start', zone, now) : now;
  if ((o.for === undefined) === (o.until === undefined)) {
    throw new KmspError(`No window set: give ${o.for === undefined ? 'either --for or --until' : 'only one of --for and --until'}.`, {
      kind: 'config',
      cause: 'A window needs an end: how long it lasts (--for 4h) or when it ends (--until "2026-12-08 06:00").',
      remedy: `Add --for (such as 4h, 2d; at most ${MAX_WINDOW_DAYS}d) or --until.`,
    });
  }
  if (o.for !== undefined) {
    const ms = parseDuration(o.for);
    if (ms === null) {
      throw new KmspError(`No window set: --for “${o.for}” is not a duration.`, {
        kind: 'config',
        cause: 'A duration is a number with m (minutes), h (hours) or d (days), such as 90m, 4h, 2d or 1d12h.',
        remedy: `Write --for in that form (at most ${MAX_WINDOW_DAYS}d).`,
      });
    }
    return { start, end: new Date(start.getTime() + ms) };
  }
  return { start, end: timeOption(o.until!, '--until', zone, now) };
}

interface WindowRow {
  id: number;
  integration: string;
  tenantId: string;
  tenantName: string;
  deviceId: string | null;
  deviceName: string | null;
  state: string;
  startsAt: string;
  endsAt: string;
  endedAt: string | null;
  reason: string;
  createdBy: string;
  createdAt: string;
  endedBy: string | null;
}

const WINDOW_FIELDS: ReadonlyArray<keyof WindowRow> = ['id', 'integration', 'tenantId', 'tenantName', 'deviceId', 'deviceName', 'state', 'startsAt', 'endsAt', 'endedAt', 'reason', 'createdBy', 'createdAt', 'endedBy'];

async function listText(windows: MaintenanceWindow[], format: (typeof FORMATS)[number], zone: string, now: Date, all: boolean): Promise<string> {
  const rows: WindowRow[] = windows.map((w) => ({ ...w, state: windowState(w, now) }));
  if (format === 'csv') return toCsv(rows, WINDOW_FIELDS);
  if (format === 'json') return toJson(rows, WINDOW_FIELDS);
  if (rows.length === 0) return all ? 'No maintenance windows.\n' : 'No maintenance window is active or upcoming (--all lists the past ones).\n';
  const { renderTable } = await import('../../ui/print.js');
  const table = renderTable(
    windows.map((w) => ({
      Id: w.id,
      Integration: w.integration,
      Covers: windowTarget(w),
      State: windowState(w, now),
      From: formatWindowTime(w.startsAt, zone).replace(` ${zone}`, ''),
      Until: formatWindowTime(new Date(effectiveEnd(w)), zone).replace(` ${zone}`, ''),
      Reason: w.reason,
      'Set by': w.createdBy + (w.endedBy ? `; ended by ${w.endedBy}` : ''),
    })),
  );
  return `${table}\nTimes in ${zone}. ${rows.length} window${rows.length === 1 ? '' : 's'}.\n`;
}

export function maintenanceActions(io: CommandIo) {
  return {
    add: guarded(io, async (tenant: string, options: AddOptions, command: Command) => {
      const paths = checkedPathsOf(command, 'config', { refused: 'No window set: ' });
      const config = openConfig({ paths, onInvalid: 'fail' }).load();
      const integrationName = options.integration ?? (command.optsWithGlobals() as { integration?: string }).integration;
      const { integration, mapping } = findTenant(config.integrations, tenant, integrationName);
      const zone = userTimeZone();
      const now = new Date();
      const { start, end } = windowTimes(options, zone, now);
      const actor = options.by?.trim() || defaultActor(ACTOR);
      const problem = windowRequestError({ start, end, reason: options.reason, actor, now }, 'No window set');
      if (problem) throw problem;
      const device = options.device !== undefined ? await findDevice(paths, integration, mapping, options.device) : null;
      const ledger = openAuditLedger(paths, 'No window set');
      try {
        const w = ledger.addMaintenanceWindow({
          integration: integration.name,
          tenantId: mapping.tenantId,
          tenantName: mapping.tenantName,
          deviceId: device?.id ?? null,
          deviceName: device?.name ?? null,
          startsAt: start.toISOString(),
          endsAt: end.toISOString(),
          reason: options.reason.trim(),
          createdBy: actor,
        });
        io.out(`Maintenance window ${w.id}: no tickets for ${windowTarget(w)} (${integration.name}) from ${formatWindowTime(start, zone)} until ${formatWindowTime(end, zone)} (${describeLength(end.getTime() - start.getTime())}): ${w.reason}.\n`);
        io.out(`Conditions still active when it ends get their tickets at the next poll; events raised inside it get none. Tickets already open still close when their condition clears.\n`);
        io.out(`Recorded in the ledger's audit as ${actor}. End it early with: kmsp maintenance end ${w.id}\n`);
      } finally {
        ledger.close();
      }
    }),
    list: guarded(io, async (options: ListOptions, command: Command) => {
      if (!knownFormat(io, options.format, FORMATS)) return;
      const paths = checkedPathsOf(command, 'config');
      const integration = options.integration ?? (command.optsWithGlobals() as { integration?: string }).integration;
      const ledger = openAuditLedger(paths, 'Not listed');
      try {
        const now = new Date();
        const windows = ledger.maintenanceWindows({ ...(integration !== undefined ? { integration } : {}), now, all: options.all === true });
        const format = options.format as (typeof FORMATS)[number];
        const text = await listText(windows, format, userTimeZone(), now, options.all === true);
        if (format === 'table') io.out(text);
        else writeData(io, text);
      } finally {
        ledger.close();
      }
    }),
    end: guarded(io, async (id: string, options: EndOptions, command: Command) => {
      if (!/^\d+$/.test(id.trim())) {
        throw new KmspError(`Not ended: “${id}” is not a window id.`, {
          kind: 'config',
          cause: 'A window is ended by the number kmsp maintenance list shows in its Id column.',
          remedy: 'Run kmsp maintenance list and give that number.',
        });
      }
      const paths = checkedPathsOf(command, 'config', { refused: 'Not ended: ' });
      const ledger = openAuditLedger(paths, 'Not ended');
      try {
        const by = options.by?.trim() || defaultActor(ACTOR);
        const reason = options.reason?.trim();
        const outcome = ledger.endMaintenanceWindow(Number(id), { by, ...(reason ? { reason } : {}) });
        if (!outcome) {
          throw new KmspError(`Not ended: there is no maintenance window ${id}.`, {
            kind: 'config',
            cause: 'The ledger holds no window with that id.',
            remedy: 'Run kmsp maintenance list --all to see the windows and their ids.',
          });
        }
        const w = outcome.window;
        const zone = userTimeZone();
        if (!outcome.ended) {
          io.out(`Maintenance window ${w.id} (${windowTarget(w)}) is already over (${formatWindowTime(new Date(effectiveEnd(w)), zone)}); nothing changed.\n`);
          return;
        }
        io.out(`Ended maintenance window ${w.id} (${windowTarget(w)}, ${w.integration}) at ${formatWindowTime(w.endedAt!, zone)}. Conditions still active get their tickets at the agent's next poll.\n`);
        io.out(`Recorded in the ledger's audit as ${by}${reason ? ` (${reason})` : ''}.\n`);
      } finally {
        ledger.close();
      }
    }),
  };
}
