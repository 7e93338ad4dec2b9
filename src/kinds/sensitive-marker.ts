/**
 * Sensitivity outlives the reference. A field applied from a sensitive source (`${env.NAME}`,
 * directly or through a var) holds a secret in the live resource after the config stops naming
 * the variable: a pull request that replaces `${env.MYSEC}` by a literal would otherwise have
 * `plan` print the live secret as the old value. So the resource itself remembers which fields
 * came from a sensitive source, in the value of connectform's existing marker tag (no extra tag
 * slot, it travels with the resource and survives a fresh CI checkout or another machine):
 *
 *   `true`                                       nothing sensitive (what older versions wrote)
 *   `true Tags/team=MYSEC Actions/+/SendNotificationAction/Subject=MYSEC Function`
 *
 * Each entry is a body path (`/` between members, `+` for any list element), and `=NAME` when
 * the whole value was exactly `${env.NAME}` (export writes that reference back). Never a digest
 * of the value: a stored hash would be an oracle for guessing the secret. Characters outside
 * `A-Za-z0-9_.:-` are written `@HH` (UTF-8 bytes), so the value fits every service's tag value
 * pattern (`[\p{L}\p{Z}\p{N}_.:/=+\-@]*`). Tag values hold 256 characters (Connect and Chatbot
 * alike): past that the entries are cut to their top-level fields without names, and past that
 * again to `true +`, which masks every field of the resource (hiding more, never less).
 *
 * An apply that writes a field from a non-sensitive source drops its entry; an entry for a
 * field the config no longer declares is kept (its old value may still be live). A marker value
 * this version cannot read masks the whole resource. Lex associations carry no tags and need
 * none: their secrets are secret by kind (secretPaths).
 */
import { sensitiveMarker, type SensitiveValue } from '../sensitive.js';
import { MARKER_TAG_VALUE } from './common.js';

/** One field recorded as sensitive: `null` stands for any list element; `[]` for everything. */
export interface RecordedSensitive {
  path: (string | null)[];
  /** `NAME` when the whole value was exactly `${env.NAME}`. */
  env?: string;
}

/** Connect's and Chatbot's TagValue maximum (src/aws/models/*.json). */
export const MAX_MARKER_LENGTH = 256;

const PLAIN = /^[A-Za-z0-9_.:-]$/;
const EVERYTHING = '+';

function encodeText(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && PLAIN.test(ch) ? ch : `@${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function decodeText(text: string): string | undefined {
  if (!/^(?:[A-Za-z0-9_.:-]|@[0-9A-F]{2})+$/.test(text)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '@') {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

function encodeEntry(r: RecordedSensitive): string {
  if (!r.path.length) return EVERYTHING;
  const path = r.path.map((s) => (s === null ? '+' : encodeText(s))).join('/');
  return r.env ? `${path}=${encodeText(r.env)}` : path;
}

/** The marker tag's value recording `fields`; `true` when there are none. */
export function encodeMarker(fields: readonly RecordedSensitive[]): string {
  if (!fields.length) return MARKER_TAG_VALUE;
  if (fields.some((f) => !f.path.length)) return `${MARKER_TAG_VALUE} ${EVERYTHING}`;
  const join = (entries: string[]) => [MARKER_TAG_VALUE, ...[...new Set(entries)].sort()].join(' ');
  const full = join(fields.map(encodeEntry));
  if (full.length <= MAX_MARKER_LENGTH) return full;
  const coarse = join(fields.map((f) => encodeEntry({ path: f.path.slice(0, 1) })));
  if (coarse.length <= MAX_MARKER_LENGTH) return coarse;
  return `${MARKER_TAG_VALUE} ${EVERYTHING}`;
}

/**
 * The fields a live marker value records. Absent or `true`: none. A value this version cannot
 * read (hand-edited, a newer format): every field, so nothing is shown that might be a secret.
 */
export function decodeMarker(value: string | undefined): RecordedSensitive[] {
  if (value === undefined || value === MARKER_TAG_VALUE) return [];
  const everything = [{ path: [] }];
  if (!value.startsWith(`${MARKER_TAG_VALUE} `)) return everything;
  const out: RecordedSensitive[] = [];
  for (const entry of value.slice(MARKER_TAG_VALUE.length + 1).split(' ')) {
    if (entry === EVERYTHING) return everything;
    const [pathText, envText, extra] = entry.split('=');
    if (!pathText || extra !== undefined) return everything;
    const path: (string | null)[] = [];
    for (const seg of pathText.split('/')) {
      const s = seg === '+' ? null : decodeText(seg);
      if (s === undefined) return everything;
      path.push(s);
    }
    const env = envText === undefined ? undefined : decodeText(envText);
    if (envText !== undefined && env === undefined) return everything;
    out.push({ path, ...(env ? { env } : {}) });
  }
  return out;
}

/** The fields of a declared body that come from sensitive variables, as the marker records them. */
export function recordedFrom(sensitive: readonly SensitiveValue[] | undefined): RecordedSensitive[] {
  return (sensitive ?? []).map((s) => {
    const only = s.sources.length === 1 ? s.sources[0] : undefined;
    const whole = only?.startsWith('env.') && s.shown === sensitiveMarker(s.sources);
    return {
      path: s.path.map((p) => (typeof p === 'number' ? null : p)),
      ...(whole ? { env: (only as string).slice('env.'.length) } : {}),
    };
  });
}

/** Whether `body` declares a value at `path` (`null`: in any element of the list). */
function declares(body: unknown, path: readonly (string | null)[]): boolean {
  if (!path.length) return body !== undefined && body !== null;
  const [head, ...rest] = path;
  if (head === null) return Array.isArray(body) && body.some((item) => declares(item, rest));
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  return Object.hasOwn(body, head) && declares((body as Record<string, unknown>)[head], rest);
}

/**
 * The marker value an apply of `body` (with `sensitive` places) leaves on a resource whose marker
 * is `live` now: the fields written from sensitive sources, plus the recorded ones this apply
 * does not write (the config no longer declares them). A field now written from a literal drops.
 */
export function nextMarker(
  live: string | undefined,
  body: unknown,
  sensitive: readonly SensitiveValue[] | undefined,
): string {
  const now = recordedFrom(sensitive);
  const key = (r: RecordedSensitive) => JSON.stringify(r.path);
  const kept = decodeMarker(live).filter(
    (r) => r.path.length && !declares(body, r.path) && !now.some((n) => key(n) === key(r)),
  );
  return encodeMarker([...now, ...kept]);
}

/** `env.NAME` sources of a recorded field as plans show them (`(sensitive: env.NAME)`). */
export function recordedSources(r: RecordedSensitive): string[] {
  return r.env ? [`env.${r.env}`] : [];
}
