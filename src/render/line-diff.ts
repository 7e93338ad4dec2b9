/**
 * The one sequence diff of connectform's output: lines of a multi-line string or of a YAML block
 * and words of one long line in plans (text and markdown), lines of a config file in `pull`'s
 * unified diff (unified-diff.ts). The common head and tail are cut (what a plan's edits mostly
 * leave: one condition changed in a rule's Function), then Myers' O((N+M)·D) shortest edit
 * script runs on the middle: edits are few even in a file of 100,000 lines, where a quadratic
 * table would not fit. Past MAX_EDITS the middle is "all removed, all added": still complete (no
 * differing token is ever dropped; callers trim unchanged context only), only less minimal.
 *
 * Written here rather than taken from jsdiff: the renderers need only this and hunking.
 */

export type DiffPart = { op: 'same' | 'remove' | 'add'; text: string };
/** A run of unchanged tokens left out of a hunked diff. */
export type Skipped = { op: 'skip'; count: number };

/** Edits beyond which the diff stops being minimal (the trace's memory grows with their square). */
const MAX_EDITS = 2000;

export function diffSequences(before: readonly string[], after: readonly string[]): DiffPart[] {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail++;
  const a = before.slice(head, before.length - tail);
  const b = after.slice(head, after.length - tail);
  const same = (text: string): DiffPart => ({ op: 'same', text });
  return [
    ...before.slice(0, head).map(same),
    ...groupChanges(middle(a, b)),
    ...before.slice(before.length - tail).map(same),
  ];
}

/** Myers' shortest edit script of `a` → `b`; each round keeps only its diagonals (O(D²) memory). */
function middle(a: readonly string[], b: readonly string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  const whole = (): DiffPart[] => [
    ...a.map((text): DiffPart => ({ op: 'remove', text })),
    ...b.map((text): DiffPart => ({ op: 'add', text })),
  ];
  if (!n || !m) return whole();
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
  const parts: DiffPart[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const at = (k: number) => trace[d][k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      parts.push({ op: 'same', text: a[--x] });
      y--;
    }
    if (x === prevX) parts.push({ op: 'add', text: b[--y] });
    else parts.push({ op: 'remove', text: a[--x] });
  }
  while (x > 0 && y > 0) {
    parts.push({ op: 'same', text: a[--x] });
    y--;
  }
  return parts.reverse();
}

/** Within a run of changes, removals first, then additions: reads as "this became that". */
export function groupChanges(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let removes: DiffPart[] = [];
  let adds: DiffPart[] = [];
  const flush = () => {
    out.push(...removes, ...adds);
    removes = [];
    adds = [];
  };
  for (const p of parts) {
    if (p.op === 'same') {
      flush();
      out.push(p);
    } else (p.op === 'remove' ? removes : adds).push(p);
  }
  flush();
  return out;
}

/**
 * Keep every change and `context` unchanged tokens on each side of it; longer unchanged runs
 * become one `skip` (a hunk marker). A run shorter than what it would save is kept whole.
 */
export function hunks(parts: readonly DiffPart[], context: number): (DiffPart | Skipped)[] {
  const changed = parts.map((p) => p.op !== 'same');
  const keep = parts.map((_, i) => {
    for (let d = -context; d <= context; d++) if (changed[i + d]) return true;
    return false;
  });
  const out: (DiffPart | Skipped)[] = [];
  for (let i = 0; i < parts.length; ) {
    if (keep[i]) {
      out.push(parts[i++]);
      continue;
    }
    let end = i;
    while (end < parts.length && !keep[end]) end++;
    if (end - i > 1) out.push({ op: 'skip', count: end - i });
    else out.push(...parts.slice(i, end));
    i = end;
  }
  return out;
}

/** Words and the white space between them, so joining the tokens gives the text back. */
export function words(text: string): string[] {
  return text.split(/(\s+)/).filter((t) => t !== '');
}

/** Adjacent parts of the same kind as one (a word diff's `[-a b-]`, not `[-a-][- -][-b-]`). */
export function joinRuns(parts: readonly DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (last && last.op === p.op) out[out.length - 1] = { op: p.op, text: last.text + p.text };
    else out.push({ ...p });
  }
  return out;
}

/**
 * White space alone between two changes joins them: `[-a. b-]{+a c+}` reads better than
 * `[-a.-]{+a+} {+c+}`. Only for word diffs, whose tokens alternate words and spaces.
 */
export function bridgeSpaces(parts: readonly DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  parts.forEach((p, i) => {
    const between =
      p.op === 'same' &&
      /^\s+$/.test(p.text) &&
      parts[i - 1] &&
      parts[i - 1].op !== 'same' &&
      parts[i + 1] &&
      parts[i + 1].op !== 'same';
    if (between) out.push({ op: 'remove', text: p.text }, { op: 'add', text: p.text });
    else out.push(p);
  });
  return groupChanges(out);
}
