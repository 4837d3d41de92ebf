// Device classification (connectors/ksc/README.md §3.3), health and status severity.
import { describe, expect, it } from 'vitest';
import { classifyHost, productCategories } from '../../source/connectors/ksc/classify.js';
import { activeStatuses, healthOf } from '../../source/connectors/ksc/status.js';

describe('classifyHost', () => {
  const cases: Array<[string, number | null, string | null, string, boolean, string]> = [
    ['Windows Server 2016 (real XSOAR record)', 0x9007, 'Microsoft Windows Server 2016', 'windows-server', false, 'windows'],
    ['Windows Server with SERVER_NT only', 0x8000, '', 'windows-server', false, 'windows'],
    ['domain controller', 0x901b, 'Microsoft Windows Server 2022 Datacenter', 'windows-server', false, 'windows'],
    ['Windows 10 workstation', 0x1001, 'Microsoft Windows 10 Pro', 'windows-workstation', false, 'windows'],
    ['NT bit beats a misleading OS name', 0x1001, 'Microsoft Windows Server 2019', 'windows-workstation', false, 'windows'],
    ['Windows 9x', 0x400001, 'Microsoft Windows 98', 'windows-workstation', false, 'windows'],
    ['Linux server', 0x200800, 'Ubuntu 22.04 LTS', 'non-windows', false, 'linux'],
    ['Linux bit without name', 0x200000, null, 'non-windows', false, 'linux'],
    ['FreeBSD', 0x2800, 'FreeBSD 13', 'non-windows', false, 'freebsd'],
    ['macOS reported with the unix bit', 0x800, 'macOS 14 Sonoma', 'non-windows', false, 'macos'],
    ['macOS by name', 1, 'macOS 14 Sonoma', 'non-windows', false, 'macos'],
    ['Mac OS X by name', 0, 'Mac OS X 10.15', 'non-windows', false, 'macos'],
    ['Android', 0, 'Android 14', 'non-windows', true, 'android'],
    ['iOS', 0, 'iOS 17.4', 'non-windows', true, 'ios'],
    ['iPadOS', null, 'iPadOS 17', 'non-windows', true, 'ios'],
    ['Windows by name only', 0, 'Microsoft Windows 11 Pro', 'windows-workstation', false, 'windows'],
    ['Windows Server by name only', 0, 'Windows Server 2012 R2', 'windows-server', false, 'windows'],
    ['Linux by name only', null, 'Red Hat Enterprise Linux 9', 'non-windows', false, 'linux'],
    ['unknown device', null, null, 'non-windows', false, 'other'],
    ['"bios" is not iOS', 0, 'Unknown BIOS appliance', 'non-windows', false, 'other'],
  ];
  for (const [name, ctype, os, category, mobile, platform] of cases) {
    it(name, () => {
      expect(classifyHost(ctype, os)).toEqual({ category, mobile, platform });
    });
  }
});

describe('status', () => {
  it('maps KLHST_WKS_STATUS_ID', () => {
    expect(healthOf(0)).toBe('ok');
    expect(healthOf(1)).toBe('critical');
    expect(healthOf(2)).toBe('warning');
    expect(healthOf(null)).toBe('ok');
  });

  it('labels reasons critical when enabled in the group CRITICAL mask, else warning', () => {
    const mask = (1 << 1) | (1 << 7) | (1 << 13);
    const masks = { critical: (1 << 1) | (1 << 3), warning: (1 << 7) | (1 << 13) };
    expect(activeStatuses(mask, 'critical', masks)).toEqual([
      { id: 'rtp-not-running', severity: 'critical' },
      { id: 'databases-outdated', severity: 'warning' },
      { id: 'vulnerabilities', severity: 'warning' },
    ]);
  });

  it('falls back to the host status without group masks, and reports nothing for OK hosts', () => {
    expect(activeStatuses(1 << 7, 'warning', null)).toEqual([{ id: 'databases-outdated', severity: 'warning' }]);
    expect(activeStatuses((1 << 7) | (1 << 3), 'critical', null)).toEqual([
      { id: 'many-viruses', severity: 'critical' },
      { id: 'databases-outdated', severity: 'critical' },
    ]);
    expect(activeStatuses(1 << 7, 'ok', null)).toEqual([]);
  });

  it('skips bits the catalog does not know and handles bit 31', () => {
    expect(activeStatuses((1 << 20) | (1 << 31) | 1, 'warning', { critical: 0, warning: -1 })).toEqual([{ id: 'device-unmanaged', severity: 'warning' }]);
  });
});

describe('productCategories', () => {
  it.each([
    ['Kaspersky Security for Windows Server', ['windows-server']],
    ['Kaspersky Anti-Virus for Windows Servers Enterprise Edition', ['windows-server']],
    ['Kaspersky Security for Microsoft Exchange Servers', ['windows-server']],
    ['Kaspersky Anti-Virus for Windows Workstations', ['windows-workstation']],
    ['Kaspersky Endpoint Security for Windows 12.7 (beta)', ['windows-workstation', 'windows-server']],
    ['Kaspersky Endpoint Security for Linux', ['non-windows']],
    ['Kaspersky Endpoint Security for Mac', ['non-windows']],
    ['Kaspersky Security for Mobile', ['non-windows']],
    // Bundles and products not listed may run anywhere.
    ['Kaspersky Endpoint Security for Business Advanced', undefined],
    ['Kaspersky Endpoint Detection and Response Optimum', undefined],
    ['Kaspersky Anti-Virus 6.0', undefined],
  ] as const)('%s → %j', (name, categories) => {
    expect(productCategories(name)).toEqual(categories);
  });
});
