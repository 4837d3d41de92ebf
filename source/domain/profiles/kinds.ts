// The vendor kinds kmsp knows of, as stored in a configuration's platform.kind and psa.kind.
// Which of them this build can connect to is the registries' business (connectors/registry.ts).
export type PlatformKind = 'ksc' | 'kbh';
export type PsaKind = 'autotask' | 'connectwise' | 'tigerpaw';
