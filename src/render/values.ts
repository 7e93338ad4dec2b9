import { stringify } from 'yaml';
import { escapeTerminal } from './escape.js';
import { isSensitiveMarker } from '../sensitive.js';

/**
 * How a value appears in a human plan: one style everywhere, YAML's. A scalar is one line,
 * quoted only when YAML needs it (`PUBLISHED`, `$.x > 1`, but `"true"`, `"a: b"`); a mapping or
 * list is an indented YAML block, never inline JSON; a multi-line string is a block of its lines.
 * The same value always looks the same, whichever field or output it is in. Every returned line
 * is safe to print (values come from pull requests and AWS: see escape.ts).
 */
export type ValueShape =
  | { block: false; text: string }
  /** `header` follows the field's `path:` (`|-` for a multi-line string, nothing for a mapping). */
  | { block: true; header: string; lines: string[] };

export function valueShape(value: unknown): ValueShape {
  if (typeof value === 'string' && value.includes('\n') && !isMarker(value)) {
    const body = value.endsWith('\n') ? value.slice(0, -1) : value;
    return { block: true, header: value.endsWith('\n') ? '|' : '|-', lines: body.split('\n').map(escapeTerminal) };
  }
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    return { block: true, header: '', lines: yamlText(value).split('\n').map(escapeTerminal) };
  }
  return { block: false, text: showScalar(value) };
}

/** A scalar (or an empty mapping/list) on one line, escaped. */
export function showScalar(value: unknown): string {
  if (value === undefined) return '(none)';
  if (isSensitiveMarker(value)) return value; // not a value: what stands in for one
  return escapeTerminal(yamlText(value));
}

/** The raw text of one long single-line string, for a word diff (no YAML quoting). */
export function isLongLine(value: unknown, longerThan = 60): value is string {
  return typeof value === 'string' && !value.includes('\n') && !isMarker(value) && value.length > longerThan;
}

/** A plain boolean test (the type guard would narrow a non-marker string away). */
function isMarker(value: unknown): boolean {
  return isSensitiveMarker(value);
}

function yamlText(value: unknown): string {
  // Never fold: a long string stays one line, and a quoted one keeps `\n` escapes rather than
  // YAML's folded lines (a blank line per line break reads as a different value).
  return stringify(value, { lineWidth: 0, doubleQuotedMinMultiLineLength: Infinity }).replace(/\n$/, '');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
