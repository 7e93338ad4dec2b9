/**
 * A unified diff of two texts (`git apply` and reviewers read it), with three lines of context.
 * The `diff` package is not a dependency; pull's edits are few and local, so the common head and
 * tail are cut first and a plain LCS runs on what is left, bounded: past MAX_CELLS the middle is
 * shown as removed and added whole (still a correct patch, only less minimal).
 */
const CONTEXT = 3;
const MAX_CELLS = 4_000_000;

type Op = { type: ' ' | '-' | '+'; line: string };

function lines(text: string): string[] {
  if (!text) return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

function middleOps(a: string[], b: string[]): Op[] {
  if (a.length * b.length > MAX_CELLS) return [...a.map((line) => ({ type: '-' as const, line })), ...b.map((line) => ({ type: '+' as const, line }))];
  // lcs[i][j]: the LCS length of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ type: ' ', line: a[i++] });
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ type: '-', line: a[i++] });
    else ops.push({ type: '+', line: b[j++] });
  }
  return ops;
}

/** `--- a/FILE` / `+++ b/FILE` and its hunks; '' when the texts are equal. */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  const a = lines(before);
  const b = lines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ops: Op[] = [
    ...a.slice(0, head).map((line) => ({ type: ' ' as const, line })),
    ...middleOps(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...a.slice(a.length - tail).map((line) => ({ type: ' ' as const, line })),
  ];
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
