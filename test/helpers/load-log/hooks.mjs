// Loader hooks of register.mjs: each ES module's URL, appended to the log as it is loaded.
import { appendFileSync } from 'node:fs';

let log = null;

export function initialize(data) {
  log = data.log;
}

export async function load(url, context, next) {
  const result = await next(url, context);
  if (log) appendFileSync(log, `${url}\n`);
  return result;
}
