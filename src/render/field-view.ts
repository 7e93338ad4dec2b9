/**
 * What one field row of a plan shows, decided once for every human output: the text and the
 * markdown renderers only lay these out. Paths and values come out escaped (escapeTerminal);
 * destination-specific markup (colour, fences) is the renderer's.
 */
import type { FieldChange } from '../engine/plan.js';
import { escapeTerminal } from './escape.js';
import { bridgeSpaces, diffSequences, hunks, joinRuns, words, type DiffPart, type Skipped } from './line-diff.js';
import { isLongLine, valueShape } from './values.js';

/** Unchanged lines (or words) kept on each side of a change; longer unchanged runs are skipped. */
export const CONTEXT = 3;

export type FieldView = {
  path: string;
  forcesReplace: boolean;
} /** An element of an ordered list moved; `from`/`to` are 1-based positions for the reader. */ & (
  | { shape: 'move'; from?: number; to?: number }
  /** A one-line value added (`+`), removed (`-`) or changed (`~`). */
  | { shape: 'inline'; sign: '+' | '-' | '~'; before?: string; after?: string }
  /** A block value (mapping, list, multi-line string) added or removed whole. */
  | { shape: 'block'; sign: '+' | '-'; header: string; lines: string[] }
  /** A block value changed in place: its lines as a diff, unchanged runs skipped. */
  | { shape: 'lines'; header: string; parts: (DiffPart | Skipped)[] }
  /**
   * One long line changed in place: both whole values (`before`/`after`, as scalars) and the
   * word diff of the raw strings (`parts`, escaped per token; unchanged runs skipped).
   */
  | { shape: 'words'; before: string; after: string; parts: (DiffPart | Skipped)[] }
);

/** `shownPath`: how the row's path reads (identity-path.ts abbreviates long selector values). */
export function fieldView(f: FieldChange, shownPath: (path: string) => string = (p) => p): FieldView {
  const base = { path: escapeTerminal(shownPath(f.path)), forcesReplace: f.impact === 'replace' };
  const op = f.op ?? (f.before === undefined ? 'add' : f.after === undefined ? 'remove' : 'change');
  if (op === 'move') return { ...base, shape: 'move', from: position(f.from), to: position(f.to) };
  if (op === 'add' || op === 'remove') {
    const shape = valueShape(op === 'add' ? f.after : f.before);
    const sign = op === 'add' ? '+' : '-';
    return shape.block
      ? { ...base, shape: 'block', sign, header: shape.header, lines: shape.lines }
      : { ...base, shape: 'inline', sign, [op === 'add' ? 'after' : 'before']: shape.text };
  }
  const before = valueShape(f.before);
  const after = valueShape(f.after);
  if (before.block || after.block) {
    const header = before.block && after.block && before.header === after.header ? before.header : '';
    const parts = diffSequences(linesOf(before), linesOf(after));
    return { ...base, shape: 'lines', header, parts: hunks(parts, CONTEXT) };
  }
  if (isLongLine(f.before) || isLongLine(f.after)) {
    const parts = hunks(bridgeSpaces(diffSequences(words(String(f.before)), words(String(f.after)))), WORD_CONTEXT);
    const shown = parts.map((p) => (p.op === 'skip' ? p : { ...p, text: escapeTerminal(p.text) }));
    return { ...base, shape: 'words', before: before.text, after: after.text, parts: joinWordRuns(shown) };
  }
  return { ...base, shape: 'inline', sign: '~', before: before.text, after: after.text };
}

/** Words and the spaces between them are tokens: 6 tokens are 3 words each side. */
const WORD_CONTEXT = 2 * CONTEXT;

/** Runs of words between skips joined, so a change reads `[-two words-]`. */
function joinWordRuns(parts: (DiffPart | Skipped)[]): (DiffPart | Skipped)[] {
  const out: (DiffPart | Skipped)[] = [];
  let run: DiffPart[] = [];
  for (const p of parts) {
    if (p.op !== 'skip') {
      run.push(p);
      continue;
    }
    out.push(...trailingSpaceOut(joinRuns(run)), p);
    run = [];
  }
  return [...out, ...trailingSpaceOut(joinRuns(run))];
}

/** `[-a -]{+b +}c` → `[-a-]{+b+} c`: white space both sides end with is unchanged text. */
function trailingSpaceOut(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (let i = 0; i < parts.length; i++) {
    const [removed, added] = [parts[i], parts[i + 1]];
    const space = removed.op === 'remove' && added?.op === 'add' ? /\s+$/.exec(removed.text)?.[0] : undefined;
    if (space && added.text.endsWith(space) && removed.text.length > space.length && added.text.length > space.length) {
      out.push(
        { op: 'remove', text: removed.text.slice(0, -space.length) },
        { op: 'add', text: added.text.slice(0, -space.length) },
        { op: 'same', text: space },
      );
      i++;
    } else out.push(removed);
  }
  return out;
}

function linesOf(shape: ReturnType<typeof valueShape>): string[] {
  return shape.block ? shape.lines : [shape.text];
}

/** The plan carries list indexes (0-based); a person counts from 1. */
function position(index: number | undefined): number | undefined {
  return index === undefined ? undefined : index + 1;
}
