/**
 * One declared resource's YAML item brought to its live state, edit by edit. Three views walk
 * together: the config as written (YAML nodes and the raw, un-interpolated values), the config
 * as the planner compares it (normalized) and the live resource (normalized). Only where the
 * normalized views differ is anything written, so what the planner already calls equal (sets in
 * another order, a default left out, a flow by name) is never touched.
 *
 * Not written, but reported: values from `${...}`, values that live in an anchor other items use
 * (or come from an alias or `<<` merge), `lifecycle.ignoreChanges` paths, a kind's secret fields.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ContactFlowDirectory } from '../../aws/contact-flows.js';
import type { SourcePos } from '../../errors.js';
import { canonicalJson } from '../../kinds/common.js';
import type { Body, Lifecycle, ResourceKind } from '../../kinds/types.js';
import type { SensitiveValue } from '../../sensitive.js';
import type { RecordedSensitive } from '../../kinds/sensitive-marker.js';
import { formatPath } from '../../problem-path.js';
import { ignoredDepth } from '../ignore-changes.js';
import { escapeInterpolation } from '../export.js';
import type { OpWhere, SourceEdits } from './yaml-edit.js';

/** Something pull left alone and the user should know about. */
export interface PullReport {
  /** `Connect rule "VIP"`. */
  resource: string;
  /** Where in the config (the value, or the resource item). */
  pos: SourcePos;
  /** `Actions[1].TaskAction.Name`: the place inside the item, when it is one value. */
  path?: string;
  message: string;
  /** The target(s) it was found in, when the pull read several. */
  target?: string;
}

export interface ItemContext {
  kind: ResourceKind;
  title: string;
  edits: SourceEdits;
  doc: Document.Parsed;
  /** Anchors that an alias uses: editing a node holding one would change the aliases too. */
  usedAnchors: ReadonlySet<string>;
  positionOf(offset: number): SourcePos;
  flows: ContactFlowDirectory;
  lifecycle: Lifecycle;
  sensitive: readonly SensitiveValue[];
  /**
   * Fields the live resource's marker records as applied from a sensitive source
   * (kinds/sensitive-marker.ts): their live values are secrets, never written into a file.
   */
  recorded?: readonly RecordedSensitive[];
  /** `targets.prod.vars`: where a `${var.NAME}` is defined, and its position. */
  varPosition(name: string): SourcePos | undefined;
  targetName: string;
  /** The item's name as the summary shows it (kind and key). */
  item: { kind: string; name: string; file: string };
  reports: PullReport[];
}

/** What a walk changed (the count of edits made) */
export interface ItemResult {
  edits: number;
  /** Paths written, for the summary. */
  paths: string[];
}

type Segments = (string | number)[];
type Json = unknown;

function holdsJsonObject(text: string): boolean {
  if (!text.trim().startsWith('{')) return false;
  try {
    return isObject(JSON.parse(text));
  } catch {
    return false;
  }
}

const same = (a: Json, b: Json) => canonicalJson(a ?? null) === canonicalJson(b ?? null);
const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Where a `${` is interpolation (a literal one is written `$${`). */
function interpolated(raw: Json): boolean {
  if (typeof raw === 'string') return raw.replaceAll('$${', '').includes('${');
  if (Array.isArray(raw)) return raw.some(interpolated);
  if (isObject(raw)) return Object.values(raw).some(interpolated);
  return false;
}

/**
 * What a list element is, so a changed element is edited where it is: task template fields by
 * `Id.Name`, rule actions by type and name, tags by key; anything else by its whole value.
 */
export function identityOf(v: Json): string {
  if (!isObject(v)) return `=${canonicalJson(v)}`;
  const id = v.Id;
  if (isObject(id) && typeof id.Name === 'string') return `Id.Name=${id.Name}`;
  if (typeof v.ActionType === 'string') {
    const member = Object.values(v).find((m) => isObject(m) && typeof m.Name === 'string') as
      | Record<string, Json>
      | undefined;
    return `ActionType=${v.ActionType},Name=${member ? String(member.Name) : ''}`;
  }
  for (const key of ['Name', 'TagKey', 'ActionName', 'Key', 'VariableName', 'name'])
    if (typeof v[key] === 'string') return `${key}=${v[key] as string}`;
  return `=${canonicalJson(v)}`;
}

export class ItemReconciler {
  private written: string[] = [];
  private configBody: Body = {};
  private before = 0;

  constructor(private readonly c: ItemContext) {}

  /** Walk one item: `node` its YAML mapping, `raw` as written, `desired`/`live` normalized. */
  run(node: Node, raw: Body, config: Body, desired: Body, live: Body): ItemResult {
    this.before = this.c.edits.size;
    const item = this.deref(node);
    if (!isMap(item.node) || item.shared) {
      if (!same(desired, live))
        this.report(node, [], 'the resource item comes from an anchor or alias; edit it by hand');
      return { edits: 0, paths: [] };
    }
    this.configBody = config;
    this.object(item.node, raw, config, desired, live, []);
    return { edits: this.c.edits.size - this.before, paths: this.written };
  }

  // -------------------------------------------------------------------------------------------

  private object(
    map: YAMLMap,
    raw: Json,
    config: Json,
    desired: Record<string, Json>,
    live: Record<string, Json>,
    at: Segments,
  ): void {
    const keys = [...new Set([...Object.keys(desired), ...Object.keys(live)])];
    for (const key of keys) {
      if (same(desired[key], live[key])) continue;
      const path = [...at, key];
      if (this.skipped(path, map)) continue;
      const pair = ownPair(map, key);
      const rawV = isObject(raw) ? raw[key] : undefined;
      const configV = isObject(config) ? config[key] : undefined;
      if (!pair) {
        if (hasMerge(map) && isObject(config) && key in config) {
          this.report(
            map,
            path,
            'comes from a `<<` merge of an anchor other items use; not written: change the anchor by hand if every item using it should change, or set the value on this item',
            live[key],
          );
          continue;
        }
        if (live[key] === undefined) {
          this.report(map, path, 'is filled in by default and the live resource has none; not written', undefined);
          continue;
        }
        this.edit(map, path, () => this.c.edits.addPair(map, key, this.toConfig(live[key], undefined)));
        this.wrote(path);
        continue;
      }
      if (live[key] === undefined) {
        const value = this.deref(pair.value);
        if (value.shared)
          this.report(pair.value, path, 'lives in an anchor other items use; the live resource has none; not removed');
        else {
          this.edit(pair.value ?? map, path, () => this.c.edits.removePair(map, pair));
          this.wrote(path);
        }
        continue;
      }
      this.value(pair.value, rawV, configV, desired[key], live[key], path);
    }
  }

  private value(
    node: Node | null | undefined,
    raw: Json,
    config: Json,
    desired: Json,
    live: Json,
    path: Segments,
  ): void {
    if (!node || this.skipped(path, node)) return;
    const target = this.deref(node);
    if (target.shared) {
      this.report(
        node,
        path,
        isAlias(node)
          ? `comes from the alias *${node.source}; not written: ${SHARED_FIX}`
          : `lives in an anchor other items use; not written: ${SHARED_FIX}`,
        live,
      );
      return;
    }
    const n = target.node;
    if (isObject(desired) && isObject(live) && isMap(n) && !isFlowRef(live)) {
      this.object(n, raw, config, desired, live, path);
      return;
    }
    if (Array.isArray(desired) && Array.isArray(live) && Array.isArray(config) && isSeq(n)) {
      this.list(n, raw, config, desired, live, path);
      return;
    }
    if (interpolated(raw)) {
      this.interpolationReport(node, raw, path, live);
      return;
    }
    if (!n) return;
    // A document the file writes as a string of JSON (a rule's Function copied from DescribeRule
    // or CloudFormation) stays a string: the user's form is kept, only its content changes.
    const asJsonText = typeof config === 'string' && isObject(live) && holdsJsonObject(config);
    const value = asJsonText
      ? escapeInterpolation(JSON.stringify(live))
      : this.keepTrailingBreaks(path, this.toConfig(live, config), config);
    this.edit(n, path, () => this.c.edits.replace(n, value));
    this.wrote(path);
  }

  private list(seq: YAMLSeq, raw: Json, config: Json[], desired: Json[], live: Json[], path: Segments): void {
    const rawList = Array.isArray(raw) ? raw : [];
    const ids = (list: Json[]) => list.map(identityOf);
    const [desiredIds, liveIds] = [ids(desired), ids(live)];
    const configIds = alignIds(config, desired, desiredIds);
    const unique = (list: string[]) => new Set(list).size === list.length;
    if (!unique(configIds) || !unique(liveIds) || !unique(desiredIds) || config.length !== seq.items.length) {
      // Elements without an identity of their own: the list is rewritten as a whole.
      if (interpolated(raw)) this.interpolationReport(seq, raw, path, live);
      else {
        this.rewriteWhole(seq, path, live);
      }
      return;
    }
    const items = seq.items as Node[];
    // An element whose identity changed live (a renamed action or field) is the same element
    // edited, when it pairs with exactly one new one of its type: edited where it is.
    const renamed = pairRenamed(desired, desiredIds, live, liveIds);
    const liveIdOf = (id: string) => renamed.get(id) ?? id;
    const isSet = !same(configIds, desiredIds);
    const kept = desiredIds.map(liveIdOf).filter((id) => liveIds.includes(id));
    const liveOrder = liveIds.filter((id) => kept.includes(id));
    if (!isSet && !same(kept, liveOrder)) {
      // Reordered live, in a list whose order counts: written again whole, in the live order,
      // unless part of it is not the file's to change.
      const shared = items.some((n) => this.deref(n).shared);
      if (interpolated(raw) || shared)
        this.report(
          seq,
          path,
          `lists its elements in another order than the live resource; not written (${shared ? 'an element lives in an anchor other items use' : 'an element comes from ${...}'}): reorder them by hand`,
        );
      else {
        this.rewriteWhole(seq, path, live);
      }
      return;
    }
    // Kept elements, changed where they are.
    desired.forEach((d, i) => {
      const j = liveIds.indexOf(liveIdOf(desiredIds[i]));
      const c = configIds.indexOf(desiredIds[i]);
      if (j < 0 || c < 0 || same(d, live[j])) return;
      this.value(items[c], rawList[c], config[c], d, live[j], [...path, c]);
    });
    const paired = new Set([...desiredIds.map(liveIdOf)]);
    // Gone live: removed from the file.
    desiredIds.forEach((id) => {
      const c = configIds.indexOf(id);
      if (liveIds.includes(liveIdOf(id)) || c < 0 || this.skipped([...path, c], seq)) return;
      const item = this.deref(items[c]);
      if (item.shared)
        this.report(
          items[c],
          [...path, c],
          'is gone live but lives in an anchor other items use; not removed',
          undefined,
        );
      else {
        this.edit(seq, path, () => this.c.edits.removeItem(seq, c), `${formatPath([...path, c])} (removed)`);
        this.wrote([...path, c], 'removed');
      }
    });
    // New live: in an ordered list, inserted before the next element the file already has (the
    // live order kept); in a set (normalizing reordered the file's elements), appended.
    liveIds.forEach((id, j) => {
      if (paired.has(id) || this.skipped([...path, j], seq)) return;
      const next = isSet
        ? undefined
        : liveIds
            .slice(j + 1)
            .map((x) => configIds.indexOf([...renamed].find(([, to]) => to === x)?.[0] ?? x))
            .find((c) => c >= 0);
      this.edit(
        seq,
        path,
        () => this.c.edits.insertItem(seq, this.toConfig(live[j], undefined), next),
        `${formatPath(path)} (added)`,
      );
      this.wrote(path, 'added');
    });
  }

  // -------------------------------------------------------------------------------------------

  /** ignoreChanges and secret fields: never written (a secret is reported, an ignored path is not). */
  private skipped(path: Segments, near: Node): boolean {
    if (ignoredByEntries(path, this.c.lifecycle.ignoreChanges)) return true;
    if (path.length === 1 && this.c.kind.secretPaths?.includes(String(path[0]))) {
      this.report(near, path, 'is a secret: pull never writes secrets; set it by hand if it changed on purpose');
      return true;
    }
    // A place the config fills from a variable is reported as such (value()); others by their record.
    if (!this.isSensitive(path) && this.recordedAt(path)) {
      this.report(
        near,
        path,
        'was applied from a sensitive value (${env...}): pull never writes it; set it by hand if it changed on purpose',
      );
      return true;
    }
    return false;
  }

  /** `path` is, holds or lies inside a field the marker records as applied from a sensitive source. */
  private recordedAt(path: Segments): boolean {
    const matches = (p: string | null, s: string | number) => (p === null ? typeof s === 'number' : p === s);
    return (this.c.recorded ?? []).some((r) => {
      const n = Math.min(r.path.length, path.length);
      for (let i = 0; i < n; i++) if (!matches(r.path[i], path[i])) return false;
      return true;
    });
  }

  /**
   * A live value in the config's own form: a flow `{ name }` becomes the id when the config
   * wrote an id there; `${` is escaped so the text is read back literally.
   */
  private toConfig(live: Json, config: Json): Json {
    if (isFlowRef(live) && typeof config === 'string') {
      const named = this.c.flows.named(String(live.name));
      if (named.length === 1) return named[0].id;
    }
    if (typeof live === 'string') return escapeInterpolation(live);
    if (Array.isArray(live)) return live.map((v) => this.toConfig(v, undefined));
    if (isObject(live))
      return Object.fromEntries(
        Object.entries(live).map(([k, v]) => [k, this.toConfig(v, isObject(config) ? config[k] : undefined)]),
      );
    return live;
  }

  private interpolationReport(node: Node, raw: Json, path: Segments, live: Json): void {
    const text = typeof raw === 'string' ? raw : '';
    const whole = /^\$\{(var|env)\.([A-Za-z0-9_-]+)\}$/.exec(text);
    let fix = 'edit the text around the ${...} by hand, or the variables it uses';
    if (whole?.[1] === 'var') {
      const at = this.c.varPosition(whole[2]);
      fix = `set targets.${this.c.targetName}.vars.${whole[2]}${at ? ` (${at.file}:${at.line}:${at.col})` : ''} to the live value`;
    } else if (whole?.[1] === 'env')
      fix = `set the environment variable ${whole[2]} to the live value where connectform runs`;
    this.report(
      node,
      path,
      `comes from ${text.length > 80 ? 'interpolation' : text || 'interpolation'}; not written: ${fix}`,
      live,
    );
  }

  private report(node: Node | null | undefined, path: Segments, message: string, live?: Json): void {
    const pos = this.c.positionOf(node?.range?.[0] ?? 0);
    const sensitive = this.isSensitive(path) || this.recordedAt(path);
    const shown = live === undefined ? '' : ` (live: ${sensitive ? '(sensitive)' : JSON.stringify(live)})`;
    this.c.reports.push({
      resource: this.c.title,
      pos,
      ...(path.length ? { path: formatPath(path) } : {}),
      message: `${message}${shown}`,
    });
  }

  /** A value from a sensitive variable, or a kind's secret: its live value is never printed. */
  private isSensitive(path: Segments): boolean {
    const top = String(path[0] ?? '');
    if (this.c.kind.secretPaths?.includes(top)) return true;
    const prefix = (p: Segments) => p.every((s, i) => s === path[i]) || path.every((s, i) => s === p[i]);
    return this.c.sensitive.some((s) => prefix(s.path));
  }

  /**
   * The config's final line breaks kept on a new string when the kind reads both alike (a rule's
   * Function is compared as JSON): a `|` block stays `|`, not `|-`, and the value means the same.
   */
  private keepTrailingBreaks(path: Segments, value: Json, config: Json): Json {
    if (typeof value !== 'string' || typeof config !== 'string') return value;
    const kept = value.replace(/\n*$/, '') + (/\n*$/.exec(config)?.[0] ?? '');
    if (kept === value) return value;
    const normalized = (v: string) => {
      const body = structuredClone(this.configBody) as Record<string, Json>;
      let at: Json = body;
      for (const seg of path.slice(0, -1)) at = (at as Record<string | number, Json>)[seg];
      (at as Record<string | number, Json>)[path[path.length - 1]] = v;
      return canonicalJson(this.c.kind.normalize(body as Body, { flows: this.c.flows }));
    };
    try {
      return normalized(kept) === normalized(value) ? kept : value;
    } catch {
      return value;
    }
  }

  /** Make an edit, recording on its ops where it is (for reports when targets disagree). */
  private edit(near: Node, path: Segments, make: () => void, label = formatPath(path)): void {
    const from = this.c.edits.ops.length;
    make();
    const where: OpWhere = {
      resource: this.c.title,
      item: this.c.item,
      path: formatPath(path),
      label,
      segments: path,
      pos: this.c.positionOf(near.range?.[0] ?? 0),
      sensitive: this.isSensitive(path),
    };
    for (const op of this.c.edits.ops.slice(from)) op.where = where;
  }

  /** The list written again as a whole, in the live order (elements without identities, or reordered live). */
  private rewriteWhole(seq: YAMLSeq, path: Segments, live: Json[]): void {
    this.edit(seq, path, () =>
      this.c.edits.replace(
        seq,
        live.map((v) => this.toConfig(v, undefined)),
      ),
    );
    this.wrote(path);
  }

  private wrote(path: Segments, what?: 'added' | 'removed'): void {
    this.written.push(`${formatPath(path)}${what ? ` (${what})` : ''}`);
  }

  /** The node a value really is (through an alias), and whether other items share it. */
  private deref(node: Node | null | undefined): { node: Node | null | undefined; shared: boolean } {
    if (isAlias(node)) return { node: node.resolve(this.c.doc) as Node | undefined, shared: true };
    return { node, shared: holdsUsedAnchor(node, this.c.usedAnchors) };
  }
}

const SHARED_FIX = 'change it by hand if every item using it should change, or give this item its own value';

/**
 * The identity of each config element as the planner sees it. An element without a key of its
 * own is identified by its whole value, and the config writes it before normalizing (a set in
 * another order, keys in another order): such an element is matched to the normalized one that
 * has the same members in any order, or to the one left when one of each is left. Unmatched, it
 * would be neither edited nor removed (the console user's deleted element kept).
 */
function alignIds(config: Json[], desired: Json[], desiredIds: string[]): string[] {
  const ids = config.map(identityOf);
  const unmatched = () => ids.flatMap((id, c) => (desiredIds.includes(id) ? [] : [c]));
  const free = new Set(desiredIds.flatMap((id, i) => (ids.includes(id) ? [] : [i])));
  for (const c of unmatched()) {
    const key = orderFree(config[c]);
    const i = [...free].find((x) => orderFree(desired[x]) === key);
    if (i === undefined) continue;
    ids[c] = desiredIds[i];
    free.delete(i);
  }
  const left = unmatched();
  if (left.length === 1 && free.size === 1) ids[left[0]] = desiredIds[[...free][0]];
  return ids;
}

/** A value's canonical JSON with every list sorted too (members compared, order not). */
function orderFree(v: Json): string {
  const sortLists = (x: Json): Json =>
    Array.isArray(x)
      ? x.map(sortLists).sort((a, b) => (canonicalJson(a) < canonicalJson(b) ? -1 : 1))
      : isObject(x)
        ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, sortLists(y)]))
        : x;
  return canonicalJson(sortLists(v));
}

/** What sort of element it is, for pairing a renamed one: an action's type, a field's type. */
function sortOf(v: Json): string | undefined {
  if (!isObject(v)) return undefined;
  if (typeof v.ActionType === 'string') return `ActionType=${v.ActionType}`;
  if (typeof v.Type === 'string' && isObject(v.Id)) return `Type=${v.Type}`;
  return undefined;
}

/**
 * Desired elements gone live paired with new live elements of the same sort, when each sort has
 * exactly one of each: desired identity → live identity.
 */
function pairRenamed(desired: Json[], desiredIds: string[], live: Json[], liveIds: string[]): Map<string, string> {
  const gone = desired.filter((_, i) => !liveIds.includes(desiredIds[i])).map((v) => ({ v, id: identityOf(v) }));
  const added = live.filter((_, j) => !desiredIds.includes(liveIds[j])).map((v) => ({ v, id: identityOf(v) }));
  const out = new Map<string, string>();
  const sorts = new Set(gone.map((g) => sortOf(g.v)).filter((s): s is string => s !== undefined));
  for (const sort of sorts) {
    const g = gone.filter((x) => sortOf(x.v) === sort);
    const a = added.filter((x) => sortOf(x.v) === sort);
    if (g.length === 1 && a.length === 1) out.set(g[0].id, a[0].id);
  }
  return out;
}

/** A `{ name: ... }` contact flow reference (written whole, never key by key). */
function isFlowRef(v: Json): v is { name: string } {
  return isObject(v) && Object.keys(v).length === 1 && typeof v.name === 'string';
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

function ownPair(map: YAMLMap, key: string): Pair<Node, Node> | undefined {
  return (map.items as Pair<Node, Node>[]).find(
    (p) => !isMergeKey(p.key) && isScalar(p.key) && String(p.key.value) === key,
  );
}

function hasMerge(map: YAMLMap): boolean {
  return map.items.some((p) => isMergeKey(p.key));
}

/** True when `node` carries an anchor an alias uses (its own; a parent's is checked on the way down). */
function holdsUsedAnchor(node: Node | null | undefined, used: ReadonlySet<string>): boolean {
  return Boolean(node && !isAlias(node) && node.anchor && used.has(node.anchor));
}

/**
 * Whether an ignoreChanges entry covers `path` (config positions, not identities). An entry that
 * selects list elements by identity is read as covering every element of that list: pull then
 * writes less than it could, never a value the user told connectform to leave alone.
 */
function ignoredByEntries(path: Segments, ignore: readonly string[] | undefined): boolean {
  if (!ignore?.length) return false;
  const anyElement = ignore.map((entry) => entry.replace(/\[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\]/g, ''));
  return ignoredDepth(path, [...ignore, ...anyElement]) !== undefined;
}
