/**
 * The text edits pull makes, one by one, on block and flow YAML: every byte outside the edited
 * span stays, and the result reads back as intended.
 */
import { describe, expect, it } from 'vitest';
import { isMap, isSeq, parse, parseDocument, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { SourceEdits } from '../../src/engine/pull/yaml-edit.js';
import { readBackProblem } from '../../src/engine/pull/read-back.js';
import { unifiedDiff } from '../../src/render/unified-diff.js';

function edit(text: string, make: (e: SourceEdits, root: YAMLMap) => void): string {
  const doc = parseDocument(text);
  const e = new SourceEdits(text, doc);
  make(e, doc.contents as YAMLMap);
  const out = e.result();
  parse(out); // still YAML
  // and reads back as the edits mean
  expect(readBackProblem(doc, e.ops, out)).toBeUndefined();
  return out;
}

const get = (map: YAMLMap, key: string) => map.get(key, true) as Node;
const pair = (map: YAMLMap, key: string) =>
  (map.items as Pair<Node, Node>[]).find((p) => String((p.key as { value: unknown }).value) === key)!;

describe('SourceEdits', () => {
  it('replaces scalars in their own quoting style, comments and spacing kept', () => {
    const text = 'a: "x"   # keep\nb: \'y\'\nc: plain # c\nd: 1\n';
    const out = edit(text, (e, root) => {
      e.replace(get(root, 'a'), 'new "x"');
      e.replace(get(root, 'b'), "it's");
      e.replace(get(root, 'c'), 'has: colon');
      e.replace(get(root, 'd'), 2);
    });
    expect(out).toBe('a: "new \\"x\\""   # keep\nb: \'it\'\'s\'\nc: "has: colon" # c\nd: 2\n');
    expect(parse(out)).toEqual({ a: 'new "x"', b: "it's", c: 'has: colon', d: 2 });
  });

  it('fills an empty value (`key:`) with its own spacing, before a comment too', () => {
    const out = edit('a:\nc: # note\nd: x\n', (e, root) => {
      e.replace(get(root, 'a'), 'one');
      e.replace(get(root, 'c'), 'two');
    });
    expect(out).toBe('a: one\nc: two # note\nd: x\n');
  });

  it('rewrites a block scalar with its header and indentation', () => {
    const text = 'f: |\n    one\n    two\n\ng: x\n';
    const out = edit(text, (e, root) => e.replace(get(root, 'f'), 'three\nfour'));
    // no final line break live: `|-` (the chomping indicator follows the value)
    expect(out).toBe('f: |-\n    three\n    four\n\ng: x\n');
  });

  it('adds and removes pairs in block and flow mappings', () => {
    const text = 'm:\n  a: 1 # one\n  b: 2\nf: { x: 1, y: 2 }\n';
    const out = edit(text, (e, root) => {
      const m = get(root, 'm') as YAMLMap;
      e.removePair(m, pair(m, 'a'));
      e.addPair(m, 'c', { name: 'Escalation' });
      const f = get(root, 'f') as YAMLMap;
      e.removePair(f, pair(f, 'x'));
      e.addPair(f, 'z', 3);
    });
    expect(out).toBe('m:\n  b: 2\n  c: { name: Escalation }\nf: { y: 2, z: 3 }\n');
  });

  it('removes the first key of a list item by moving the next one up to the dash', () => {
    const text = 'l:\n  - A: 1\n    B: 2\n';
    const out = edit(text, (e, root) => {
      const item = (get(root, 'l') as YAMLSeq).items[0] as YAMLMap;
      e.removePair(item, pair(item, 'A'));
    });
    expect(out).toBe('l:\n  - B: 2\n');
  });

  it('inserts and removes list elements in block and flow lists', () => {
    const text = 'l:\n  - a # first\n  - b\n\n  - c\nf: [1, 2, 3]\n';
    const out = edit(text, (e, root) => {
      const l = get(root, 'l') as YAMLSeq;
      e.removeItem(l, 1);
      e.insertItem(l, { Id: { Name: 'New' }, Type: 'TEXT' }, 2);
      e.insertItem(l, 'z');
      const f = get(root, 'f') as YAMLSeq;
      e.removeItem(f, 2);
      e.insertItem(f, 0, 0);
    });
    expect(out).toBe('l:\n  - a # first\n\n  - Id: { Name: New }\n    Type: TEXT\n  - c\n  - z\nf: [0, 1, 2]\n');
    expect(isSeq(parseDocument(out).get('l', true))).toBe(true);
  });

  it('replaces a block collection in place, block style', () => {
    const text = 'm:\n  # before\n  t:\n    a: 1\n  u: 2\n';
    const out = edit(text, (e, root) => {
      const m = get(root, 'm') as YAMLMap;
      e.replace(get(m, 't'), { b: [1, 2] });
    });
    expect(out).toBe('m:\n  # before\n  t:\n    b:\n      - 1\n      - 2\n  u: 2\n');
    expect(isMap(parseDocument(out).get('m', true))).toBe(true);
  });
});

describe('SourceEdits on whole lists', () => {
  it('writes CRLF line ends into a CRLF file', () => {
    const text = 'm:\r\n  a: 1\r\nl:\r\n  - x\r\n';
    const out = edit(text, (e, root) => {
      e.addPair(get(root, 'm') as YAMLMap, 'b', [1, 2]);
      e.insertItem(get(root, 'l') as YAMLSeq, { k: 'v', w: [1] });
    });
    expect(out).toBe(
      'm:\r\n  a: 1\r\n  b:\r\n    - 1\r\n    - 2\r\nl:\r\n  - x\r\n  - k: v\r\n    w:\r\n      - 1\r\n',
    );
  });

  it('replaces a block list in place, at its own indentation', () => {
    const text = 'm:\n  l:\n    - a\n    - b\n  n: 1 # kept\n';
    const out = edit(text, (e, root) => e.replace(get(get(root, 'm') as YAMLMap, 'l'), ['x', { y: 1, z: 2 }]));
    expect(out).toBe('m:\n  l:\n    - x\n    - { y: 1, z: 2 }\n  n: 1 # kept\n');
    expect(parse(out)).toEqual({ m: { l: ['x', { y: 1, z: 2 }], n: 1 } });
  });
});

describe('unifiedDiff', () => {
  it('shows only the changed lines, with three lines of context and correct ranges', () => {
    const before = `${['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n')}\n`;
    const after = before.replace('e\n', 'E\n');
    expect(unifiedDiff('x.yaml', before, after)).toBe(
      '--- a/x.yaml\n+++ b/x.yaml\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n',
    );
  });

  it('stays minimal in a large file edited at both ends, and is a patch that applies', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `line ${i % 7}`);
    const before = `${lines.join('\n')}\n`;
    const edited = [...lines];
    edited[3] = 'changed near the top';
    edited.splice(49_990, 1);
    edited.splice(25_000, 0, 'inserted in the middle');
    const after = `${edited.join('\n')}\n`;
    const diff = unifiedDiff('big.yaml', before, after);
    const body = diff.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l));
    expect(body).toEqual(['-line 3', '+changed near the top', '+inserted in the middle', '-line 3']);
    expect(applyPatch(before, diff)).toBe(after);
  });

  it('past its edit bound shows the rest removed and added whole, still a patch that applies', () => {
    const before = `${Array.from({ length: 3000 }, (_, i) => `a${i}`).join('\n')}\n`;
    const after = `${Array.from({ length: 3000 }, (_, i) => `b${i}`).join('\n')}\n`;
    expect(applyPatch(before, unifiedDiff('x', before, after))).toBe(after);
  });

  it('is empty for equal texts and separates far-apart hunks', () => {
    expect(unifiedDiff('x', 'a\n', 'a\n')).toBe('');
    const before = `${Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n')}\n`;
    const after = before.replace('l1\n', 'L1\n').replace('l18\n', 'L18\n');
    expect(unifiedDiff('x', before, after).match(/^@@/gm)).toHaveLength(2);
  });
});

/** Applies a unified diff made by unifiedDiff (a check that its ranges and lines are right). */
function applyPatch(text: string, diff: string): string {
  const lines = text.split('\n');
  lines.pop();
  const out: string[] = [];
  let at = 0;
  const hunks = diff.split(/^(?=@@ )/m).slice(1);
  for (const hunk of hunks) {
    const [head, ...body] = hunk.replace(/\n$/, '').split('\n');
    const start = Number(/^@@ -(\d+)/.exec(head)![1]);
    const from = start === 0 ? 0 : start - 1;
    while (at < from) out.push(lines[at++]);
    for (const line of body) {
      if (line.startsWith('+')) out.push(line.slice(1));
      else if (line.startsWith('-')) {
        expect(lines[at]).toBe(line.slice(1));
        at++;
      } else {
        expect(lines[at]).toBe(line.slice(1));
        out.push(lines[at++]);
      }
    }
  }
  while (at < lines.length) out.push(lines[at++]);
  return `${out.join('\n')}\n`;
}

describe('SourceEdits where edits meet', () => {
  it('removes the first two keys of a list item (the second one moves up to the dash)', () => {
    const text = 'l:\n  - A: 1\n    B: 2\n    C: 3\n';
    const out = edit(text, (e, root) => {
      const item = (get(root, 'l') as YAMLSeq).items[0] as YAMLMap;
      e.removePair(item, pair(item, 'A'));
      e.removePair(item, pair(item, 'B'));
    });
    expect(parse(out)).toEqual({ l: [{ C: 3 }] });
  });

  it('rewrites a flow list whose every element is replaced, and a flow map that loses its only key', () => {
    const text = 'f: [ a, b ] # kept\nm: { team: billing }\n';
    const out = edit(text, (e, root) => {
      const f = get(root, 'f') as YAMLSeq;
      e.removeItem(f, 0);
      e.removeItem(f, 1);
      e.insertItem(f, 'c');
      e.insertItem(f, 'd, e');
      const m = get(root, 'm') as YAMLMap;
      e.removePair(m, pair(m, 'team'));
      e.addPair(m, 'owner', 'ops');
    });
    expect(out).toBe('f: [ c, "d, e" ] # kept\nm: { owner: ops }\n');
  });

  it('writes a block scalar in its own style with the chomping the value needs', () => {
    const text = 'a: |+\n  one\n\nb: >-\n  two\n  words\nc: x\n';
    const out = edit(text, (e, root) => {
      e.replace(get(root, 'a'), 'one\nmore\n\n');
      e.replace(get(root, 'b'), 'three words');
    });
    expect(out).toBe('a: |+\n  one\n  more\n\nb: >-\n  three words\nc: x\n');
  });
});
