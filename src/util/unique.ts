/**
 * The one de-duplication: keep the first of the items that share a key, in their order. The key
 * says what "the same" means at each use (a problem's position and message, a JSON value).
 */
export function uniqueBy<T>(items: Iterable<T>, key: (item: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
  }
  return out;
}
