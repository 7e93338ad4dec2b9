/**
 * A unified diff of two texts (`git apply` and reviewers read it), with three lines of context.
 * The `diff` package is not a dependency: the common head and tail are cut, then Myers' algorithm
 * runs on what is left, bounded (past MAX_EDITS the middle is shown as removed and added whole:
 * still a correct patch, only less minimal).
 */
const CONTEXT = 3;
/** Edits beyond which the diff stops being minimal (memory grows with their square). */
const MAX_EDITS = 2000;

type Op = { type: ' ' | '-' | '+'; line: string };

function lines(text: string): string[] {
  if (!text) return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * Myers' O((N+M)·D) shortest edit script: pull's edits are few (D small) even in a file of
 * 100,000 lines, where an LCS table would not fit. Each round keeps only its diagonals
 * (O(D²) memory); past MAX_EDITS the rest is shown as removed and added whole.
 */
function middleOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const whole = (): Op[] => [...a.map((line) => ({ type: '-' as const, line })), ...b.map((line) => ({ type: '+' as const, line }))];
  const limit = Math.min(n + m, MAX_EDITS);
  const o = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= limit && found < 0; d++) {
    // Round d starts from round d-1's furthest points, on diagonals -d-1..d+1.
    trace.push(v.slice(o - d - 1, o + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[o + k - 1] < v[o + k + 1]) ? v[o + k + 1] : v[o + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[o + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return whole();
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const at = (k: number) => trace[d][k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ type: ' ', line: a[--x] });
      y--;
    }
    if (x === prevX) ops.push({ type: '+', line: b[--y] });
    else ops.push({ type: '-', line: a[--x] });
  }
  while (x > 0 && y > 0) {
    ops.push({ type: ' ', line: a[--x] });
    y--;
  }
  return ops.reverse();
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
