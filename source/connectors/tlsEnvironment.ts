// Node turns every certificate check of the process off when NODE_TLS_REJECT_UNAUTHORIZED is "0"
// (any other value, or none, leaves them on). kmsp never sets it and has no setting that
// disables checks; this only notices when the environment did, so doctor and the agent can say
// that the connections they make are open to impersonation.

/** The variable that switches certificate checks off here, or null when they are on. */
export function certificateChecksDisabledBy(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.NODE_TLS_REJECT_UNAUTHORIZED === '0' ? 'NODE_TLS_REJECT_UNAUTHORIZED set to 0' : null;
}

/** What doctor and the agent say about it: cause and remedy. */
export const CERTIFICATE_CHECKS_OFF = {
  cause: 'Node.js then accepts any certificate, so a machine in the path can pose as a server and read every password, key and posting kmsp sends.',
  remedy: 'Remove NODE_TLS_REJECT_UNAUTHORIZED from the environment (the shell profile, the systemd unit or its drop-ins). For a server with a self-signed or private certificate, set the CA/certificate file (caFile) on Connections instead.',
} as const;
