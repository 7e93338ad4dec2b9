/**
 * `export`: the live state of one target written back as config. Every resource is written in
 * its kind's normal form (`normalize(body, { flows })`), which is exactly what a plan compares:
 * server-filled fields and connectform's marker tag are gone, contact flows are `{ name }`
 * references, sets are sorted and secrets are digests. A plan of the exported config against
 * the same target therefore shows no change, and `apply` of it to another target creates the
 * same resources there (flow names are looked up in that target's instance).
 *
 * Strings are escaped for interpolation (`${` → `$${`), keys are put in a fixed readable order
 * and resources are sorted by identity. This module gathers that data; src/render/export-yaml.ts
 * writes it as YAML files.
 */
import type { AwsClients } from '../aws/clients.js';
import { ContactFlowDirectory } from '../aws/contact-flows.js';
import { REFERENCE_KINDS } from '../aws/directories.js';
import { DOCUMENT_SCHEMA_FILE, SCHEMA_BASE_URL } from '../config/generate-schemas.js';
import type { LoadedConfig, Settings } from '../config/index.js';
import { UsageError } from '../errors.js';
import { formatPath, type PathSegment } from '../problem-path.js';
import { literalReferences, referenceKindsOf, type ReferenceKind } from '../kinds/references.js';
import { canonicalJson, cmp } from '../kinds/common.js';
import type {
  Body,
  DeclaredResource,
  KindName,
  Lifecycle,
  LiveResource,
  ResourceKind,
  TargetContext,
} from '../kinds/types.js';
import { decodeMarker, type RecordedSensitive } from '../kinds/sensitive-marker.js';

/** What export needs of a session (a TargetSession is one). */
export interface ExportSource {
  readonly kinds: readonly ResourceKind[];
  readonly ctx: TargetContext;
  readonly aws: AwsClients;
  readKind(kind: ResourceKind): Promise<LiveResource[]>;
}

export interface ExportOptions {
  /**
   * The user named the kinds (`--kinds`): any kind that cannot be read fails the export.
   * Otherwise (every kind by default) such a kind is skipped and reported in `skipped`.
   */
  explicitKinds: boolean;
}

/** One kind's items as written: config items (API body, then `lifecycle`, `onlyTargets`). */
export interface ExportedKind {
  kind: KindName;
  configKey: string;
  /** Config items, sorted by identity, keys in presentation order, strings escaped. */
  items: Body[];
}

export interface SkippedKind {
  kind: KindName;
  reason: string;
}

/** One live resource of one target, in its config form. */
export interface ExportedEntry {
  key: string;
  /** Presented (keys ordered, `${` escaped), references as names, recorded secrets replaced. */
  body: Body;
  /** The config item that declares it in this target (`file#label`), when one does. */
  origin?: string;
  /** That item's lifecycle, carried over (without renamedFrom: the live resource has the name). */
  lifecycle?: Lifecycle;
}

/** What one target holds, kind by kind (export-merge.ts makes one config of several). */
export interface TargetExport {
  target: string;
  kinds: { kind: KindName; configKey: string; entries: ExportedEntry[] }[];
  skipped: SkippedKind[];
  notes: string[];
}

/** The config export writes: one or more targets' live state as one set of items and vars. */
export interface ExportResult {
  /** The targets read, in the order given. */
  targets: string[];
  /** In registry order. */
  kinds: ExportedKind[];
  skipped: SkippedKind[];
  /** Things the user should know about the written config (references kept as ids, duplicates...). */
  notes: string[];
  /** Per target read: the vars its items use (`${var.NAME}` where the targets' values differ). */
  vars: Record<string, Record<string, unknown>>;
}

/** Default `$schema` of the exported files' editor line: the document schema's `$id`. */
export const DEFAULT_SCHEMA_REF = `${SCHEMA_BASE_URL}${DOCUMENT_SCHEMA_FILE}`;

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/**
 * Read every kind of `source` and turn the live resources into config items. Kinds are read in
 * parallel; one that fails is skipped (or fails the export when the kinds were named).
 */
export async function exportLive(source: ExportSource, options: ExportOptions): Promise<TargetExport> {
  const { ctx } = source;
  const skipped: SkippedKind[] = [];
  const failures: unknown[] = [];
  const notes: string[] = [];
  let unavailableError: unknown;

  // A kind that cannot be read in this target at all (its API is not offered in the region...).
  const kinds: ResourceKind[] = [];
  for (const kind of source.kinds) {
    const reason = kind.unavailable?.(ctx);
    if (reason === undefined) {
      kinds.push(kind);
      continue;
    }
    const error = new UsageError(`target "${ctx.target.name}": ${reason}`);
    if (options.explicitKinds) throw error;
    unavailableError ??= error;
    skipped.push({ kind: kind.name, reason: messageOf(error) });
  }

  // The directories of every kind of reference the kinds in scope may hold, so ids become names.
  // One that cannot be read (a plan role without the new list permission...) leaves its ids as
  // ids, with a note; it fails nothing.
  const unread = new Set<ReferenceKind>();
  const wanted = kinds.flatMap((k) => referenceKindsOf(k.name));
  ctx.flows = await ContactFlowDirectory.read(
    source.aws,
    ctx.target.instanceId,
    wanted,
    wanted.includes('contactFlow'),
    (k, err) => {
      unread.add(k);
      // Without the list, custom actions' channels are asked about as a plan asks: those named.
      const links = k === 'chatConfiguration' ? ', and custom actions show only the channels the config names' : '';
      notes.push(`${REFERENCE_KINDS[k].noun}s not read, so their ids are written as ids${links}: ${messageOf(err)}`);
    },
  );
  // What the account holds, not only what the config names (custom actions' chat channels).
  ctx.readEverything = true;

  const read = await Promise.all(
    kinds.map(async (kind) => {
      try {
        return { kind, items: await source.readKind(kind) };
      } catch (err) {
        return { kind, error: err };
      }
    }),
  );

  const exported: TargetExport['kinds'] = [];
  for (const r of read) {
    if ('error' in r) {
      // Named kinds must all be exported: the first failure is the command's error, as it came.
      if (options.explicitKinds) throw asError(r.error);
      skipped.push({ kind: r.kind.name, reason: messageOf(r.error) });
      failures.push(r.error);
      continue;
    }
    const entries = toEntries(r.kind, r.items, ctx.flows, notes, unread, ctx.declared);
    exported.push({ kind: r.kind.name, configKey: r.kind.configKey, entries });
  }
  // Nothing readable at all (no credentials, wrong endpoint...) is a failure, not an empty export.
  if (!exported.length && skipped.length) throw asError(failures[0] ?? unavailableError);
  return { target: ctx.target.name, kinds: exported, skipped, notes };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new UsageError(String(err));
}

/** `kind`'s live resources as config items (pull writes the unmanaged ones with it). */
export function toConfigItems(
  kind: ResourceKind,
  live: readonly LiveResource[],
  dirs: ContactFlowDirectory,
  notes: string[] = [],
): ExportedKind {
  return {
    kind: kind.name,
    configKey: kind.configKey,
    items: toEntries(kind, live, dirs, notes, new Set()).map((e) => e.body),
  };
}

function toEntries(
  kind: ResourceKind,
  live: readonly LiveResource[],
  dirs: ContactFlowDirectory,
  notes: string[],
  /** Kinds of reference whose list could not be read: their ids stay ids, noted once already. */
  unread: ReadonlySet<ReferenceKind>,
  declared: readonly DeclaredResource[] = [],
): ExportedEntry[] {
  // A name only where it can be looked up again: an id whose name two resources share stays an
  // id (refToName), as validation refuses an ambiguous name.
  const items = live
    .map((l) => ({ key: l.key, body: kind.normalize(l.body, { flows: dirs }), marker: l.marker }))
    .sort((a, b) => cmp(a.key, b.key) || cmp(canonicalJson(a.body), canonicalJson(b.body)));

  const count = new Map<string, number>();
  for (const { key } of items) count.set(key, (count.get(key) ?? 0) + 1);
  for (const [key, n] of count) {
    if (n > 1)
      notes.push(
        `${kind.title} "${key}" exists ${n} times in the target; the exported config will not validate until all but one are renamed or removed`,
      );
  }
  for (const { key, body } of items) {
    for (const ref of literalReferences(kind.name, body)) {
      const dir = dirs.of(ref.ref);
      if (!dir || unread.has(ref.ref)) continue; // not read: noted once with the reason
      const { noun, nameWord } = REFERENCE_KINDS[ref.ref];
      const known = dir.byIdOrArn(ref.id);
      const path = formatPath(ref.path);
      notes.push(
        known
          ? `${kind.title} "${key}": ${path} is written as the id ${ref.id}, because more than one ${noun} has the ${nameWord} "${known.name}"`
          : `${kind.title} "${key}": ${path} refers to ${noun} ${ref.id}, which does not exist in the instance: written as it is; fix or remove it (a plan that reads the ${noun}s refuses it)`,
      );
    }
  }
  const origins = declaredOrigins(kind, declared);
  return items.map(({ key, body, marker }) => ({
    key,
    body: withoutRecordedSecrets(present(kind, body), decodeMarker(marker), (path, written) =>
      notes.push(`${kind.title} "${key}": ${path} was applied from a sensitive value; written as ${written}`),
    ),
    ...origins.get(key),
  }));
}

/** The config items of `kind` declared in the target, by identity: where each came from, its lifecycle. */
function declaredOrigins(
  kind: ResourceKind,
  declared: readonly DeclaredResource[],
): Map<string, { origin: string; lifecycle?: Lifecycle }> {
  const out = new Map<string, { origin: string; lifecycle?: Lifecycle }>();
  for (const d of declared) {
    if (d.kind !== kind.name) continue;
    const { renamedFrom: _, ...kept } = d.lifecycle;
    const file = (d as { file?: unknown }).file;
    const key = kind.key(d.body);
    out.set(key, {
      origin: `${typeof file === 'string' ? file : ''}#${d.label ?? key}`,
      ...(Object.keys(kept).length ? { lifecycle: kept } : {}),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Presentation: key order and interpolation escaping
// ---------------------------------------------------------------------------------------------

/** Nested keys that read best first (names, types); every other key follows alphabetically. */
const NESTED_FIRST = [
  // A rule's Function document, in the order AWS's pages write it.
  'Version',
  'RuleFunction',
  'Name',
  'name',
  'Id',
  'ActionType',
  'EventSourceName',
  'Type',
  'Data',
  'TagKey',
  'TagValue',
  'NotificationType',
  'ButtonText',
  'Operator',
  'Operands',
  'ComparisonValue',
  'LogicOperator',
  'FilterClause',
  'Filters',
  'Negate',
  'VariableName',
];

function rank(key: string, first: readonly string[]): number {
  const i = first.indexOf(key);
  return i < 0 ? first.length : i;
}

function ordered(obj: Record<string, unknown>, first: readonly string[]): [string, unknown][] {
  return Object.entries(obj).sort(([a], [b]) => rank(a, first) - rank(b, first) || cmp(a, b));
}

/** `${` is interpolation in a config; a literal one is written `$${`. */
export function escapeInterpolation(text: string): string {
  // A function, not a string: in a replacement string `$$` means one `$`.
  return text.replaceAll('${', () => '$${');
}

function presentValue(v: unknown): unknown {
  if (typeof v === 'string') return escapeInterpolation(v);
  if (Array.isArray(v)) return v.map(presentValue);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      ordered(v as Record<string, unknown>, NESTED_FIRST).map(([k, x]) => [k, presentValue(x)]),
    );
  return v;
}

/**
 * Written in place of a value the marker records as applied from a sensitive source, when it was
 * not exactly one `${env.NAME}`: an unknown interpolation, so the exported config does not
 * validate until someone writes the reference (or the value) there.
 */
export const SENSITIVE_PLACEHOLDER = '${sensitive.not-exported}';

/**
 * `body` (presented) with every field the marker records replaced by the `${env.NAME}` it came
 * from, or SENSITIVE_PLACEHOLDER: export never writes such a value into a file.
 */
function withoutRecordedSecrets(
  body: Body,
  recorded: readonly RecordedSensitive[],
  note: (path: string, written: string) => void,
): Body {
  if (!recorded.length) return body;
  const out = structuredClone(body) as Record<string, unknown>;
  for (const r of recorded) {
    const written = r.env ? `\${env.${r.env}}` : SENSITIVE_PLACEHOLDER;
    const replace = (v: unknown, path: readonly (string | null)[], at: PathSegment[]): unknown => {
      if (!path.length) {
        if (v === undefined) return v;
        note(formatPath(at) || 'every field', written);
        return typeof v === 'string' || v === null || typeof v !== 'object' ? written : replaceAll(v, written);
      }
      const [head, ...rest] = path;
      if (head === null) return Array.isArray(v) ? v.map((x, i) => replace(x, rest, [...at, i])) : v;
      if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, head)) return v;
      const obj = v as Record<string, unknown>;
      obj[head] = replace(obj[head], rest, [...at, head]);
      return obj;
    };
    // Everything masked: every field but the identity (the first key, kind.exportOrder), or the item has no name.
    if (!r.path.length) for (const k of Object.keys(out).slice(1)) out[k] = replace(out[k], [], [k]);
    else replace(out, r.path, []);
  }
  return out as Body;
}

/** Every string leaf of `v` as `written` (a whole-resource marker: every field is masked). */
function replaceAll(v: unknown, written: string): unknown {
  if (typeof v === 'string') return written;
  if (Array.isArray(v)) return v.map((x) => replaceAll(x, written));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceAll(x, written)]));
  return v;
}

function present(kind: ResourceKind, body: Body): Body {
  // Top level: the kind's own order (identity first, then as a person would read the resource).
  // Object.fromEntries defines each key as own data: a `__proto__` key stays a key.
  return Object.fromEntries(ordered(body, kind.exportOrder).map(([k, x]) => [k, presentValue(x)])) as Body;
}

// ---------------------------------------------------------------------------------------------
// targets.yaml: the data (src/render/export-yaml.ts writes it)
// ---------------------------------------------------------------------------------------------

/** What the exported directory's targets file holds, so the directory is a config of its own. */
export interface ExportedTargets {
  /** Every target of the config, as written (`${env.X}` stays), by name. */
  targets: Record<string, Record<string, unknown>>;
  /** The config's settings, `prune` cut down to the exported kinds (absent when it emptied). */
  settings: Settings;
  /** What the user should know about the settings written. */
  notes: string[];
}

export function exportedTargets(
  result: ExportResult,
  config: Pick<LoadedConfig, 'targets' | 'settings'>,
): ExportedTargets {
  const notes: string[] = [];
  const settings = exportedSettings(
    config.settings,
    result.kinds.map((k) => k.kind),
    notes,
  );
  const made = new Set(Object.values(result.vars).flatMap((v) => Object.keys(v)));
  const unread = config.targets.map((t) => t.name).filter((t) => !result.targets.includes(t));
  if (made.size && unread.length)
    notes.push(
      `target(s) ${unread.join(', ')} were not exported: before they plan, give them values for the vars export made (${[...made].join(', ')}) under targets.<name>.vars`,
    );
  const targets = config.targets.map((t) => {
    const vars = result.vars[t.name];
    if (!vars || !Object.keys(vars).length) return [t.name, t.raw];
    const own = t.raw.vars && typeof t.raw.vars === 'object' && !Array.isArray(t.raw.vars) ? t.raw.vars : {};
    return [t.name, { ...t.raw, vars: { ...own, ...vars } }];
  });
  return { targets: Object.fromEntries(targets) as ExportedTargets['targets'], settings, notes };
}

/**
 * The config's settings, with `prune` limited to the exported kinds: pruning a kind that was not
 * exported would plan to delete every managed resource of it.
 */
function exportedSettings(settings: Settings, exported: KindName[], notes: string[]): Settings {
  const out: Settings = structuredClone(settings);
  if (Array.isArray(out.prune)) {
    const dropped = out.prune.filter((k) => !exported.includes(k));
    out.prune = out.prune.filter((k) => exported.includes(k));
    if (dropped.length)
      notes.push(
        `settings.prune: ${dropped.join(', ')} left out of the exported settings (not exported; pruning them would delete every managed one)`,
      );
    if (!out.prune.length) delete out.prune;
  }
  return out;
}
