// Status reasons from KLHST_WKS_STATUS_ID, KLHST_WKS_STATUS_MASK and the group's two
// condition masks (S1). Table-driven.
import { describe, expect, it } from 'vitest';
import { activeStatuses, healthOf, type GroupStatusMasks } from '../../source/connectors/ksc/status.js';
import type { ActiveStatusDescription, DeviceHealth } from '../../source/domain/types.js';

const bits = (...n: number[]) => n.reduce((m, b) => (m | (1 << b)) >>> 0, 0);
// Bit 1 RTP not running, 7 databases out of date, 8 not connected for long, 11 restart required, 13 vulnerabilities.
const masks: GroupStatusMasks = { critical: bits(1, 7), warning: bits(7, 11, 13) };
const rtp = (severity: 'critical' | 'warning'): ActiveStatusDescription => ({ id: 'rtp-not-running', severity });
const bases = (severity: 'critical' | 'warning'): ActiveStatusDescription => ({ id: 'databases-outdated', severity });
const restart: ActiveStatusDescription = { id: 'restart-required', severity: 'warning' };
const vulns: ActiveStatusDescription = { id: 'vulnerabilities', severity: 'warning' };

describe('activeStatuses', () => {
  const table: Array<[string, number | null, DeviceHealth, GroupStatusMasks | null, ActiveStatusDescription[]]> = [
    ['OK host: no reasons, whatever the mask', bits(1, 7, 11), 'ok', masks, []],
    ['OK host without masks: no reasons', bits(1), 'ok', null, []],
    ['no mask: no reasons', null, 'critical', masks, []],
    ['Critical host: bit in CRITICAL → critical', bits(1), 'critical', masks, [rtp('critical')]],
    ['Critical host: bit in both sets → critical', bits(7), 'critical', masks, [bases('critical')]],
    ['Critical host: bit only in WARNING → warning', bits(1, 11), 'critical', masks, [rtp('critical'), restart]],
    ['Critical host: bit in neither set → dropped', bits(1, 8), 'critical', masks, [rtp('critical')]],
    ['Warning host: bit in both sets → warning (below the Critical threshold)', bits(7), 'warning', masks, [bases('warning')]],
    ['Warning host: bit only in CRITICAL → warning, never critical', bits(1, 13), 'warning', masks, [rtp('warning'), vulns]],
    ['Warning host: bit in neither set → dropped', bits(8, 11), 'warning', masks, [restart]],
    ['without masks: a Critical host’s reasons are all critical', bits(1, 11), 'critical', null, [rtp('critical'), { id: 'restart-required', severity: 'critical' }]],
    ['without masks: a Warning host’s reasons are all warnings', bits(1, 8), 'warning', null, [rtp('warning'), { id: 'not-connected', severity: 'warning' }]],
    ['bits the catalog lacks (≥ 20) are skipped', bits(1, 25, 31), 'critical', { critical: 0xffffffff, warning: 0 }, [rtp('critical')]],
  ];
  it.each(table)('%s', (_name, mask, health, groupMasks, expected) => {
    expect(activeStatuses(mask, health, groupMasks)).toEqual(expected);
  });
});

describe('healthOf', () => {
  it('maps KLHST_WKS_STATUS_ID; unknown or missing is ok', () => {
    expect([0, 1, 2, 3, null].map(healthOf)).toEqual(['ok', 'critical', 'warning', 'ok', 'ok']);
  });
});
