// Title and description templates (README › Ticket rules): name the severity, the event or
// status description, the device, the tenant and the time. Titles are one line; titles and
// descriptions are cut to the PSA's limits (its profile's limits.titleMax, descriptionMax).
import type { PsaLimits } from './profiles/types.js';
import { statusDescription } from './statusDescriptions.js';
import { EVENT_SEVERITY_LABELS, type SecurityEvent } from './types.js';

/** The lengths a PSA's ticket title and description hold (PsaProfile.limits). */
export type TicketTextLimits = Pick<PsaLimits, 'titleMax' | 'descriptionMax'>;

export type TicketTemplateInput =
  /** `source`: where a device-less event comes from (its rule section's group, "Office 365"). */
  | { kind: 'event'; event: SecurityEvent; tenantName: string; source?: string }
  | {
      kind: 'condition';
      /** The condition in the platform's words (its rule row's label). */
      label: string;
      /** Where it is (its rule section's group or title, "Office 365"). */
      source: string;
      detail: string | null;
      tenantName: string;
      /** Since when it is active (the platform's time, else when kmsp saw it). */
      at: Date;
    }
  | {
      kind: 'status';
      severity: 'warning' | 'critical';
      descriptionId: string;
      deviceId: string;
      deviceName: string;
      tenantName: string;
      /** When kmsp saw the description active. */
      at: Date;
    };

/** "2024-05-01 10:03 UTC" */
export function formatTicketTime(d: Date): string {
  return Number.isNaN(d.getTime()) ? 'unknown time' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Control characters and line breaks become spaces; runs of white space collapse. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Truncate by code points (never splitting a surrogate pair), marking the cut with "…". */
function clip(s: string, max: number): string {
  const cps = Array.from(s);
  if (s.length <= max) return s;
  let out = '';
  for (const c of cps) {
    if (out.length + c.length > max - 1) break;
    out += c;
  }
  return `${out}…`;
}

/** Multi-line text: line breaks kept (as \n), other control characters removed. */
function body(s: string | null | undefined): string {
  return (s ?? '').replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, ' ').trim();
}

function statusLabel(id: string): string {
  return statusDescription(id)?.label ?? id;
}

function or(value: string | null | undefined, fallback: string): string {
  const v = value == null ? '' : oneLine(value);
  return v || fallback;
}

export function ticketTitle(input: TicketTemplateInput, limits: TicketTextLimits): string {
  let title: string;
  if (input.kind === 'event') {
    const e = input.event;
    const where = !e.deviceName && !e.deviceId && input.source ? `in ${oneLine(input.source)}` : `on ${or(e.deviceName, 'unknown device')}`;
    title =
      `Kaspersky ${EVENT_SEVERITY_LABELS[e.severity]} event: ${or(e.typeName, or(e.type, 'event'))}` +
      ` ${where} (${or(input.tenantName, e.tenantId)}) at ${formatTicketTime(e.raisedAt)}`;
  } else if (input.kind === 'condition') {
    title = `Kaspersky ${oneLine(input.source)}: ${oneLine(input.label)} (${or(input.tenantName, 'unknown tenant')}) since ${formatTicketTime(input.at)}`;
  } else {
    const sev = input.severity === 'warning' ? 'Warning' : 'Critical';
    title =
      `Kaspersky ${sev} status: ${or(statusLabel(input.descriptionId), input.descriptionId)}` +
      ` on ${or(input.deviceName, input.deviceId)} (${or(input.tenantName, 'unknown tenant')}) since ${formatTicketTime(input.at)}`;
  }
  return clip(oneLine(title), limits.titleMax);
}

/** `ticketWord`: what the PSA calls a ticket (its profile's words.ticket, e.g. "service order"). */
export function ticketDescription(input: TicketTemplateInput, limits: TicketTextLimits, ticketWord = 'ticket'): string {
  const lines: string[] = [];
  if (input.kind === 'event') {
    const e = input.event;
    lines.push(
      `Kaspersky reported a ${EVENT_SEVERITY_LABELS[e.severity]} event.`,
      '',
      `Severity: ${EVENT_SEVERITY_LABELS[e.severity]}`,
      `Event: ${or(e.typeName, 'unknown')} (${or(e.type, 'unknown type')})`,
      !e.deviceName && !e.deviceId && input.source ? `Where: ${oneLine(input.source)}` : `Device: ${or(e.deviceName, 'unknown device')}${e.deviceId ? ` (${oneLine(e.deviceId)})` : ''}`,
      `Tenant: ${or(input.tenantName, e.tenantId)}`,
      `Raised: ${formatTicketTime(e.raisedAt)}`,
    );
    if (e.product) lines.push(`Product: ${oneLine(e.product)}`);
    lines.push(`Event id: ${e.id}`, '', body(e.description) || '(no description)');
  } else if (input.kind === 'condition') {
    lines.push(
      `Kaspersky reports this condition in ${oneLine(input.source)}.`,
      '',
      `Condition: ${oneLine(input.label)}`,
      `Tenant: ${or(input.tenantName, 'unknown tenant')}`,
      `Since: ${formatTicketTime(input.at)}`,
    );
    if (input.detail) lines.push('', body(input.detail));
    lines.push('', `kmsp closes this ${ticketWord} when the condition clears.`);
  } else {
    const sev = input.severity === 'warning' ? 'Warning' : 'Critical';
    lines.push(
      `Kaspersky shows this device with ${sev} status.`,
      '',
      `Severity: ${sev}`,
      `Status description: ${statusLabel(input.descriptionId)}`,
      `Device: ${or(input.deviceName, input.deviceId)} (${oneLine(input.deviceId)})`,
      `Tenant: ${or(input.tenantName, 'unknown tenant')}`,
      `Detected: ${formatTicketTime(input.at)}`,
      '',
      `kmsp closes this ${ticketWord} when the status description is no longer active on the device.`,
    );
  }
  return clip(lines.join('\n'), limits.descriptionMax);
}
