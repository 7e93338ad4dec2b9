/**
 * `${var.NAME}` and `${env.NAME}` in string values (never in keys), resolved for one target.
 * `$${` is a literal `${`. A string that is exactly one `${var.x}` takes the var's own type
 * (number, boolean), so `TargetSlaMinutes: ${var.sla}` stays a number; embedded ones are
 * stringified. One pass only: a var's value is not interpolated again. Values from the
 * environment are sensitive (see sensitive.ts): each result says which variables it used.
 */
import type { Path } from '../kinds/types.js';
import { didYouMean } from './annotations.js';
import { credentialReason, sensitiveMarker, type SensitiveValue } from '../sensitive.js';

export type VarValue = string | number | boolean;
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
}

/**
 * A value, the `env.NAME` sources that make it sensitive (none: printable), and the value as
 * it may be shown: a marker in place of each sensitive part.
 */
type Resolved =
  | { value: VarValue; sources: readonly string[]; shown: VarValue }
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
    if ('value' in r) {
      for (const s of r.sources) sources.add(s);
      return done(r.value, r.shown);
    }
    issues.push(r.issue);
    return done(text);
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
      const r = lookup(text.slice(dollar + 2, close), scope, quiet);
      if ('value' in r) {
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
      if (r.sources.length) sensitive.push({ path: at, sources: r.sources, shown: r.shown });
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
