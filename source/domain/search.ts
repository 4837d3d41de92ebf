// The one search rule of kmsp: every table filter, searchable list and name query
// (console and `kmsp report unmapped --name`) matches the same way, so a query
// that finds a row in one place finds it everywhere.
//
// A query is split into words; a text matches when it contains every word, in any
// order, ignoring case and accents: "Adv work" finds "KES Advanced – Workstation",
// "zurich" finds "Zürich" (an SSH admin may not be able to type the accent).
import { foldDiacritics } from './mapping.js';

const NON_ASCII = /[^\u0000-\u007F]/u;

/** Case- and accent-folded form of a text, runs of white space as one space: what queries are matched against. */
export function searchKey(text: string): string {
  // Folding (Unicode normalisation) is the costly part, and plain ASCII has nothing to fold:
  // a table filter folds every row of 10,000 on its first letter.
  const folded = NON_ASCII.test(text) ? foldDiacritics(text) : text;
  return folded.toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** The words of a query, folded as {@link searchKey}; none for a blank query. */
export function queryWords(query: string): string[] {
  const key = searchKey(query);
  return key === '' ? [] : key.split(' ');
}

/** Whether a folded text (see {@link searchKey}) contains every word. No words match everything. */
export function matchesWords(key: string, words: readonly string[]): boolean {
  for (const word of words) if (!key.includes(word)) return false;
  return true;
}

/** Whether `text` matches `query`: every word of the query, in any order, case- and accent-insensitive. */
export function matchesQuery(text: string, query: string): boolean {
  return matchesWords(searchKey(text), queryWords(query));
}
