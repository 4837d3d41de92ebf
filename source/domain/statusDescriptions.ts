// The catalog of device status descriptions: the reasons behind a Warning or
// Critical device status, with the wording of the platform's own console
// (KSC "About device statuses"). One Ticketing row exists per description in the
// Warning status section and one in the Critical status section, because the
// platform decides per group whether a reason makes a device Warning or Critical.
//
// `kscBit` is the bit of KLHST_WKS_STATUS_MASK carrying the reason (connectors/ksc/README.md
// §3.3; the bit→label match is marked [U] there but evident). KES Cloud condition
// texts map onto the same ids.

export interface StatusDescriptionInfo {
  id: string;
  label: string;
  kscBit: number | null;
}

export const STATUS_DESCRIPTIONS: readonly StatusDescriptionInfo[] = [
  { id: 'device-unmanaged', label: 'Device is unmanaged', kscBit: 0 },
  { id: 'rtp-not-running', label: 'Real-time protection is not running', kscBit: 1 },
  { id: 'app-not-running', label: 'Security application is not running', kscBit: 2 },
  { id: 'many-viruses', label: 'Many viruses detected', kscBit: 3 },
  { id: 'rtp-level-differs', label: 'Real-time protection level differs from the level set by the administrator', kscBit: 4 },
  { id: 'app-not-installed', label: 'Security application is not installed', kscBit: 5 },
  { id: 'scan-overdue', label: 'Malware scan has not been performed in a long time', kscBit: 6 },
  { id: 'databases-outdated', label: 'Databases are out of date', kscBit: 7 },
  { id: 'not-connected', label: 'Not connected in a long time', kscBit: 8 },
  { id: 'license-expired', label: 'License expired', kscBit: 9 },
  { id: 'active-threats', label: 'Active threats detected', kscBit: 10 },
  { id: 'restart-required', label: 'Restart is required', kscBit: 11 },
  { id: 'incompatible-apps', label: 'Incompatible applications are installed', kscBit: 12 },
  { id: 'vulnerabilities', label: 'Software vulnerabilities have been detected', kscBit: 13 },
  { id: 'os-updates-search-old', label: 'Last search for operating system updates performed long ago', kscBit: 14 },
  { id: 'encryption-invalid', label: 'Invalid encryption status', kscBit: 15 },
  { id: 'mobile-noncompliant', label: 'Mobile device settings do not comply with the security policy', kscBit: 16 },
  { id: 'unprocessed-incidents', label: 'Unprocessed incidents detected', kscBit: 17 },
  { id: 'status-by-application', label: 'Device status defined by application', kscBit: 18 },
  { id: 'out-of-disk-space', label: 'Device is out of disk space', kscBit: 19 },
];

const byId = new Map(STATUS_DESCRIPTIONS.map((d) => [d.id, d]));
const byBit = new Map(STATUS_DESCRIPTIONS.filter((d) => d.kscBit !== null).map((d) => [d.kscBit as number, d]));

export function statusDescription(id: string): StatusDescriptionInfo | undefined {
  return byId.get(id);
}

export function statusDescriptionForKscBit(bit: number): StatusDescriptionInfo | undefined {
  return byBit.get(bit);
}
