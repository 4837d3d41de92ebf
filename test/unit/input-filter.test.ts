// What the console lets through from the terminal (ui/keys/input-filter.ts): every key Ink
// names passes whole; colour codes, screen commands, paste markers and OSC strings are removed.
import { describe, expect, it } from 'vitest';
import { keysOnly } from '../../source/ui/keys/input-filter.js';

const ESC = '\u001B';

describe('keysOnly', () => {
  it.each([
    ['arrows', `${ESC}[A${ESC}[B${ESC}[C${ESC}[D`],
    ['Ctrl+arrows', `${ESC}[1;5C${ESC}[1;5D`],
    ['Home/End', `${ESC}[H${ESC}[F`],
    ['Delete, PgUp, PgDn', `${ESC}[3~${ESC}[5~${ESC}[6~`],
    ['Shift-Tab', `${ESC}[Z`],
    ['F1–F4 (xterm SS3) and F5', `${ESC}OP${ESC}OQ${ESC}OR${ESC}OS${ESC}[15~`],
    ['Linux console F1–F5', `${ESC}[[A${ESC}[[B${ESC}[[C${ESC}[[D${ESC}[[E`],
    ['Linux console PgUp/PgDn', `${ESC}[[5~${ESC}[[6~`],
    ['Alt+arrow', `${ESC}${ESC}[A`],
    ['kitty keys', `${ESC}[97;5u${ESC}[13u`],
    ['Esc alone and Alt+q', `${ESC}${ESC}q`],
    ['plain text', 'Northwind Traders'],
  ])('%s pass whole', (_name, keys) => {
    expect(keysOnly(keys)).toBe(keys);
  });

  it.each([
    ['a colour code', `red${ESC}[31mtext${ESC}[0m`, 'redtext'],
    ['a screen clear', `a${ESC}[2Jb`, 'ab'],
    ['bracketed-paste markers', `${ESC}[200~pasted${ESC}[201~`, 'pasted'],
    ['an OSC window title', `x${ESC}]0;owned${String.fromCharCode(7)}y`, 'xy'],
    ['an OSC 8 hyperlink', `${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\`, 'link'],
  ])('%s is removed, the text kept', (_name, input, out) => {
    expect(keysOnly(input)).toBe(out);
  });
});
