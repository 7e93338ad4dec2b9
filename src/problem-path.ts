/**
 * How every problem names the place it is about: the config key, the item's index in its
 * file's list, then the API's field names with list indexes, `rules[2].Actions[0].ActionType`.
 * A key that is not a plain name (a tag key with `:` or a space) is quoted: `Tags["team:ops"]`.
 * The loader, schema validation, interpolation and every kind's audit build paths here, so the
 * format is decided once. (Plan rows name changed fields their own way: src/engine/diff.ts.)
 */

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `['Actions', 0, 'TaskAction']` → `Actions[0].TaskAction` (odd keys quoted). */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `rules[3]` + `['Actions', 0]` → `rules[3].Actions[0]`; `rules` + `[3]` → `rules[3]`. */
export function joinPath(label: string, path: readonly PathSegment[]): string {
  const rest = formatPath(path);
  if (!label) return rest;
  if (!rest) return label;
  return rest.startsWith('[') ? `${label}${rest}` : `${label}.${rest}`;
}
