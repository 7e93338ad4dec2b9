import { escapeTerminal } from './escape.js';
import { isSensitiveMarker } from '../sensitive.js';

/**
 * How a value appears in a human plan: compact, one line, long strings cut in the middle, and
 * safe to print (values come from pull requests and AWS: see escape.ts). JSON.stringify already
 * escapes C0 controls; escapeTerminal catches what it leaves raw (C1, bidi, U+2028, …).
 */
export function showValue(value: unknown, max = 120): string {
  return escapeTerminal(cutMiddle(valueText(value), max));
}

/** The value as text, before cutting and escaping: the place to teach new kinds of value. */
function valueText(value: unknown): string {
  if (value === undefined) return '(none)';
  if (isSensitiveMarker(value)) return value; // not a value: what stands in for one
  return JSON.stringify(value) ?? String(value);
}

function cutMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor((max - 5) / 2);
  return `${text.slice(0, half)} ... ${text.slice(-half)}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
