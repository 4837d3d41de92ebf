// What kmsp's Business Hub account may read, for doctor and Test connection (README §6): the
// companies, one KES Cloud workspace's devices and licenses, one Office 365 workspace's
// protection, each read as little as the hub lets it; and whether the agent can sign in with no
// one at the keyboard (the one-time code). A 403 is reported as a missing right, not thrown; any
// other failure (sign-in, network) is thrown as it stands.
import { isKmspError } from '../../domain/errors.js';
import type { AccessCheck } from '../../domain/types.js';
import { RIGHTS, WORKSPACE_PRODUCTS, type RightsArea } from './assumptions.js';
import { SECRET_PARTS, secretsSetCommand } from './errors.js';
import { PRODUCT_NAMES, isReadWorkspace } from './mapping.js';
import type { HubBackend } from './platform.js';
import type { HubWorkspace } from './wire.js';

/** The read's outcome: allowed (with what it answered), or refused with the hub's words. */
async function attempt<T>(what: string, area: RightsArea, read: () => Promise<T>): Promise<{ check: AccessCheck; value: T | null }> {
  try {
    const value = await read();
    return { check: { what, allowed: true, permission: RIGHTS[area], detail: null }, value };
  } catch (error) {
    if (isKmspError(error) && error.kind === 'permission') return { check: { what, allowed: false, permission: RIGHTS[area], detail: error.why ?? error.message }, value: null };
    throw error;
  }
}

/** A row that says there was nothing of this kind to read (no company has such a workspace). */
function nothingToRead(what: string, area: RightsArea, product: string): AccessCheck {
  return {
    what,
    allowed: true,
    permission: RIGHTS[area],
    detail: null,
    statement: {
      ok: `no company has an active ${product} workspace yet, so there was none to read`,
      fail: `no ${product} workspace could be read`,
      remedy: `Test again once a company has a ${product} workspace.`,
    },
  };
}

/** The first active workspace of each product kmsp reads, looking through the companies in order until both are found. */
async function sampleWorkspaces(backend: HubBackend, companyIds: readonly string[], checks: AccessCheck[]): Promise<{ kes: HubWorkspace | null; office365: HubWorkspace | null }> {
  let kes: HubWorkspace | null = null;
  let office365: HubWorkspace | null = null;
  let refused: AccessCheck | null = null;
  for (const id of companyIds) {
    if (kes && office365) break;
    const { check, value } = await attempt('the workspaces of a company', 'workspaces', () => backend.workspaces(id));
    if (!value) {
      refused ??= check;
      continue;
    }
    kes ??= value.find((w) => isReadWorkspace(w, WORKSPACE_PRODUCTS.kesCloud)) ?? null;
    office365 ??= value.find((w) => isReadWorkspace(w, WORKSPACE_PRODUCTS.office365)) ?? null;
  }
  if (refused) checks.push(refused);
  return { kes, office365 };
}

const KES = PRODUCT_NAMES[WORKSPACE_PRODUCTS.kesCloud]!;
const O365 = PRODUCT_NAMES[WORKSPACE_PRODUCTS.office365]!;

export async function checkAccess(backend: HubBackend, integration: string | null): Promise<AccessCheck[]> {
  const checks: AccessCheck[] = [];
  const companies = await attempt('companies', 'companies', () => backend.companies());
  checks.push(companies.check);
  const ids = (companies.value ?? []).map((c) => c.id);
  const { kes, office365 } = await sampleWorkspaces(backend, ids, checks);
  if (kes) {
    const [devices, licenses] = await Promise.all([
      attempt(`${KES} devices (a workspace)`, 'devices', () => backend.devices(kes.id, { onePage: true })),
      attempt(`${KES} licenses (a workspace)`, 'licenses', () => backend.licenses(kes.id, { onePage: true })),
    ]);
    checks.push(devices.check, licenses.check);
  } else if (companies.value) {
    checks.push(nothingToRead(`${KES} devices and licenses`, 'devices', KES));
  }
  if (office365) {
    checks.push((await attempt(`${O365} protection (a workspace)`, 'protection', () => backend.protection(office365.id))).check);
  } else if (companies.value) {
    checks.push(nothingToRead(`${O365} protection`, 'protection', O365));
  }
  checks.push(await unattendedSignIn(backend, integration));
  return checks;
}

/**
 * Whether the agent can sign in with no one at the keyboard. A code typed for this one test
 * signs the console in, but the agent's next full sign-in would need another: so an account with
 * 2-step verification is only fine with the authenticator key stored.
 */
async function unattendedSignIn(backend: HubBackend, integration: string | null): Promise<AccessCheck> {
  const account = await backend.account();
  const { demanded, hasAuthenticatorKey } = backend.twoStep;
  const twoStep = account.twoStepVerification !== 'off' || demanded;
  const bySms = account.twoStepVerification === 'sms';
  const allowed = !twoStep || (hasAuthenticatorKey && !bySms);
  const store = secretsSetCommand(integration, SECRET_PARTS.authenticatorKey);
  return {
    what: 'sign-in without a person (one-time code)',
    allowed,
    permission: 'an account without 2-step verification, or the authenticator key stored in kmsp',
    detail: allowed ? null : bySms ? 'the account gets its one-time codes by SMS' : 'the account asks for a one-time code and kmsp has no authenticator key',
    statement: {
      ok: twoStep
        ? `kmsp makes ${account.email}'s one-time codes from the stored authenticator key: the agent signs in unattended`
        : `${account.email} signs in without a one-time code: the agent signs in unattended`,
      fail: bySms
        ? `${account.email} gets its one-time codes by SMS, which kmsp cannot read: the agent cannot sign in unattended`
        : `${account.email} asks for a one-time code at sign-in and kmsp has no authenticator key: the agent cannot sign in unattended (a code typed for this test does not carry over)`,
      remedy: bySms
        ? 'Give kmsp a Business Hub account of its own without 2-step verification, or switch this account to an authenticator app and store its setup key: ' + store + '.'
        : `Store the account's authenticator key (the base32 setup key shown when the app was added): ${store}. Or give kmsp a Business Hub account of its own without 2-step verification.`,
    },
  };
}
