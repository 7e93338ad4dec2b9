/**
 * Names for instance-specific ids: the one table of where a config may write `{ name: X }`
 * instead of an id or ARN (docs/CONFIGURATION.md, "Names instead of ids"), and the one walker
 * every kind uses to turn names into ids for the API, ids into what plans show (the literal the
 * config wrote, else the name), and unknown or ambiguous names into positioned problems. Inside a
 * rule's Function the places are the operands of the conditions the catalog marks (`resource`),
 * in the mapping form only.
 */
import type { ContactFlowDirectory } from '../aws/contact-flows.js';
import { type Directory, REFERENCE_KINDS, type ReferenceKind } from '../aws/directories.js';
import type { Problem } from '../errors.js';
import { joinPath } from '../problem-path.js';
import { EVENT_SOURCES, type ResourceRef } from './rule-function/catalog.js';
import { parseFunction } from './rule-function/check.js';
import type { Body, DeclaredResource, KindName, Path } from './types.js';

export type { ReferenceKind } from '../aws/directories.js';

/** What the API takes at a reference: the resource's id, or its full ARN. */
export type WireForm = 'id' | 'arn';

export interface ReferenceField {
  kind: KindName;
  /** Inside the item's body; `[]` stands for every element of a list. */
  path: string;
  ref: ReferenceKind;
  wire: WireForm;
}

/**
 * Every member of the operations connectform calls that takes the id of a queue, user, agent
 * hierarchy group, routing profile, evaluation form or contact flow (src/aws/models/connect.json:
 * the members typed ContactFlowId, UserId / UserIdList and EvaluationFormId in CreateRule,
 * UpdateRule, CreateTaskTemplate and UpdateTaskTemplate).
 */
export const REFERENCE_FIELDS: readonly ReferenceField[] = [
  { kind: 'rule', path: 'Actions[].TaskAction.ContactFlowId', ref: 'contactFlow', wire: 'id' },
  { kind: 'rule', path: 'Actions[].SendNotificationAction.Recipient.UserIds[]', ref: 'user', wire: 'id' },
  { kind: 'rule', path: 'Actions[].SendNotificationAction.Exclusion.UserIds[]', ref: 'user', wire: 'id' },
  { kind: 'rule', path: 'Actions[].SubmitAutoEvaluationAction.EvaluationFormId', ref: 'evaluationForm', wire: 'id' },
  { kind: 'taskTemplate', path: 'ContactFlowId', ref: 'contactFlow', wire: 'id' },
  { kind: 'taskTemplate', path: 'SelfAssignFlowId', ref: 'contactFlow', wire: 'id' },
  // connectform's own member (AssociateToConfiguration's ChatConfiguration, an ARN).
  { kind: 'customAction', path: 'ChatConfigurations[]', ref: 'chatConfiguration', wire: 'arn' },
];

/** The model shapes of those members: the schema accepts `{ name }` wherever they appear. */
export const REFERENCE_SHAPES: Readonly<Record<string, ReferenceKind>> = {
  ContactFlowId: 'contactFlow',
  UserId: 'user',
  EvaluationFormId: 'evaluationForm',
};

/** A reference as configs and normal forms hold it: the id (or ARN) as written, or `{ name }`. */
export type Ref = string | { name: string };

const isRecord = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** `{ name: X }` and nothing else (the only object form a reference takes). */
export function isNameRef(x: unknown): x is { name: string } {
  return isRecord(x) && typeof x.name === 'string' && Object.keys(x).length === 1;
}

// ---------------------------------------------------------------------------------------------
// One reference

/**
 * Normal form: `{ name }` when the id is known in the target (plans show names), else as written.
 * A name several resources share stays the id: it could not tell them apart (nor be written back).
 */
export function refToName(ref: unknown, kind: ReferenceKind, dirs: ContactFlowDirectory | undefined): unknown {
  if (typeof ref !== 'string' || !ref) return ref;
  const dir = dirs?.of(kind);
  const entry = dir?.byIdOrArn(ref);
  return entry && dir?.named(entry.name).length === 1 ? { name: entry.name } : ref;
}

/** Wire form: the id or ARN. Unknown and ambiguous names were rejected by validation earlier. */
export function refToWire(
  ref: unknown,
  kind: ReferenceKind,
  wire: WireForm,
  dirs: ContactFlowDirectory | undefined,
): unknown {
  const dir = dirs?.of(kind);
  if (typeof ref === 'string') return wire === 'id' && ref ? (dir?.byIdOrArn(ref)?.id ?? ref) : ref;
  if (!isNameRef(ref)) return ref;
  const match = dir?.named(ref.name) ?? [];
  const spec = REFERENCE_KINDS[kind];
  if (match.length !== 1)
    throw new Error(`${spec.noun} "${ref.name}" ${match.length ? 'is ambiguous' : 'does not exist'}`);
  const entry = match[0];
  return wire === 'arn' ? (entry.arn ?? entry.id) : entry.id;
}

/** Why a reference does not resolve in the target (with the nearest names), or undefined. */
export function refProblem(ref: unknown, kind: ReferenceKind, dir: Directory | undefined): string | undefined {
  if (!dir || ref === undefined || ref === null || ref === '') return undefined;
  const { noun, nameWord } = REFERENCE_KINDS[kind];
  if (typeof ref === 'string')
    return dir.byIdOrArn(ref) ? undefined : `${noun} id "${ref}" does not exist in this instance`;
  const name = isRecord(ref) && typeof ref.name === 'string' ? ref.name : '';
  const n = dir.named(name).length;
  if (n === 1) return undefined;
  if (n > 1) return `${noun} ${nameWord} "${name}" is ambiguous (${n} ${noun}s); use its id`;
  const near = dir.nearest(name);
  return `unknown ${noun} "${name}"${near.length ? `; nearest: ${near.map((x) => `"${x}"`).join(', ')}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Walking a body

interface Site {
  path: Path;
  ref: ReferenceKind;
  wire: WireForm;
  /** Which field it is: the table path, or `Function <ComparisonValue>` (see WrittenReferences). */
  field: string;
}

type Visit = (value: unknown, site: Site) => unknown;

/**
 * Calls `visit` on every value at `segments` (from `from` on) under `value`, replacing it with the
 * result. A part where nothing changed is returned as it was, not copied, and nothing is allocated
 * on the way down (`at` is one stack, copied for a visit only): most bodies hold no reference at
 * most table paths, and plans walk every body up to three times (the declared one for how it
 * writes its references, then both sides: the bench's diff + render of 10,000 resources).
 */
function mapAt(
  value: unknown,
  segments: readonly string[],
  from: number,
  at: Path,
  site: Omit<Site, 'path'>,
  visit: Visit,
): unknown {
  if (from === segments.length) return visit(value, { ...site, path: [...at] });
  const head = segments[from];
  if (head === '[]') {
    if (!Array.isArray(value)) return value;
    let mapped: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      const next = mapAt(value[i], segments, from + 1, at, site, visit);
      at.pop();
      if (next === value[i]) continue;
      mapped ??= [...value];
      mapped[i] = next;
    }
    return mapped ?? value;
  }
  if (!isRecord(value) || !(head in value)) return value;
  at.push(head);
  const next = mapAt(value[head], segments, from + 1, at, site, visit);
  at.pop();
  return next === value[head] ? value : { ...value, [head]: next };
}

/** A table path's segments, parsed once per path. */
const SEGMENTS = new Map<string, readonly string[]>();
function segmentsOf(path: string): readonly string[] {
  let segments = SEGMENTS.get(path);
  if (!segments) {
    segments = path
      .split(/\.|(?=\[\])/)
      .flatMap((s) => (s.startsWith('[]') ? ['[]', ...(s.slice(2) ? [s.slice(2)] : [])] : [s]));
    SEGMENTS.set(path, segments);
  }
  return segments;
}

/**
 * ComparisonValue → the resource its operands are, and whether they are ARNs, from the catalog
 * (the page's word, not the path: the email routing profile condition takes ARNs at a path
 * without `.ARN`); `field` keys how the config wrote each one (writtenReferences).
 */
const FUNCTION_REFERENCES: ReadonlyMap<string, { ref: ResourceRef; wire: WireForm; field: string }> = new Map(
  Object.values(EVENT_SOURCES).flatMap((s) =>
    s.conditions.flatMap((c) =>
      c.operands.type === 'string' && c.operands.resource
        ? [
            [
              c.comparisonValue,
              {
                ref: c.operands.resource,
                wire: c.operands.arn ? 'arn' : 'id',
                field: `Function ${c.comparisonValue}`,
              },
            ] as const,
          ]
        : [],
    ),
  ),
);

/** The kinds of reference a Function's operands may be. */
const FUNCTION_REFERENCE_KINDS: readonly ReferenceKind[] = [
  ...new Set([...FUNCTION_REFERENCES.values()].map((r) => r.ref)),
];

/**
 * The Function document with `visit` applied to the operands of every marked condition; like
 * mapAt, a part where nothing changed is returned as it was.
 */
function mapFunction(doc: unknown, at: Path, visit: Visit): unknown {
  if (!isRecord(doc) || !isRecord(doc.RuleFunction)) return doc;
  const operands = (c: Record<string, unknown>, each: (o: unknown, i: number) => unknown): unknown => {
    const list = c.Operands as unknown[];
    const mapped = list.map(each);
    return mapped.every((v, i) => v === list[i]) ? c : { ...c, Operands: mapped };
  };
  const condition = (c: unknown, here: Path): unknown => {
    if (!isRecord(c) || !Array.isArray(c.Operands)) return c;
    if (c.ComparisonValue === undefined) return operands(c, (p, i) => condition(p, [...here, 'Operands', i]));
    const marked = typeof c.ComparisonValue === 'string' ? FUNCTION_REFERENCES.get(c.ComparisonValue) : undefined;
    if (!marked) return c;
    return operands(c, (o, i) => visit(o, { ...marked, path: [...here, 'Operands', i] }));
  };
  const fn = condition(doc.RuleFunction, [...at, 'RuleFunction']);
  return fn === doc.RuleFunction ? doc : { ...doc, RuleFunction: fn };
}

/**
 * `body` with `visit` applied at every reference of its kind. The Function is visited when it is
 * a mapping, or (`parseStrings`) a string holding its JSON, which then becomes the mapping.
 */
function mapReferences(
  kind: KindName,
  body: Body,
  visit: Visit,
  parseStrings: boolean,
  /** Only references of these kinds (default all): a kind whose directory was not read maps to itself. */
  only: (ref: ReferenceKind) => boolean = () => true,
): Body {
  let out: unknown = body;
  for (const f of REFERENCE_FIELDS)
    if (f.kind === kind && only(f.ref))
      out = mapAt(out, segmentsOf(f.path), 0, [], { ref: f.ref, wire: f.wire, field: f.path }, visit);
  const result = out as Body;
  if (kind === 'rule' && result.Function !== undefined && FUNCTION_REFERENCE_KINDS.some(only)) {
    const parsed = parseFunction(result.Function);
    if (parsed.doc !== undefined && (parsed.form === 'mapping' || parseStrings))
      return { ...result, Function: mapFunction(parsed.doc, ['Function'], visit) };
  }
  return result;
}

/**
 * How one declared body wrote each resource it references, by field (`Site.field`) and the
 * resource's id: the literal id or ARN, or null when it was named (or written in more than one
 * form at that field). undefined when no literal resolves: the body is shown by names only.
 */
export type WrittenReferences = ReadonlyMap<string, string | null>;

const writtenKey = (field: string, id: string) => `${field}\u0000${id}`;

/** The kinds of reference whose directory was read (only those are walked: see referencesToNames). */
const readIn = (dirs: ContactFlowDirectory) => (ref: ReferenceKind) => dirs.of(ref) !== undefined;

/**
 * How `body` (a declared one) writes its references, for referencesToNames on both sides of its
 * diff. Keyed by field and resource, not by position: lists of references are sets, and a rule's
 * actions and conditions are matched by identity, so the live element a literal stands for may
 * be anywhere; the same resource under the same field is the same reference.
 */
export function writtenReferences(
  kind: KindName,
  body: Body,
  dirs: ContactFlowDirectory | undefined,
): WrittenReferences | undefined {
  if (!dirs) return undefined;
  const written = new Map<string, string | null>();
  let literals = false;
  const visit: Visit = (value, site) => {
    const dir = dirs.of(site.ref);
    const literal = typeof value === 'string' ? value : null;
    const entry = literal ? dir?.byIdOrArn(literal) : isNameRef(value) ? dir?.named(value.name)[0] : undefined;
    if (!entry) return value;
    const key = writtenKey(site.field, entry.id);
    written.set(key, written.has(key) && written.get(key) !== literal ? null : literal);
    literals ||= literal !== null;
    return value;
  };
  mapReferences(kind, body, visit, true, readIn(dirs));
  return literals ? written : undefined;
}

/**
 * Ids the target knows → what plans show, on both sides of a diff: the literal the declared body
 * wrote for that resource at that field (`written`, from writtenReferences), else `{ name }`.
 * So a config's literal id or ARN is shown as written and a name as a name, and an id and an
 * ARN of one resource compare equal. Without `written` (deletes, exports) every known id is named.
 */
export function referencesToNames(
  kind: KindName,
  body: Body,
  dirs: ContactFlowDirectory | undefined,
  written?: WrittenReferences,
): Body {
  if (!dirs) return body;
  const shown: Visit = (v, s) => {
    if (written && typeof v === 'string' && v) {
      const entry = dirs.of(s.ref)?.byIdOrArn(v);
      const literal = entry && written.get(writtenKey(s.field, entry.id));
      if (literal) return literal;
    }
    return refToName(v, s.ref, dirs);
  };
  // An id of a kind whose list was not read stays as it is (refToName): not walked at all, since
  // every plan normalizes every body (a rule's Function is parsed again by the kind's normalize).
  return mapReferences(kind, body, shown, true, readIn(dirs));
}

/** `{ name }` → the id or ARN the API takes; a literal id or ARN goes as written. */
export function referencesToWire(kind: KindName, body: Body, dirs: ContactFlowDirectory | undefined): Body {
  return mapReferences(kind, body, (v, s) => refToWire(v, s.ref, s.wire, dirs), false);
}

/** The references of a declared body, with where they are (the Function's only in its mapping form). */
function sitesOf(kind: KindName, body: Body): { value: unknown; site: Site }[] {
  const found: { value: unknown; site: Site }[] = [];
  mapReferences(
    kind,
    body,
    (value, site) => {
      found.push({ value, site });
      return value;
    },
    false,
  );
  return found;
}

/** The kinds of reference a declared body names with `{ name }` (whose directories must be read). */
export function namedReferenceKinds(kind: KindName, body: Body): ReferenceKind[] {
  return sitesOf(kind, body)
    .filter((s) => isNameRef(s.value))
    .map((s) => s.site.ref);
}

/**
 * Every reference of `d` that does not resolve in the target, positioned at its field. A kind
 * of reference whose directory was not read is not checked (offline validation).
 */
export function referenceProblems(
  d: DeclaredResource,
  dirs: ContactFlowDirectory | undefined,
  configKey: string,
): Problem[] {
  if (!dirs) return [];
  const problems: Problem[] = [];
  for (const { value, site } of sitesOf(d.kind, d.body)) {
    const message = refProblem(value, site.ref, dirs.of(site.ref));
    if (message)
      problems.push({
        severity: 'error',
        message,
        pos: d.positionOf(site.path),
        path: joinPath(d.label ?? configKey, site.path),
      });
  }
  return problems;
}

/** The kinds of reference a kind's bodies may hold (export reads the directories of all of them). */
export function referenceKindsOf(kind: KindName): ReferenceKind[] {
  const kinds = REFERENCE_FIELDS.filter((f) => f.kind === kind).map((f) => f.ref);
  if (kind === 'rule') kinds.push(...FUNCTION_REFERENCE_KINDS);
  return [...new Set(kinds)];
}

/**
 * The references of a normal-form body still written as an id or ARN (its name is unknown or
 * ambiguous in the target), with where they are: export says why each one is not a name.
 */
export function literalReferences(kind: KindName, body: Body): { path: Path; ref: ReferenceKind; id: string }[] {
  return sitesOf(kind, body).flatMap(({ value, site }) =>
    typeof value === 'string' && value ? [{ path: site.path, ref: site.ref, id: value }] : [],
  );
}
