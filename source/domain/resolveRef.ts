// Finding a thing the command line names "by name or id" (a tenant, an account, a contract, a
// billing item, an application, a picklist value): its id, else its name as the console shows it
// (letter case and spacing aside). Never a guess: a name several things carry is refused listing
// them with their ids, and a name nothing carries is refused with the nearest names kmsp's one
// search rule finds (domain/search.ts), so the admin can copy the right id.
import { KmspError } from './errors.js';
import { exactKey, quoteName } from './mapping.js';
import { matchesWords, queryWords, searchKey } from './search.js';

export interface NamedRef {
  id: string;
  name: string;
}

export interface ResolveWords {
  /** What is looked for, in the vendor's words: "Autotask account", "virtual server", "billing item". */
  what: string;
  /** Its plural, where adding an "s" is wrong ("contracts of “Acme”"). */
  whats?: string;
  /** Where they are listed, for the remedy: "kmsp list accounts". */
  listCommand?: string;
}

/** How many candidates a refusal lists before "and N more". */
const SHOWN = 8;

function listed<T extends NamedRef>(items: readonly T[]): string {
  const shown = items.slice(0, SHOWN).map((c) => `${quoteName(c.name, c.id)} (id ${c.id})`);
  return `${shown.join(', ')}${items.length > SHOWN ? ` and ${items.length - SHOWN} more` : ''}`;
}

/**
 * The one candidate `query` names: an id equal to it, else a name equal to it apart from letter
 * case and spacing (exactKey). A KmspError (kind 'config') otherwise, with cause and remedy.
 */
export function resolveRef<T extends NamedRef>(query: string, candidates: readonly T[], words: ResolveWords): T {
  const wanted = query.trim();
  const many = words.whats ?? `${words.what}s`;
  const list = words.listCommand ? ` (\`${words.listCommand}\` lists them)` : '';
  if (wanted === '') {
    throw new KmspError(`No ${words.what} given`, { kind: 'config', cause: 'The argument is empty.', remedy: `Give the ${words.what}'s name or id${list}.` });
  }
  const byId = candidates.filter((c) => c.id === wanted);
  if (byId.length === 1) return byId[0]!;
  const key = exactKey(wanted);
  const byName = byId.length > 1 ? byId : candidates.filter((c) => exactKey(c.name) === key);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new KmspError(`${quoteName(wanted)} names ${byName.length} ${many}`, {
      kind: 'config',
      cause: `More than one ${words.what} is called that: ${listed(byName)}.`,
      remedy: `Give the id of the one you mean instead of the name.`,
    });
  }
  const near = candidates.filter((c) => matchesWords(searchKey(c.name), queryWords(wanted)));
  throw new KmspError(`No ${words.what} has the name or id ${quoteName(wanted)}`, {
    kind: 'config',
    cause: near.length > 0 ? `Names that contain those words: ${listed(near)}.` : `None of the ${candidates.length} ${many} is called that or has that id.`,
    remedy: `Give the exact name or the id${list}.`,
  });
}
