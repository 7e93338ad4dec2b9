/**
 * A unified diff of two texts (`git apply` and reviewers read it), with three lines of context:
 * what `pull` prints for each file it rewrites. The lines are diffed by line-diff.ts, the one
 * sequence diff of connectform's output; this only cuts hunks and numbers them.
 */
import { diffSequences } from './line-diff.js';

const CONTEXT = 3;

type Op = { type: ' ' | '-' | '+'; line: string };

const TYPE = { same: ' ', remove: '-', add: '+' } as const;

function lines(text: string): string[] {
  if (!text) return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** `--- a/FILE` / `+++ b/FILE` and its hunks; '' when the texts are equal. */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  const ops: Op[] = diffSequences(lines(before), lines(after)).map((p) => ({ type: TYPE[p.op], line: p.text }));
  const out = [`--- a/${file}`, `+++ b/${file}`];
  let k = 0;
  // Line numbers (1-based) in a and b at op k.
  const posA: number[] = [];
  const posB: number[] = [];
  let na = 1;
  let nb = 1;
  for (const op of ops) {
    posA.push(na);
    posB.push(nb);
    if (op.type !== '+') na++;
    if (op.type !== '-') nb++;
  }
  while (k < ops.length) {
    if (ops[k].type === ' ') {
      k++;
      continue;
    }
    let start = Math.max(0, k - CONTEXT);
    let end = k;
    // Extend while the next change is within 2*CONTEXT lines of context.
    for (;;) {
      while (end < ops.length && ops[end].type !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next].type === ' ') next++;
      if (next < ops.length && next - end <= 2 * CONTEXT) end = next;
      else break;
    }
    end = Math.min(ops.length, end + CONTEXT);
    const hunk = ops.slice(start, end);
    const countA = hunk.filter((o) => o.type !== '+').length;
    const countB = hunk.filter((o) => o.type !== '-').length;
    const startA = countA ? posA[start] : posA[start] - 1;
    const startB = countB ? posB[start] : posB[start] - 1;
    out.push(`@@ -${startA},${countA} +${startB},${countB} @@`, ...hunk.map((o) => `${o.type}${o.line}`));
    k = end;
    start = end;
  }
  return `${out.join('\n')}\n`;
}
