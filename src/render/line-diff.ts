/**
 * A small sequence diff for showing long values: lines of a multi-line string or of a YAML block,
 * words of one long line. Longest common subsequence after trimming the common head and tail,
 * which is what a plan's edits mostly are (one condition changed in a rule's Function). Values
 * are bounded by the APIs (a few KB), so the quadratic table is small; past LCS_CELLS it falls
 * back to "all removed, all added": still complete, only less precise.
 *
 * Written here rather than taken from jsdiff: the renderers need only this and hunking, and the
 * result must never drop a differing token (callers trim unchanged context only).
 */

export type DiffPart = { op: 'same' | 'remove' | 'add'; text: string };
/** A run of unchanged tokens left out of a hunked diff. */
export type Skipped = { op: 'skip'; count: number };

const LCS_CELLS = 4_000_000;

export function diffSequences(before: readonly string[], after: readonly string[]): DiffPart[] {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const a = before.slice(head, before.length - tail);
  const b = after.slice(head, after.length - tail);
  const same = (text: string): DiffPart => ({ op: 'same', text });
  return [...before.slice(0, head).map(same), ...middle(a, b), ...before.slice(before.length - tail).map(same)];
}

function middle(a: readonly string[], b: readonly string[]): DiffPart[] {
  const removed = a.map((text): DiffPart => ({ op: 'remove', text }));
  const added = b.map((text): DiffPart => ({ op: 'add', text }));
  if (!a.length || !b.length || (a.length + 1) * (b.length + 1) > LCS_CELLS) return [...removed, ...added];
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..]
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const out: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', text: a[i] });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) out.push({ op: 'remove', text: a[i++] });
    else out.push({ op: 'add', text: b[j++] });
  }
  while (i < a.length) out.push({ op: 'remove', text: a[i++] });
  while (j < b.length) out.push({ op: 'add', text: b[j++] });
  return groupChanges(out);
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
    const between = p.op === 'same' && /^\s+$/.test(p.text) && parts[i - 1] && parts[i - 1].op !== 'same' && parts[i + 1] && parts[i + 1].op !== 'same';
    if (between) out.push({ op: 'remove', text: p.text }, { op: 'add', text: p.text });
    else out.push(p);
  });
  return groupChanges(out);
}
