// The rule of the house (source/README.md, "The vendor seam"): outside a vendor's connector,
// simulator and profile, and the two registries that map a kind to them, no code names a
// vendor. Screens, jobs, doctor and commands read words, fields and rules from the profiles, so
// adding a PSA or a platform needs no change there. This test reads every string literal and
// template text of source/ (comments may name vendors as examples) and fails on a vendor name.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SOURCE = join(ROOT, 'source');
const VENDOR = /\b(autotask|connectwise|tigerpaw|ksc|kbh)\b/i;

/** Where vendors are meant to be named. */
const VENDOR_HOMES = [/^source\/connectors\/[a-z]+\//, /^source\/simulators\/[a-z]+\//, /^source\/domain\/profiles\//, /^source\/connectors\/registry\.ts$/, /^source\/simulators\/registry\.ts$/];

/** The short, explained exceptions: a file, what may appear there, and why. */
const ALLOWED: ReadonlyArray<{ file: RegExp; text: RegExp; why: string }> = [
  {
    file: /^source\/connectors\/redact\.ts$/,
    text: /^x-ksc-session$/,
    why: 'the redactor lists every header a secret travels in, so that no log or error shows one before any connector is loaded',
  },
  {
    file: /^source\/simulators\/demoStory\.ts$/,
    text: /^\.\/ksc\//,
    why: 'the demo story every PSA demo fixture tells bills what the KSC demo dataset reports; fixture generation, not product code',
  },
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** Every string literal, template text and JSX text of a file's code, with its line. */
function literals(path: string, text = readFileSync(path, 'utf8')): Array<{ line: number; text: string }> {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: Array<{ line: number; text: string }> = [];
  const visit = (node: ts.Node) => {
    // A literal type declares the vocabulary (`kind: 'ksc'` in a union); code that acts on a kind is an expression.
    if (ts.isLiteralTypeNode(node)) return;
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node) || ts.isJsxText(node)) {
      out.push({ line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe('the vendor seam', () => {
  it('no code outside the connectors, simulators, profiles and registries names a vendor', () => {
    const offences: string[] = [];
    for (const path of files(SOURCE)) {
      const file = relative(ROOT, path).split('\\').join('/');
      if (VENDOR_HOMES.some((home) => home.test(file))) continue;
      for (const { line, text } of literals(path)) {
        if (!VENDOR.test(text)) continue;
        if (ALLOWED.some((a) => a.file.test(file) && a.text.test(text))) continue;
        offences.push(`${file}:${line}: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)}`);
      }
    }
    expect(offences, 'name the vendor through its profile (source/domain/profiles) or move the code into its connector/simulator').toEqual([]);
  });

  it('the check finds a vendor named in a string, a template and JSX text', () => {
    const probe = join(ROOT, 'probe.tsx');
    const found = (code: string) => literals(probe, code).some((l) => VENDOR.test(l.text));
    expect(found("const k = 'autotask';")).toBe(true);
    expect(found('const t = `in ${x} ConnectWise`;')).toBe(true);
    expect(found('const e = <Text>KSC server</Text>;')).toBe(true);
    expect(found('// Autotask in a comment\nconst k = 1;')).toBe(false);
    expect(found("const k = 'tasks';")).toBe(false);
    expect(found("type Kind = 'ksc' | 'kbh';")).toBe(false);
    expect(found("if (kind === 'ksc') run();")).toBe(true);
  });
});
