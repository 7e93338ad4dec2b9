/**
 * Offline validation: each resource against its kind's JSON Schema (ajv, every error, each one
 * positioned at the offending node), the kind's own semantic audit, lifecycle checks and
 * duplicate names. Also the document-level check of targets/settings/top-level keys, which the
 * loader runs before interpolation. Nothing here throws for bad input; it returns Problems.
 */
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import { formatPos, type Problem, type SourcePos } from '../errors.js';
import type { AuditContext, Body, DeclaredResource, KindName, Path, ResourceKind } from '../kinds/types.js';
import { ignoreEntryProblem } from '../kinds/lists.js';
import { joinPath, nearest, sortProblems } from './annotations.js';
import { allKinds } from '../kinds/index.js';
import { itemSchema, type KindSchemaSpec } from '../kinds/schema.js';
import { MAX_COLLECTED_PROBLEMS } from './bounds.js';
import { buildDocumentSchema, type JsonSchema } from './generate-schemas.js';
import { precompiledValidator } from './precompiled.js';
import { Redactor } from '../sensitive.js';
import { describeSelection, type TargetSelection } from './target-selection.js';
import { uniqueBy } from '../util/unique.js';

/** What validation needs from a kind; src/kinds/index.ts's ResourceKind satisfies it. */
export interface KindLike {
  name: KindName;
  configKey: string;
  schemaSpec: KindSchemaSpec;
  key(body: Body): string;
  audit(d: DeclaredResource, ctx: AuditContext): Problem[];
  /** Lists compared by identity: ignoreChanges entries may not address them by position. */
  lists?: ResourceKind['lists'];
}

export interface ValidateOptions {
  /** The target's contact flows, once read: audits then check name references too. */
  flows?: AuditContext['flows'];
  /** `settings.ruleFunction`. */
  ruleFunction?: AuditContext['ruleFunction'];
  /** The target whose view this is: messages about overlapping per-target variants name it. */
  targetName?: string;
}

/** Where a validated value lives: a label for messages (`rules[3]`) and positions inside it. */
export interface Locator {
  label: string;
  positionOf(path: Path): SourcePos;
  /** Position of the key itself (unknown fields); falls back to positionOf. */
  keyPositionOf?(path: Path): SourcePos;
  /** True where the value came from a sensitive variable: no suggestion derived from it. */
  isSensitive?(path: Path): boolean;
}

/** Extras resolveTarget attaches to its resources; plain DeclaredResources work without them. */
interface ResourceExtras {
  keyPositionOf?(path: Path): SourcePos;
  /** The lifecycle as written, when present (DeclaredResource.lifecycle is already sanitized). */
  rawLifecycle?: unknown;
  /** Scrubs the target's sensitive values: messages quote bad values, never sensitive ones. */
  redactor?: Redactor;
  /** `onlyTargets` / `exceptTargets`, when the item has them. */
  selection?: TargetSelection;
}

// ---------------------------------------------------------------------------------------------
// ajv

/**
 * ajv's options for config validation, shared with the generator of the precompiled validators
 * (generate-validators.ts), so that both paths check alike and report the same errors.
 * optimize: false skips ajv's code-optimisation pass, about half of compiling the schemas a cold
 * `validate` needs (measured: 1.0 → 0.66 s CPU for a one-rule validate); the checks and their
 * errors are the same, the validators a little longer. validateSchema: false skips checking each
 * schema against the JSON Schema meta-schema on every start (about a third of a compile): they
 * are ours, generated, and test/config/schemas.test.ts checks them once.
 */
export const CONFIG_AJV_OPTIONS = {
  strict: false,
  allErrors: true,
  verbose: true,
  validateSchema: false,
  code: { optimize: false },
} as const satisfies Options;

/**
 * Created on the first schema without a precompiled validator (precompiled.ts): ajv is a large
 * CommonJS package, and `--help` (which loads this module through the commands' registration)
 * validates nothing. require, being synchronous, keeps validation synchronous; it is the very
 * module `import 'ajv'` would give.
 */
let ajv: Ajv | undefined;
function compiler(): Ajv {
  if (!ajv) {
    const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    ajv = new AjvClass(CONFIG_AJV_OPTIONS);
  }
  return ajv;
}
const compiled = new WeakMap<object, ValidateFunction>();

/** The schema as it is compiled: without $id, so two schema objects with the same $id (a test's fake kind) cannot clash. */
export function compilableSchema(schema: object): JsonSchema {
  const { $id: _id, ...rest } = schema as JsonSchema;
  return rest;
}

/** One validator per schema object, for the life of the process: generated ahead of time, or compiled now. */
function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    const rest = compilableSchema(schema);
    validate = precompiledValidator(rest) ?? compiler().compile(rest);
    compiled.set(schema, validate);
  }
  return validate;
}

type JsonType = 'null' | 'array' | 'object' | 'string' | 'integer' | 'number' | 'boolean';

function jsonType(v: unknown): JsonType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

const TYPE_WORDS: Record<string, string> = {
  null: 'empty',
  array: 'a list',
  object: 'a mapping',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
};

function typeWords(type: unknown): string {
  const types = (Array.isArray(type) ? type : String(type).split(',')).map(String);
  return types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
}

function typeMatches(type: unknown, actual: JsonType): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some(
    (t) => t === actual || (t === 'number' && actual === 'integer') || (t === 'integer' && actual === 'number'),
  );
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** ajv's instancePath (`/Actions/0/Name`) as a Path, numbers for list indexes. */
function toPath(pointer: string, data: unknown): Path {
  const path: Path = [];
  if (!pointer) return path;
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      path.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      path.push(seg);
      cur =
        cur !== null && typeof cur === 'object' && Object.hasOwn(cur, seg)
          ? (cur as Record<string, unknown>)[seg]
          : undefined;
    }
  }
  return path;
}

/**
 * A oneOf/anyOf fails with every branch's errors. Keep only the branch whose type matches the
 * value (a `{ name: 1 }` flow reference gets "name: must be a string", not three errors); when
 * none matches, one message names the accepted forms.
 */
function simplifyBranches(errors: ErrorObject[]): { errors: ErrorObject[]; messages: Map<ErrorObject, string> } {
  const drop = new Set<ErrorObject>();
  const messages = new Map<ErrorObject, string>();
  for (const e of errors) {
    if ((e.keyword !== 'oneOf' && e.keyword !== 'anyOf') || !Array.isArray(e.schema)) continue;
    const branches = e.schema as JsonSchema[];
    // Schema paths repeat for every list item; the instance path tells the items apart.
    const under = (x: ErrorObject) =>
      x.schemaPath.startsWith(`${e.schemaPath}/`) &&
      (x.instancePath === e.instancePath || x.instancePath.startsWith(`${e.instancePath}/`));
    const inBranch = (x: ErrorObject, i: number) => under(x) && x.schemaPath.startsWith(`${e.schemaPath}/${i}/`);
    const chosen = branches.findIndex((b) => typeMatches(b.type, jsonType(e.data)));
    if (chosen >= 0) {
      for (const x of errors) if (under(x) && !inBranch(x, chosen)) drop.add(x);
      if (errors.some((x) => inBranch(x, chosen))) drop.add(e);
    } else {
      for (const x of errors) if (under(x)) drop.add(x);
      messages.set(
        e,
        `must be ${branches.map((b) => `${typeWords(b.type)}${b.title ? ` (${b.title})` : ''}`).join(' or ')}`,
      );
    }
  }
  // ajv adds a summary `propertyNames` error next to the specific one about the key.
  for (const e of errors) {
    if (
      e.keyword === 'propertyNames' &&
      errors.some((x) => x !== e && x.propertyName !== undefined && x.instancePath === e.instancePath)
    )
      drop.add(e);
  }
  return { errors: errors.filter((e) => !drop.has(e)), messages };
}

const MAX_LISTED_VALUES = 25;

function enumText(allowed: unknown[], value: unknown, sensitive: boolean): string {
  // "did you mean" would tell the reader how close a sensitive value is to each option.
  const near = typeof value === 'string' && !sensitive ? nearest(value, allowed.map(String)) : undefined;
  const list =
    allowed.length <= MAX_LISTED_VALUES
      ? `one of ${allowed.map(String).join(', ')}`
      : `one of ${allowed.length} values`;
  return `must be ${list} (got ${show(value)})${near !== undefined ? `; did you mean '${near}'?` : ''}`;
}

/** YAML 1.2 reads yes/no/on/off as text, unlike YAML 1.1 tools people know. */
function booleanHint(type: unknown, value: unknown): string | undefined {
  const wantsBoolean = (Array.isArray(type) ? type : String(type).split(',')).includes('boolean');
  return wantsBoolean && typeof value === 'string' && /^(yes|no|on|off|y|n)$/i.test(value)
    ? `write true or false; YAML 1.2 reads '${value}' as text`
    : undefined;
}

const count = (n: unknown, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What is wrong with one value (or map key), after "must": shared by value and key errors.
 * `(got ...)` is left out for keys, whose text is already in the message.
 */
function describeValue(
  e: ErrorObject,
  value: unknown,
  isKey: boolean,
  sensitive = false,
): { text: string; hint?: string } {
  const got = (what: string) => (isKey ? '' : ` (got ${what})`);
  switch (e.keyword) {
    case 'enum': {
      const text = enumText(e.params.allowedValues as unknown[], value, sensitive);
      return { text: isKey ? text.replace(/ \(got [^)]*\)/, '') : text };
    }
    case 'type': {
      const quote =
        String(e.params.type).includes('string') && (typeof value === 'number' || typeof value === 'boolean');
      const hint = quote ? `quote it: '${String(value)}'` : sensitive ? undefined : booleanHint(e.params.type, value);
      return {
        text: `must be ${typeWords(e.params.type)}${got(typeWords(jsonType(value)))}`,
        ...(hint ? { hint } : {}),
      };
    }
    case 'minLength':
    case 'maxLength': {
      const n = typeof value === 'string' ? [...value].length : 0;
      return {
        text: `must be ${e.keyword === 'minLength' ? 'at least' : 'at most'} ${count(e.params.limit, 'character')} long${got(String(n))}`,
      };
    }
    case 'minItems':
    case 'maxItems':
      return {
        text: `must have ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${count(e.params.limit, 'item')}${got(String(Array.isArray(value) ? value.length : 0))}`,
      };
    case 'minProperties':
    case 'maxProperties': {
      const n = value && typeof value === 'object' ? Object.keys(value).length : 0;
      return {
        text: `must have ${e.keyword === 'minProperties' ? 'at least' : 'at most'} ${count(e.params.limit, 'entry', 'entries')}${got(String(n))}`,
      };
    }
    case 'pattern':
      return { text: `must match ${e.params.pattern}${got(show(value))}` };
    case 'uniqueItems':
      return {
        text: `must not repeat items (items ${e.params.j} and ${e.params.i} are the same)`,
        hint: 'remove the duplicate',
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { text: `${e.message}${got(show(value))}` };
    default:
      return { text: e.message ?? `fails ${e.keyword}` };
  }
}

/** One ajv error → one human problem, positioned at the node it is about. */
function toProblem(e: ErrorObject, data: unknown, loc: Locator, override: string | undefined): Problem {
  const path = toPath(e.instancePath, data);
  const keyPos = loc.keyPositionOf ?? loc.positionOf;
  const where = joinPath(loc.label, path) || 'document';
  const error = (message: string, at: Path = path, hint?: string, byKey = false): Problem => ({
    severity: 'error',
    message,
    ...(hint ? { hint } : {}),
    pos: byKey ? keyPos(at) : loc.positionOf(at),
    path: joinPath(loc.label, at),
  });
  if (override) {
    const branchTypes = Array.isArray(e.schema) ? (e.schema as JsonSchema[]).map((b) => b.type) : [];
    return error(`${where}: ${override}`, path, loc.isSensitive?.(path) ? undefined : booleanHint(branchTypes, e.data));
  }

  // An error about a map key (propertyNames): point at the key itself.
  if (e.propertyName !== undefined) {
    const { text, hint } = describeValue(e, e.propertyName, true);
    return error(`${where}: key '${e.propertyName}' ${text}`, [...path, e.propertyName], hint, true);
  }
  if (e.keyword === 'additionalProperties') {
    const key = String(e.params.additionalProperty);
    const allowed = Object.keys(((e.parentSchema as JsonSchema | undefined)?.properties as object | undefined) ?? {});
    const near = nearest(key, allowed);
    const what =
      path.length === 0 && !loc.label ? `unknown top-level key '${key}'` : `unknown field '${key}' in ${where}`;
    const hint =
      near !== undefined
        ? undefined
        : allowed.length
          ? `allowed: ${allowed.join(', ')}`
          : 'this mapping takes no fields';
    return error(near !== undefined ? `${what}; did you mean '${near}'?` : what, [...path, key], hint, true);
  }
  if (e.keyword === 'required') return error(`${where}: missing required field '${e.params.missingProperty}'`);
  const { text, hint } = describeValue(e, e.data, false, loc.isSensitive?.(path) ?? false);
  return error(`${where}: ${text}`, path, hint);
}

/**
 * Every schema error of `data` as positioned problems (empty when valid), at most
 * MAX_COLLECTED_PROBLEMS of them: a mapping with 100,000 unknown keys has as many errors, and
 * simplifyBranches compares errors pairwise.
 */
export function schemaProblems(schema: object, data: unknown, loc: Locator): Problem[] {
  const validate = validatorFor(schema);
  if (validate(data)) return [];
  const all = validate.errors ?? [];
  const { errors, messages } = simplifyBranches(all.slice(0, MAX_COLLECTED_PROBLEMS));
  const out = uniqueBy(
    errors.map((e) => toProblem(e, data, loc, messages.get(e))),
    (p) => `${formatPos(p.pos)}\0${p.message}`,
  );
  if (all.length > MAX_COLLECTED_PROBLEMS) {
    const first = toProblem(all[MAX_COLLECTED_PROBLEMS], data, loc, undefined);
    out.push({
      ...first,
      message: `${all.length - MAX_COLLECTED_PROBLEMS} more schema errors from here on are not listed (${all.length} in all)`,
      hint: 'fix the ones listed and validate again',
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Document

/** Rebuilt when a kind is registered: the registry's array is replaced on each change. */
let shell: { kinds: readonly unknown[]; schema: JsonSchema } | undefined;

/** What validateDocument checks: resource items need only be mappings (generate-validators.ts compiles it too). */
export function documentShellSchema(): JsonSchema {
  return buildDocumentSchema({ items: 'object' });
}

/**
 * Top-level keys, `targets` and `settings` of one file, before interpolation. Resource items are
 * only required to be mappings here: they are checked per target, after `${...}`.
 */
export function validateDocument(root: unknown, loc: Omit<Locator, 'label'>): Problem[] {
  if (shell?.kinds !== allKinds()) shell = { kinds: allKinds(), schema: documentShellSchema() };
  return schemaProblems(shell.schema, root ?? null, { ...loc, label: '' });
}

// ---------------------------------------------------------------------------------------------
// Resources

function extras(d: DeclaredResource): ResourceExtras {
  return d as DeclaredResource & ResourceExtras;
}

/** The item as written: body plus the lifecycle key, which the item schema also covers. */
function itemData(d: DeclaredResource): Body {
  const raw =
    'rawLifecycle' in d ? extras(d).rawLifecycle : Object.keys(d.lifecycle ?? {}).length ? d.lifecycle : undefined;
  return raw === undefined ? d.body : { ...d.body, lifecycle: raw };
}

function safeKey(kind: KindLike, body: Body): string | undefined {
  try {
    const key = kind.key(body);
    return typeof key === 'string' && key ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The top-level field holding the resource's name, to point duplicate errors at it. */
function keyField(body: Body, key: string): Path {
  const field = Object.keys(body).find((k) => body[k] === key);
  return field === undefined ? [] : [field];
}

/**
 * Validate every resource of one target: schema, the kind's audit, then (for items the schema
 * accepted) lifecycle checks and duplicate names. All problems, sorted by file, line, column.
 */
export function validateResources(
  resources: readonly DeclaredResource[],
  kinds: readonly KindLike[],
  options: ValidateOptions = {},
): Problem[] {
  const problems: Problem[] = [];
  const byKind = new Map<KindName, DeclaredResource[]>();
  for (const d of resources) {
    const list = byKind.get(d.kind);
    if (list) list.push(d);
    else byKind.set(d.kind, [d]);
  }

  for (const [kindName, items] of byKind) {
    const kind = kinds.find((k) => k.name === kindName);
    if (!kind) {
      problems.push({
        severity: 'error',
        message: `no resource kind named '${kindName}' is registered`,
        pos: items[0].pos,
        hint: 'this is a connectform bug; please report it',
      });
      continue;
    }
    // Items built in code have no label; they get their index in the kind's list, so the
    // audit's problems and these name them alike. Past MAX_COLLECTED_PROBLEMS the remaining
    // items are not checked (one problem says so).
    const labelled = items.map((d, i) =>
      d.label === undefined
        ? { ...d, label: joinPath(kind.configKey, [i]) }
        : (d as DeclaredResource & { label: string }),
    );
    const checked: { d: DeclaredResource; label: string; valid: boolean }[] = [];
    for (const [i, d] of labelled.entries()) {
      const label = d.label;
      if (problems.length >= MAX_COLLECTED_PROBLEMS) {
        problems.push(notChecked(kind, label, d, labelled.length - i - 1));
        break;
      }
      const loc: Locator = {
        label,
        positionOf: (p) => d.positionOf(p),
        keyPositionOf: (p) => (extras(d).keyPositionOf ?? d.positionOf).call(d, p),
        isSensitive: (p) =>
          (d.sensitive ?? []).some((s) => s.path.length <= p.length && s.path.every((seg, i) => seg === p[i])),
      };
      const found = schemaProblems(itemSchema(kind), itemData(d), loc);
      for (const p of found) problems.push(p);
      checked.push({ d, label, valid: !found.length });
    }

    // The audit runs for every item, so a broken item shows its semantic problems too (every
    // problem at once). An audit may not expect a body the schema rejected: if it throws on
    // one, the schema errors already say what is wrong; on a valid body it is a bug.
    const ctx: AuditContext = {
      all: labelled,
      ...(options.flows ? { flows: options.flows } : {}),
      ...(options.ruleFunction ? { ruleFunction: options.ruleFunction } : {}),
    };
    for (const { d, label, valid } of checked) {
      try {
        for (const p of kind.audit(d, ctx)) problems.push(startingWithPath(p));
      } catch (err) {
        if (valid)
          problems.push({
            severity: 'error',
            message: `${label}: internal error while checking it: ${(err as Error)?.message ?? String(err)}`,
            pos: d.pos,
            hint: 'this is a connectform bug; please report it',
          });
      }
    }
    // Lifecycle and identity checks need a well-formed body.
    const valid = checked.filter((c) => c.valid).map(({ d, label }) => ({ d, label, key: safeKey(kind, d.body) }));
    for (const p of [...lifecycleProblems(kind, valid), ...duplicateProblems(kind, valid, options.targetName)])
      problems.push(p);
  }
  // Schema messages quote the bad value (`got '...'`), audits quote names: a value from a
  // sensitive variable shows as its marker instead.
  const redactor = Redactor.merge(...resources.map((d) => extras(d).redactor));
  return sortProblems(problems.map((p) => redactor.scrubProblem(p)));
}

/** Where checking stopped: the first item not checked, and how many more of its kind. */
function notChecked(kind: KindLike, label: string, d: DeclaredResource, more: number): Problem {
  return {
    severity: 'error',
    message: `${label}: not checked${more ? `, nor ${more} more ${kind.configKey}` : ''}: validation stops after ${MAX_COLLECTED_PROBLEMS} problems`,
    hint: 'fix the problems above and validate again',
    pos: d.pos,
    path: label,
  };
}

/** An audit's message, printed like every other problem's: after the path it is about. */
function startingWithPath(p: Problem): Problem {
  return p.path && !p.message.startsWith(p.path) ? { ...p, message: `${p.path}: ${p.message}` } : p;
}

function topLevelFields(kind: KindLike): string[] {
  const notBody = new Set(['lifecycle', 'onlyTargets', 'exceptTargets']);
  return Object.keys((itemSchema(kind).properties as object | undefined) ?? {}).filter((k) => !notBody.has(k));
}

/** ignoreChanges must name real fields; renamedFrom must name a resource that is gone. */
function lifecycleProblems(kind: KindLike, valid: { d: DeclaredResource; label: string; key?: string }[]): Problem[] {
  const problems: Problem[] = [];
  const fields = topLevelFields(kind);
  const declared = new Map(valid.filter((v) => v.key !== undefined).map((v) => [v.key!, v.d]));
  const renamed = new Map<string, DeclaredResource>();
  for (const { d, label, key } of valid) {
    d.lifecycle.ignoreChanges?.forEach((entry, i) => {
      const first = entry.split(/[.[]/)[0];
      if (!fields.includes(first)) {
        const near = nearest(first, fields);
        const path = joinPath(label, ['lifecycle', 'ignoreChanges', i]);
        problems.push({
          severity: 'error',
          message: `${path}: unknown field '${first}'${near !== undefined ? `; did you mean '${near}'?` : ''}`,
          ...(near === undefined ? { hint: `fields of a ${kind.name}: ${fields.join(', ')}` } : {}),
          pos: d.positionOf(['lifecycle', 'ignoreChanges', i]),
          path,
        });
        return;
      }
      const wrong = ignoreEntryProblem(entry, kind.lists ?? []);
      if (wrong) {
        const path = joinPath(label, ['lifecycle', 'ignoreChanges', i]);
        problems.push({
          severity: 'error',
          message: `${path}: ${wrong}`,
          pos: d.positionOf(['lifecycle', 'ignoreChanges', i]),
          path,
        });
      }
    });
    const from = d.lifecycle.renamedFrom;
    if (from === undefined) continue;
    const at = d.positionOf(['lifecycle', 'renamedFrom']);
    const path = joinPath(label, ['lifecycle', 'renamedFrom']);
    const error = (message: string, hint: string) =>
      problems.push({ severity: 'error', message: `${path}: ${message}`, hint, pos: at, path });
    const other = declared.get(from);
    const earlier = renamed.get(from);
    if (from === key) error(`'${from}' is this resource's own name`, 'remove renamedFrom');
    else if (other)
      error(
        `'${from}' is still declared at ${formatPos(other.pos)}`,
        'a rename needs the old name to be gone from the config',
      );
    else if (earlier)
      error(
        `'${from}' is already being renamed at ${formatPos(earlier.pos)}`,
        'only one resource can take over an old name',
      );
    else renamed.set(from, d);
  }
  return problems;
}

/**
 * Identity (kind.key) must be unique per target: the second declaration is the error. Two items
 * with onlyTargets/exceptTargets may share an identity (per-target variants) when no target sees
 * both; when one does, the message names the target and both items' selections.
 */
function duplicateProblems(
  kind: KindLike,
  valid: { d: DeclaredResource; label: string; key?: string }[],
  targetName?: string,
): Problem[] {
  const problems: Problem[] = [];
  const first = new Map<string, { d: DeclaredResource; label: string }>();
  for (const { d, label, key } of valid) {
    if (key === undefined) continue;
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, { d, label });
      continue;
    }
    const [mine, theirs] = [extras(d).selection, extras(earlier.d).selection];
    const variants = mine !== undefined || theirs !== undefined;
    problems.push(
      variants
        ? {
            severity: 'error',
            message: `${label}: ${kind.name} '${key}' is declared twice for target ${targetName ?? '(this one)'}: here (${describeSelection(mine ?? {})}) and at ${formatPos(earlier.d.pos)} (${earlier.label}, ${describeSelection(theirs ?? {})})`,
            hint: 'per-target variants of one resource need disjoint onlyTargets/exceptTargets',
            pos: d.positionOf(keyField(d.body, key)),
            path: label,
          }
        : {
            severity: 'error',
            message: `${label}: duplicate ${kind.name} '${key}'; first declared at ${formatPos(earlier.d.pos)}`,
            hint: 'names identify resources within a target: rename or remove one',
            pos: d.positionOf(keyField(d.body, key)),
            path: label,
          },
    );
  }
  return problems;
}
