/**
 * Every relative link in README.md and docs/*.md points at a file that exists, and every
 * `#anchor` at a heading of its target page, so moving or renaming a section breaks a test
 * rather than a reader's click. Anchors follow GitHub's heading slugs.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

interface Link {
  target: string;
  line: number;
}

/** Markdown text outside fenced code blocks and inline code spans, line numbers kept. */
function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) {
      fence = fence ? undefined : marker;
      return '';
    }
    return fence ? '' : line.replace(/`[^`]*`/g, '');
  });
}

/** Inline links and images `[text](target)`, and reference definitions `[id]: target`. */
function linksOf(markdown: string): Link[] {
  const out: Link[] = [];
  proseLines(markdown).forEach((line, i) => {
    for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      out.push({ target: m[1], line: i + 1 });
    const def = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (def) out.push({ target: def[1], line: i + 1 });
  });
  return out;
}

/** GitHub's heading ids: lower case, punctuation dropped, spaces to '-', repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) {
      fence = fence ? undefined : marker;
      continue;
    }
    const heading = fence ? null : /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = heading[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  }
  return anchors;
}

/** Every broken relative link of `file`, as "file:line: target (why)". */
function brokenLinks(file: string, root: string): string[] {
  const text = readFileSync(file, 'utf8');
  const problems: string[] = [];
  for (const { target, line } of linksOf(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto: ... are not files here
    const hash = target.indexOf('#');
    const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? undefined : target.slice(hash + 1);
    const where = `${relative(root, file)}:${line}: ${target}`;
    const dest = path ? resolve(dirname(file), path) : file;
    if (!existsSync(dest)) {
      problems.push(`${where} (no such file)`);
      continue;
    }
    if (anchor !== undefined && dest.endsWith('.md') && statSync(dest).isFile()) {
      if (!headingAnchors(readFileSync(dest, 'utf8')).has(decodeURIComponent(anchor).toLowerCase()))
        problems.push(`${where} (no heading with that anchor)`);
    }
  }
  return problems;
}

function documentationFiles(): string[] {
  const docs = join(ROOT, 'docs');
  return [
    join(ROOT, 'README.md'),
    ...readdirSync(docs)
      .filter((f) => f.endsWith('.md'))
      .map((f) => join(docs, f)),
  ];
}

describe('the link checker', () => {
  it('finds a missing file, a missing anchor, and accepts good links, code and URLs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connectform-links-'));
    mkdirSync(join(dir, 'docs'));
    writeFileSync(
      join(dir, 'docs', 'B.md'),
      "# Title\n\n## The plan document (`--format json`, `plan --out`)\n\n## A pull request's reach\n\n## Twice\n\n## Twice\n",
    );
    writeFileSync(
      join(dir, 'A.md'),
      [
        '# A',
        '[ok](docs/B.md) [ok](docs/B.md#the-plan-document---format-json-plan---out) [ok](docs/B.md#a-pull-requests-reach)',
        '[ok](docs/B.md#twice-1) [ok](#a) [ok](https://example.com/nothing) ![ok](docs/B.md)',
        '[missing](docs/C.md)',
        '[bad anchor](docs/B.md#no-such-section)',
        '`[in code](nowhere.md)`',
        '```',
        '[in a fence](nowhere.md)',
        '```',
        '[ref]: docs/gone.md',
      ].join('\n'),
    );
    expect(brokenLinks(join(dir, 'A.md'), dir)).toEqual([
      'A.md:4: docs/C.md (no such file)',
      'A.md:5: docs/B.md#no-such-section (no heading with that anchor)',
      'A.md:10: docs/gone.md (no such file)',
    ]);
  });
});

describe('README.md and docs/*.md', () => {
  it('have links, and every relative link points at an existing file and heading', () => {
    const files = documentationFiles();
    expect(files.length).toBeGreaterThan(5);
    const total = files.reduce((n, f) => n + linksOf(readFileSync(f, 'utf8')).length, 0);
    expect(total).toBeGreaterThan(20); // the parser saw the links, not nothing
    expect(files.flatMap((f) => brokenLinks(f, ROOT))).toEqual([]);
  });
});
