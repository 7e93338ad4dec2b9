import { isSensitiveMarker } from '../config/sensitive.js';

/** How a value appears in a human plan: compact, one line, long strings cut in the middle. */
export function showValue(value: unknown, max = 120): string {
  if (value === undefined) return '(none)';
  if (isSensitiveMarker(value)) return value; // not a value: what stands in for one
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  if (text.length <= max) return text;
  const half = Math.floor((max - 5) / 2);
  return `${text.slice(0, half)} ... ${text.slice(-half)}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
