// This package's version (package.json), for --version, the agent's log and its status file.
import { readFileSync } from 'node:fs';

let cached: string | null = null;

export function kmspVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
