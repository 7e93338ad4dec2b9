/**
 * Values that came from the environment are sensitive. `connectform plan` runs on pull requests:
 * the config is untrusted (its author controls every byte), the CI environment is trusted. A
 * config could otherwise copy any environment variable into a field and have the plan print it.
 * So: credentials are never interpolated at all, and every other `${env.NAME}` value is shown as
 * `(sensitive: env.NAME)` unless the run itself (never the config) declares NAME public.
 */

/** Environment variable the CI sets (outside the config) to list variables that may be printed. */
export const PUBLIC_ENV_VARIABLE = 'CONNECTFORM_PUBLIC_ENV';

const CREDENTIAL_NAMES = new Set(['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID', 'GITHUB_TOKEN']);
const CREDENTIAL_WORDS = ['SECRET', 'TOKEN', 'PASSWORD', 'KEY'];

/**
 * Why `name` looks like a credential, or undefined. Case-insensitive: `my_token` is as much a
 * credential as `MY_TOKEN`, and a false positive costs a rename while a miss leaks a secret.
 */
export function credentialReason(name: string): string | undefined {
  const upper = name.toUpperCase();
  if (CREDENTIAL_NAMES.has(upper)) return `'${name}' is a credential`;
  if (upper.startsWith('ACTIONS_')) return `'${name}' is a GitHub Actions runner variable`;
  const word = CREDENTIAL_WORDS.find((w) => upper.includes(w));
  return word === undefined ? undefined : `'${name}' contains ${word}`;
}

/** `A, B ,C` → {A, B, C}; empty entries dropped. */
export function parsePublicEnv(list: string | undefined): Set<string> {
  return new Set(
    (list ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/** What a sensitive value is shown as: `(sensitive: env.A)`, `(sensitive: env.A, env.B)`, `(sensitive)`. */
export function sensitiveMarker(sources: readonly string[]): string {
  return sources.length ? `(sensitive: ${sources.join(', ')})` : '(sensitive)';
}

/** An update row's new side: says that the value changed without showing either value. */
export function changedMarker(sources: readonly string[]): string {
  return sources.length ? `(sensitive: ${sources.join(', ')}, changed)` : '(sensitive, changed)';
}

const MARKER_TEXT = String.raw`\(sensitive(?:[:,] [^()]*)?\)`;
const MARKER = new RegExp(`^${MARKER_TEXT}$`);

/** True for a string sensitiveMarker or changedMarker produced. */
export function isSensitiveMarker(value: unknown): value is string {
  return typeof value === 'string' && MARKER.test(value);
}

/** A body location whose value used sensitive environment variables. */
export interface SensitiveValue {
  path: (string | number)[];
  /** `env.NAME` of each non-public variable involved. */
  sources: string[];
  /** The value with a marker in place of each sensitive part: the config's own text, no secret. */
  shown?: string | number | boolean;
}

/** Values shorter than this are replaced only as whole tokens, so `1` does not mangle output. */
const SHORT_VALUE = 4;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The last line of defence: replaces every occurrence of a sensitive value in any text (AWS
 * error messages can echo a value back, a kind's message may quote one) by its marker. Built
 * from the values resolution actually used; merge the redactors of every target of a run.
 */
export class Redactor {
  /** value → env.NAME sources */
  private readonly values = new Map<string, Set<string>>();
  private pattern?: RegExp;

  constructor(entries: Iterable<{ source: string; value: string }> = []) {
    for (const { source, value } of entries) this.add(source, value);
  }

  static merge(...redactors: (Redactor | undefined)[]): Redactor {
    const out = new Redactor();
    for (const r of redactors)
      if (r) for (const [value, sources] of r.values) for (const s of sources) out.add(s, value);
    return out;
  }

  get isEmpty(): boolean {
    return this.values.size === 0;
  }

  private add(source: string, value: string): void {
    if (!value) return; // an empty value cannot be found in text (and would match everywhere)
    // JSON output escapes quotes, backslashes and control characters: find that form too.
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1)])) {
      const sources = this.values.get(form) ?? new Set<string>();
      sources.add(source);
      this.values.set(form, sources);
    }
    this.pattern = undefined;
  }

  scrub(text: string): string {
    if (!this.values.size || !text) return text;
    this.pattern ??= this.compile();
    return text.replace(this.pattern, (found) =>
      MARKER.test(found) ? found : sensitiveMarker([...(this.values.get(found) ?? [])].sort()),
    );
  }

  /** A problem (message and hint) with every sensitive value replaced by its marker. */
  scrubProblem<T extends { message: string; hint?: string }>(p: T): T {
    if (this.isEmpty) return p;
    return { ...p, message: this.scrub(p.message), ...(p.hint !== undefined ? { hint: this.scrub(p.hint) } : {}) };
  }

  private compile(): RegExp {
    // Longest first: a value that contains another is replaced whole.
    const alternatives = [...this.values.keys()]
      .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
      .map((v) => (v.length < SHORT_VALUE ? `(?<![A-Za-z0-9_])${escapeRegExp(v)}(?![A-Za-z0-9_])` : escapeRegExp(v)));
    // Markers already in the text come first and stay as they are: scrubbing twice is harmless.
    return new RegExp([MARKER_TEXT, ...alternatives].join('|'), 'g');
  }
}
