/**
 * `${var.NAME}` and `${env.NAME}` in string values (never in keys), resolved for one target.
 * `$${` is a literal `${`. A string that is exactly one `${var.x}` takes the var's own type
 * (number, boolean, or a copy of a list or mapping), so `TargetSlaMinutes: ${var.sla}` stays a
 * number; embedded ones are stringified, and a list or mapping cannot be. One pass only: a
 * var's value is not interpolated again. Values from the environment are sensitive (see
 * sensitive.ts): each result says which variables it used.
 */
import type { Path } from '../kinds/types.js';
import { didYouMean } from './annotations.js';
import { credentialReason, sensitiveMarker, type SensitiveValue } from '../sensitive.js';
import { MAX_VAR_DEPTH, MAX_VAR_EXPANSION, MAX_VAR_VALUES } from './bounds.js';

/** A var's value: a scalar, or a list or mapping of values (used only as a whole value). */
export type VarValue = string | number | boolean | VarValue[] | { [key: string]: VarValue };
export type Env = Readonly<Record<string, string | undefined>>;

export interface InterpolationScope {
  /** The target's vars; undefined where `${var.*}` is not allowed (the target's own fields). */
  vars?: Readonly<Record<string, VarValue>>;
  env: Env;
  /** For messages ("target 'prod' defines ..."). */
  targetName?: string;
  /** Variables the run (not the config) declared printable; every other `${env.X}` is sensitive. */
  publicEnv?: ReadonlySet<string>;
  /** Each var whose value used a sensitive variable (`vars: { k: ${env.X} }`): its sources and shown form. */
  sensitiveVars?: Readonly<Record<string, SensitiveVar>>;
  /**
   * Shared by every interpolate() of one target: issues past `left` are only counted in
   * `unlisted`, and cost nothing (an undefined-variable message lists and searches the vars).
   */
  budget?: { left: number; unlisted: number };
  /** Values list and mapping vars may still copy into the target's resources (MAX_VAR_EXPANSION). */
  expansion?: { left: number };
}

/** Vars named in an "undefined variable" message; and above how many no suggestion is sought. */
const MAX_LISTED_VARS = 10;
const MAX_VARS_SEARCHED = 1000;
/** The vars' names, listed once per vars object (Object.keys of a big mapping is not cheap). */
const varNames = new WeakMap<object, string[]>();
function namesOf(vars: Readonly<Record<string, VarValue>>): string[] {
  let names = varNames.get(vars);
  if (!names) {
    names = Object.keys(vars);
    varNames.set(vars, names);
  }
  return names;
}

/** Stands for an issue past the budget: nobody reads its text. */
const UNLISTED: Omit<InterpolationIssue, 'path'> = { message: 'not listed' };

/** One problem, at `path` inside the interpolated value; the caller adds the position. */
export interface InterpolationIssue {
  path: Path;
  message: string;
  hint?: string;
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LITERAL_HINT = 'write $${ for a literal ${';

export interface SensitiveVar {
  sources: readonly string[];
  /** The value with a marker in place of each sensitive part. */
  shown: VarValue;
  /** A list or mapping var: each sensitive string in it, at its path inside the value. */
  parts?: readonly SensitiveValue[];
}

function isListOrMap(value: VarValue): value is VarValue[] | { [key: string]: VarValue } {
  return typeof value === 'object';
}

/** `parts`: the sensitive strings of a var's value, paths relative to the value ([] for a scalar). */
export function sensitiveVar(value: VarValue, parts: readonly SensitiveValue[]): SensitiveVar {
  const sources = [...new Set(parts.flatMap((p) => p.sources))].sort();
  if (!isListOrMap(value)) return { sources, shown: parts[0]?.shown ?? '' };
  const shown = structuredClone(value);
  for (const { path, shown: part } of parts) {
    let at = shown as Record<string | number, VarValue>;
    for (const segment of path.slice(0, -1)) at = at[segment] as Record<string | number, VarValue>;
    at[path[path.length - 1]] = part ?? '';
  }
  return { sources, shown, parts };
}

/** A list or mapping var's size, and the first place it nests too deep or holds no var value. */
interface VarShape {
  /** Values counted (stops past MAX_VAR_VALUES). */
  values: number;
  tooDeep?: Path;
  /** Where a value is not text, a number, true/false, a list or a mapping (a null). */
  notAValue?: Path;
}

/** Walks no deeper than MAX_VAR_DEPTH and stops past MAX_VAR_VALUES: a huge value costs the bound. */
function varShape(value: unknown): VarShape {
  const shape: VarShape = { values: 0 };
  const stopped = () => shape.values > MAX_VAR_VALUES || shape.tooDeep !== undefined;
  const walk = (v: unknown, at: Path): void => {
    shape.values++;
    if (at.length > MAX_VAR_DEPTH) shape.tooDeep = at;
    else if (Array.isArray(v)) for (let i = 0; i < v.length && !stopped(); i++) walk(v[i], [...at, i]);
    else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (stopped()) break;
        walk(item, [...at, k]);
      }
    } else if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') shape.notAValue ??= at;
  };
  walk(value, []);
  return shape;
}

/**
 * Where a var's value nests deeper or holds more than a var may (bounds.ts), and why; with
 * `types`, also where it holds something other than text, numbers, true/false, lists and
 * mappings (the config's own vars leave that to the document schema).
 */
export function varValueIssue(value: unknown, options: { types?: boolean } = {}): InterpolationIssue | undefined {
  const shape = varShape(value);
  if (shape.tooDeep)
    return {
      path: shape.tooDeep,
      message: `a var nests at most ${MAX_VAR_DEPTH} levels deep`,
      hint: 'flatten the value, or split it into several vars',
    };
  if (shape.values > MAX_VAR_VALUES)
    return {
      path: [],
      message: `a var holds at most ${MAX_VAR_VALUES} values (lists, mappings and scalars each count one)`,
      hint: 'split it into several vars',
    };
  if (options.types && shape.notAValue)
    return {
      path: shape.notAValue,
      message: 'a var holds text, numbers, true/false, lists and mappings only',
      hint: 'remove the empty value, or quote it',
    };
  return undefined;
}

/** Values of each list or mapping var, counted once (each use is charged them). */
const valueCounts = new WeakMap<object, number>();

/**
 * A value, the `env.NAME` sources that make it sensitive (none: printable), and the value as
 * it may be shown: a marker in place of each sensitive part.
 */
type Resolved =
  | { value: VarValue; sources: readonly string[]; shown: VarValue; parts?: readonly SensitiveValue[] }
  | { issue: Omit<InterpolationIssue, 'path'> };

function lookup(expr: string, scope: InterpolationScope, quiet: boolean): Resolved {
  const dot = expr.indexOf('.');
  const ns = dot < 0 ? '' : expr.slice(0, dot);
  const name = dot < 0 ? expr : expr.slice(dot + 1);
  if (ns === 'var') {
    if (!scope.vars) {
      return {
        issue: {
          message: `\${var.${name}} cannot be used in target fields`,
          hint: 'target fields take ${env.NAME} only',
        },
      };
    }
    if (!VAR_NAME.test(name))
      return {
        issue: {
          message: `'${name}' is not a valid variable name in \${var.${name}}`,
          hint: 'names use letters, digits, _ and -',
        },
      };
    if (Object.hasOwn(scope.vars, name)) {
      const sensitive =
        scope.sensitiveVars && Object.hasOwn(scope.sensitiveVars, name) ? scope.sensitiveVars[name] : undefined;
      return {
        value: scope.vars[name],
        sources: sensitive?.sources ?? [],
        shown: sensitive?.shown ?? scope.vars[name],
        ...(sensitive?.parts ? { parts: sensitive.parts } : {}),
      };
    }
    if (quiet) return { issue: UNLISTED };
    const defined = namesOf(scope.vars);
    const target = scope.targetName === undefined ? 'the target' : `target '${scope.targetName}'`;
    const listed =
      defined.length > MAX_LISTED_VARS
        ? `${defined.slice(0, MAX_LISTED_VARS).join(', ')}, … (${defined.length} in all)`
        : defined.join(', ');
    return {
      issue: {
        message: `undefined variable '${name}'; ${target} defines ${defined.length ? listed : 'no vars'}${defined.length <= MAX_VARS_SEARCHED ? didYouMean(name, defined) : ''}`,
        hint: `add it under targets.${scope.targetName ?? '<name>'}.vars`,
      },
    };
  }
  if (ns === 'env') {
    if (!ENV_NAME.test(name))
      return { issue: { message: `'${name}' is not a valid environment variable name in \${env.${name}}` } };
    // Refused even when listed public: whoever edits the config must not reach credentials.
    const credential = credentialReason(name);
    if (credential !== undefined) {
      return {
        issue: {
          message: `\${env.${name}} is refused: ${credential}, and credentials are never read into a config`,
          hint: 'credentials stay in the environment for the AWS SDK; if this value is not a credential, export it under a name without SECRET, TOKEN, PASSWORD or KEY',
        },
      };
    }
    const value = Object.hasOwn(scope.env, name) ? scope.env[name] : undefined;
    if (value === undefined)
      return {
        issue: {
          message: `environment variable '${name}' is not set`,
          hint: `set it before running connectform, or ${LITERAL_HINT}`,
        },
      };
    if (scope.publicEnv?.has(name)) return { value, sources: [], shown: value };
    const sources = [`env.${name}`];
    return { value, sources, shown: sensitiveMarker(sources) };
  }
  const guess = /^vars?\.|^envs?\./i.test(expr) ? didYouMean(expr, [`var.${name}`, `env.${name}`]) : '';
  return {
    issue: {
      message: `unknown interpolation '\${${expr}}'${guess}`,
      hint: `use \${var.NAME} or \${env.NAME}, or ${LITERAL_HINT}`,
    },
  };
}

export interface InterpolatedString {
  value: VarValue;
  issues: Omit<InterpolationIssue, 'path'>[];
  /** `env.NAME` of each sensitive variable the value used, directly or through a var; sorted. */
  sources: string[];
  /** The value with a marker in place of each sensitive part (the config's own text stays). */
  shown: VarValue;
  /** A list or mapping var used whole: its sensitive strings, at their paths inside the value. */
  parts?: readonly SensitiveValue[];
}

/**
 * A list or mapping var used whole: a copy (resources must not share one object), charged to
 * the target's expansion budget.
 */
function copyWhole(
  name: string,
  value: VarValue[] | { [key: string]: VarValue },
  scope: InterpolationScope,
): { value: VarValue } | { issue: Omit<InterpolationIssue, 'path'> } {
  let values = valueCounts.get(value);
  if (values === undefined) {
    values = varShape(value).values;
    valueCounts.set(value, values);
  }
  if (scope.expansion) {
    if (values > scope.expansion.left)
      return {
        issue: {
          message: `\${var.${name}} would copy more than ${MAX_VAR_EXPANSION} values of list and mapping vars into this target's resources`,
          hint: 'use big list or mapping vars in fewer places, or make them smaller',
        },
      };
    scope.expansion.left -= values;
  }
  return { value: structuredClone(value) };
}

/** Interpolate one string; issues carry no path. */
export function interpolateString(text: string, scope: InterpolationScope, quiet = false): InterpolatedString {
  const issues: Omit<InterpolationIssue, 'path'>[] = [];
  const sources = new Set<string>();
  const done = (value: VarValue, shown: VarValue = value): InterpolatedString => ({
    value,
    issues,
    sources: [...sources].sort(),
    shown,
  });
  if (!text.includes('${')) return done(text);

  // Exactly one `${var.x}` and nothing else: keep the var's type.
  if (text.startsWith('${var.') && text.indexOf('}') === text.length - 1) {
    const r = lookup(text.slice(2, -1), scope, quiet);
    if ('issue' in r) {
      issues.push(r.issue);
      return done(text);
    }
    let value = r.value;
    if (isListOrMap(value)) {
      const copy = copyWhole(text.slice(6, -1), value, scope);
      if ('issue' in copy) {
        issues.push(copy.issue);
        return done(text);
      }
      value = copy.value;
    }
    for (const s of r.sources) sources.add(s);
    return { ...done(value, r.shown), ...(r.parts ? { parts: r.parts } : {}) };
  }

  let out = '';
  let shown = ''; // `out` with markers for sensitive parts; literal text is added to both
  const literal = (s: string) => {
    out += s;
    shown += s;
  };
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      literal(text.slice(i));
      break;
    }
    literal(text.slice(i, dollar));
    if (text.startsWith('$${', dollar)) {
      literal('${');
      i = dollar + 3;
    } else if (!text.startsWith('${', dollar)) {
      literal('$');
      i = dollar + 1;
    } else {
      const close = text.indexOf('}', dollar + 2);
      if (close < 0) {
        issues.push({
          message: `unterminated '\${' in '${text.slice(dollar, dollar + 40)}'`,
          hint: `close it with }, or ${LITERAL_HINT}`,
        });
        literal(text.slice(dollar));
        break;
      }
      const expr = text.slice(dollar + 2, close);
      const r = lookup(expr, scope, quiet);
      if ('value' in r && isListOrMap(r.value)) {
        issues.push({
          message: `\${${expr}} is a ${Array.isArray(r.value) ? 'list' : 'mapping'}: a list or mapping var can only be used as a whole value`,
          hint: `write '\${${expr}}' alone as the value, or make the var text`,
        });
        literal(text.slice(dollar, close + 1));
      } else if ('value' in r) {
        out += String(r.value);
        shown += String(r.shown);
        for (const s of r.sources) sources.add(s);
      } else {
        issues.push(r.issue);
        literal(text.slice(dollar, close + 1));
      }
      i = close + 1;
    }
  }
  return done(out, shown);
}

/**
 * Interpolate every string inside `value` (a copy is returned; keys are left alone). `sensitive`
 * lists each string whose value used a sensitive environment variable.
 */
export function interpolate(
  value: unknown,
  scope: InterpolationScope,
  path: Path = [],
): { value: unknown; issues: InterpolationIssue[]; sensitive: SensitiveValue[] } {
  const issues: InterpolationIssue[] = [];
  const sensitive: SensitiveValue[] = [];
  const walk = (v: unknown, at: Path): unknown => {
    if (typeof v === 'string') {
      const budget = scope.budget;
      const r = interpolateString(v, scope, budget !== undefined && budget.left <= 0);
      for (const issue of r.issues) {
        if (budget && budget.left <= 0) budget.unlisted++;
        else {
          if (budget) budget.left--;
          issues.push({ path: at, ...issue });
        }
      }
      if (r.parts) for (const p of r.parts) sensitive.push({ ...p, path: [...at, ...p.path] });
      else if (r.sources.length && !isListOrMap(r.shown))
        sensitive.push({ path: at, sources: r.sources, shown: r.shown });
      return r.value;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...at, i]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        // defineProperty: even a `__proto__` key (the loader rejects them) stays plain data.
        Object.defineProperty(out, k, {
          value: walk(item, [...at, k]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    return v;
  };
  return { value: walk(value, path), issues, sensitive };
}
