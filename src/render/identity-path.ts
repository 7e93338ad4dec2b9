/**
 * Identity paths as the human outputs show them. A selector addresses a list element by its
 * identity members, whose values can be long (a notification's Subject, an ARN):
 * `Actions[ActionType="SEND_NOTIFICATION",SendNotificationAction.Subject="URGENT: …"]`. Text and
 * markdown show at most SELECTOR_VALUE_MAX characters of any selector value, abbreviated so that
 * two different values of one resource never read the same. The JSON document, saved plans and
 * `ignoreChanges` keep the whole identity.
 */

/** The most characters (code points, the ellipsis included) a selector value shows. */
export const SELECTOR_VALUE_MAX = 40;

const ELLIPSIS = '…';

/** A JSON string right after `=`: a selector's value (member names in brackets are left whole). */
const SELECTOR_VALUE = /="((?:[^"\\]|\\.)*)"/g;

/** Ways to shorten a value, tried in order until every long value of the resource stays distinct. */
const STYLES: ((chars: string[]) => string)[] = [
  (c) => c.slice(0, SELECTOR_VALUE_MAX - 1).join('') + ELLIPSIS,
  (c) => {
    const tail = Math.floor((SELECTOR_VALUE_MAX - 1) / 2);
    return c.slice(0, SELECTOR_VALUE_MAX - 1 - tail).join('') + ELLIPSIS + c.slice(-tail).join('');
  },
  (c) => {
    const hash = fnv1a(c.join('')).padStart(7, '0');
    return c.slice(0, SELECTOR_VALUE_MAX - 1 - hash.length).join('') + ELLIPSIS + hash;
  },
];

/**
 * A function showing each of `paths` (one resource's rows) with its long selector values
 * abbreviated; a path not among them is shortened the same way.
 */
export function selectorShortener(paths: readonly string[]): (path: string) => string {
  const values = new Set<string>();
  for (const p of paths) for (const m of p.matchAll(SELECTOR_VALUE)) values.add(decoded(m[1]));
  const long = [...values].filter((v) => Array.from(v).length > SELECTOR_VALUE_MAX);
  if (!long.length) return (p) => p;
  const shown = chooseStyle(long, values);
  if (!shown) return (p) => p; // no style keeps them apart (not seen in practice): show them whole
  return (p) =>
    p.replace(SELECTOR_VALUE, (whole, raw: string) => {
      const short = shown.get(decoded(raw));
      return short === undefined ? whole : `=${JSON.stringify(short)}`;
    });
}

function chooseStyle(long: string[], all: Set<string>): Map<string, string> | undefined {
  for (const style of STYLES) {
    const shown = new Map(long.map((v) => [v, style(Array.from(v))]));
    const seen = new Set([...all].filter((v) => !shown.has(v)));
    let distinct = true;
    for (const s of shown.values()) {
      if (seen.has(s)) distinct = false;
      seen.add(s);
    }
    if (distinct) return shown;
  }
  return undefined;
}

function decoded(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** FNV-1a (32 bits) in base 36: a short, stable tag for a value, not a security measure. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}
