// Device category from KLHST_WKS_CTYPE and KLHST_WKS_OS_NAME (README §3.3),
// and the categories a licensed product can be installed on (productCategories, below).
//
// Recipe: CTYPE & 0x8000 (SERVER_NT) → Windows server; CTYPE & 0x1000 (NT) →
// Windows workstation; unix bits (0x800 SERVER_UNIX, 0x200000 SERVER_LINUX,
// 0x2000 SERVER_FREEBSD) → non-Windows; otherwise the OS name decides (macOS,
// Linux, Android, iOS → non-Windows; Android and iOS are mobile).
import type { DeviceCategory } from '../../domain/types.js';

/** KLHST_WKS_CTYPE bits [D] KSC/14/KSCAPI/a00278.html. */
export const CTYPE = {
  WORKSTATION: 0x1,
  SERVER: 0x2,
  SQLSERVER: 0x4,
  DOMAIN_CONTROLLER_PRIMARY: 0x8,
  DOMAIN_CONTROLLER_BACKUP: 0x10,
  SERVER_UNIX: 0x800,
  NT: 0x1000,
  SERVER_FREEBSD: 0x2000,
  SERVER_NT: 0x8000,
  SERVER_LINUX: 0x200000,
  WINDOWS_9X: 0x400000,
  CLUSTER_NT: 0x1000000,
} as const;

export type HostPlatform = 'windows' | 'linux' | 'freebsd' | 'macos' | 'android' | 'ios' | 'other';

export interface HostClass {
  category: DeviceCategory;
  platform: HostPlatform;
  /** Phones and tablets: they count towards per-user licensing, not per-device. */
  mobile: boolean;
}

const WINDOWS_SERVER: HostClass = { category: 'windows-server', platform: 'windows', mobile: false };
const WINDOWS_WORKSTATION: HostClass = { category: 'windows-workstation', platform: 'windows', mobile: false };

function other(platform: HostPlatform, mobile = false): HostClass {
  return { category: 'non-windows', platform, mobile };
}

/** By OS name, for hosts whose CTYPE carries no platform bit (§3.3, names per [D] KSC/13/KSCAPI/a00448.html). */
function byOsName(osName: string): HostClass | null {
  const os = osName.trim();
  if (os === '') return null;
  if (/android/i.test(os)) return other('android', true);
  if (/\b(ios|ipados|iphone|ipad)\b/i.test(os)) return other('ios', true);
  if (/mac\s?os|os\s?x|darwin/i.test(os)) return other('macos');
  if (/freebsd/i.test(os)) return other('freebsd');
  if (/linux|ubuntu|debian|red\s?hat|rhel|centos|suse|fedora|astra|alt\s|oracle|rocky|alma|mint/i.test(os)) return other('linux');
  if (/windows/i.test(os)) return /server/i.test(os) ? WINDOWS_SERVER : WINDOWS_WORKSTATION;
  return null;
}

export function classifyHost(ctype: number | null, osName: string | null): HostClass {
  const bits = ctype ?? 0;
  if (bits & CTYPE.SERVER_NT) return WINDOWS_SERVER;
  if (bits & CTYPE.NT) return WINDOWS_WORKSTATION;
  if (bits & CTYPE.SERVER_FREEBSD) return other('freebsd');
  if (bits & (CTYPE.SERVER_UNIX | CTYPE.SERVER_LINUX)) {
    // SERVER_UNIX is also set for macOS by some agents; the OS name tells them apart.
    const named = byOsName(osName ?? '');
    return named && named.platform !== 'windows' ? named : other('linux');
  }
  if (bits & CTYPE.WINDOWS_9X) return WINDOWS_WORKSTATION;
  // No platform bit: unknown devices (no OS name either) are billed as non-Windows.
  return byOsName(osName ?? '') ?? other('other');
}

// --- Products ------------------------------------------------------------------------------
//
// Which device categories a licensed product (KLLIC_PROD_NAME) can be installed on. With "Bill
// devices by category" on, the Services tab asks for a billing item per category of this list
// only: a server product needs no item for workstations or non-Windows devices. KSC does not
// report this per key, so it is known here, from the product line, in this one place. A product
// not listed (the Endpoint Security for Business bundles, EDR, anything new) may run anywhere:
// all three categories.

const WORKSTATIONS: readonly DeviceCategory[] = ['windows-workstation'];
const SERVERS: readonly DeviceCategory[] = ['windows-server'];
const WINDOWS: readonly DeviceCategory[] = ['windows-workstation', 'windows-server'];
const NON_WINDOWS: readonly DeviceCategory[] = ['non-windows'];

/** First match wins: the server-only names before "for Windows". */
const PRODUCT_CATEGORIES: ReadonlyArray<{ name: RegExp; categories: readonly DeviceCategory[] }> = [
  // Kaspersky Security for Windows Server (and Anti-Virus for Windows Servers): Windows Server only.
  { name: /\bfor Windows Servers?\b/i, categories: SERVERS },
  // Exchange and SharePoint are Windows Server software: their protection runs where they run.
  { name: /\b(Exchange|SharePoint)\b/i, categories: SERVERS },
  // Anti-Virus for (Windows) Workstations: the workstation product of the older line.
  { name: /\bfor (Windows )?Workstations?\b/i, categories: WORKSTATIONS },
  // Endpoint Security for Windows installs on Windows workstations and Windows servers alike.
  { name: /\bfor Windows\b/i, categories: WINDOWS },
  // Linux, macOS and mobile products: hosts KSC classifies as non-Windows (classifyHost).
  { name: /\b(Linux|Mac|macOS|Android|iOS|Mobile)\b/i, categories: NON_WINDOWS },
];

/** The device categories a product can be installed on; undefined when any (not listed above). */
export function productCategories(productName: string): readonly DeviceCategory[] | undefined {
  return PRODUCT_CATEGORIES.find((p) => p.name.test(productName))?.categories;
}
