// Kaspersky Security Center Open API connector (README.md in this folder, §1–§3).
// Unconfirmed protocol facts are listed in README.md ("Assumptions") and kept in
// one place each, with a comment naming the [U].
export { createKscPlatform, type KscPlatform, type KscPlatformOptions, type SkippedTenant } from './platform.js';
export { checkKscConnection, checkKscUrl, isLoopbackHost } from './connection.js';
export { KscError, isKscError, type PxgErrorBody } from './errors.js';
export { classifyHost, CTYPE, type HostClass, type HostPlatform } from './classify.js';
export {
  decodeParams,
  decodeValue,
  encodeArgs,
  encodeInContainer,
  encodeTopLevel,
  formatKscDateTime,
  kscBinary,
  kscDate,
  kscDateTime,
  kscDouble,
  kscFloat,
  kscLong,
  KscTyped,
  parseKscDateTime,
  parseKscJson,
  type KscParams,
  type KscValue,
  type KscWire,
} from './params.js';
