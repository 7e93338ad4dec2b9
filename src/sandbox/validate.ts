/**
 * Generic input validation from the model: required members, types, length/count/range (`min`,
 * `max`), `pattern` and `enum`, walking the input shape recursively. Nothing here knows an
 * operation; a constraint added to a model file is enforced without code changes.
 *
 * Messages follow AWS's wording ("1 validation error detected: Value 'x' at 'Name' failed to
 * satisfy constraint: Member must ...") so tools that surface them read naturally.
 */
import type { ModelShape, ServiceModel } from '../aws/models.js';

export interface Violation {
  /** Dotted path in the input, e.g. `Actions[0].TaskAction.Name`. */
  path: string;
  message: string;
}

export interface CompiledPattern {
  regex?: RegExp;
  flags?: string;
  /** Why the pattern could not be compiled (it is then not enforced). */
  error?: string;
}

const patternCache = new Map<string, CompiledPattern>();

/**
 * botocore drops Smithy's anchors, so a pattern is matched against the whole value: `^(?:p)$`.
 * The `u` flag is tried first because some patterns use `\p{L}`, which without it silently means
 * the letters "p{L}"; patterns that are invalid under `u` (e.g. `[A-Za-z0-9-_]`, legal in the
 * annex-B grammar only) fall back to no flag. A pattern that compiles neither way is skipped.
 */
export function compilePattern(pattern: string): CompiledPattern {
  let compiled = patternCache.get(pattern);
  if (compiled) return compiled;
  const source = `^(?:${pattern})$`;
  const errors: string[] = [];
  for (const flags of ['u', '']) {
    try {
      compiled = { regex: new RegExp(source, flags), flags };
      break;
    } catch (err) {
      errors.push(`${flags || 'no flag'}: ${(err as Error).message}`);
    }
  }
  compiled ??= { error: errors.join('; ') };
  patternCache.set(pattern, compiled);
  return compiled;
}

/** Code points, as Smithy's @length counts them (an emoji is one character, not two). */
const lengthOf = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

function show(value: unknown, sensitive: boolean): string {
  if (sensitive) return "'***Sensitive Data Redacted***'";
  if (value === null || value === undefined) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.length > 200 ? `${text.slice(0, 200)}...` : text}'`;
}

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** Validates `value` against `shapeName`; returns every violation found (AWS reports them all). */
export function validateShape(model: ServiceModel, shapeName: string, value: unknown, path = ''): Violation[] {
  const out: Violation[] = [];
  walk(model, shapeName, value, path, out, false);
  return out;
}

function walk(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  path: string,
  out: Violation[],
  sensitive: boolean,
): void {
  if (value === undefined || value === null) return;
  const shape: ModelShape | undefined = model.shapes[shapeName];
  if (!shape) return;
  const secret = sensitive || shape.sensitive === true;
  const fail = (constraint: string) =>
    out.push({
      path,
      message: `Value ${show(value, secret)} at '${path}' failed to satisfy constraint: Member must ${constraint}`,
    });

  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return void fail('be a structure');
      const obj = value as Record<string, unknown>;
      const members = shape.members ?? {};
      for (const name of shape.required ?? []) {
        if (obj[name] === undefined || obj[name] === null) {
          const p = join(path, name);
          out.push({ path: p, message: `Value null at '${p}' failed to satisfy constraint: Member must not be null` });
        }
      }
      let set = 0;
      for (const [name, member] of Object.entries(members)) {
        if (obj[name] === undefined || obj[name] === null) continue;
        set++;
        walk(model, member.shape, obj[name], join(path, name), out, secret);
      }
      // Smithy unions carry exactly one member.
      if (shape.union && set !== 1) fail('have exactly one member set');
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return void fail('be a list');
      checkRange(shape, value.length, fail, 'have length');
      value.forEach((item, i) => {
        if (item === null || item === undefined) {
          const p = join(path, i);
          out.push({ path: p, message: `Value null at '${p}' failed to satisfy constraint: Member must not be null` });
        } else walk(model, shape.member!.shape, item, join(path, i), out, secret);
      });
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return void fail('be a map');
      const entries = Object.entries(value as Record<string, unknown>);
      checkRange(shape, entries.length, fail, 'have length');
      for (const [k, v] of entries) {
        walk(model, shape.key!.shape, k, `${path}.key(${k})`, out, secret);
        walk(model, shape.value!.shape, v, join(path, k), out, secret);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return void fail('be a string');
      if (shape.enum && !shape.enum.includes(value))
        return void fail(`satisfy enum value set: [${shape.enum.join(', ')}]`);
      checkRange(shape, lengthOf(value), fail, 'have length');
      if (shape.pattern) {
        const { regex } = compilePattern(shape.pattern);
        if (regex && !regex.test(value)) fail(`satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    }
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) return void fail('be an integer');
      checkRange(shape, value, fail, 'be');
      return;
    case 'double':
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return void fail('be a number');
      checkRange(shape, value, fail, 'be');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail('be a boolean');
      return;
    case 'timestamp':
      if (
        !(value instanceof Date) &&
        typeof value !== 'number' &&
        (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
      )
        fail('be a timestamp');
      return;
    case 'blob':
      if (typeof value !== 'string') fail('be a blob (base64 string)');
      return;
  }
}

function checkRange(shape: ModelShape, n: number, fail: (c: string) => void, verb: string): void {
  const { min, max } = shape;
  if (min !== undefined && n < min) fail(`${verb} greater than or equal to ${min}`);
  if (max !== undefined && n > max) fail(`${verb} less than or equal to ${max}`);
}

/** AWS's summary sentence for a list of violations. */
export function describeViolations(violations: Violation[]): string {
  const n = violations.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.map((v) => v.message).join('; ')}`;
}

/** Every pattern in a model, with how it compiled: for tests and docs/SANDBOX.md ("Behaviour"). */
export function patternReport(model: ServiceModel): { shape: string; pattern: string; compiled: CompiledPattern }[] {
  return Object.entries(model.shapes)
    .filter(([, s]) => s.pattern !== undefined)
    .map(([shape, s]) => ({ shape, pattern: s.pattern!, compiled: compilePattern(s.pattern!) }));
}
