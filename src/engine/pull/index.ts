/**
 * `pull`: the config files rewritten so they describe the live state of the resources they
 * declare, with the fewest possible byte changes (see reconcile.ts for what is written and what
 * is only reported, yaml-edit.ts for how). Pure with respect to the files: it returns each file's
 * text before and after; the CLI prints the diff and writes them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
  type YAMLMap,
} from 'yaml';
import { ConnectformError, UsageError } from '../../errors.js';
import { canonicalJson } from '../../kinds/common.js';
import { definedVarNames, VarNames } from '../var-names.js';
import { readBackProblem } from './read-back.js';
import { MAX_FILE_BYTES, type LoadedTarget } from '../../config/index.js';
import type { Body, DeclaredResource, KindName, LiveResource, ResourceKind } from '../../kinds/types.js';
import type { Attribution } from '../plan.js';
import { toConfigItems, type ExportedKind, type ExportResult } from '../export.js';
import { isPrunable } from '../planner.js';
import { ItemReconciler, type PullReport } from './reconcile.js';
import { EditConflict, SourceEdits, replay, type EditOp, type OpWhere } from './yaml-edit.js';
import type { ContactFlowDirectory } from '../../aws/contact-flows.js';
import { decodeMarker } from '../../kinds/sensitive-marker.js';

/** What pull needs of a session (a TargetSession is one). */
export interface PullSource {
  readonly name: string;
  readonly kinds: readonly ResourceKind[];
  readonly resources: readonly DeclaredResource[];
  readonly config: { targets: LoadedTarget[]; files: string[] };
  readonly settings: { pruneFor(kind: KindName): boolean };
  readonly ctx: { flows: ContactFlowDirectory };
  resolveReferences(): Promise<void>;
  readLive(): Promise<Map<KindName, LiveResource[]>>;
}

export interface PulledResource {
  target: string;
  kind: KindName;
  name: string;
  file: string;
  /** Paths written inside the item. */
  paths: string[];
  attribution: Attribution;
}

export interface PulledFile {
  file: string;
  before: string;
  after: string;
}

export interface PullResult {
  /** The targets read, in the order given. */
  targets: string[];
  /** Files whose text changed. */
  files: PulledFile[];
  pulled: PulledResource[];
  reports: PullReport[];
  /** Live resources the config does not declare, in config form (for --include-unmanaged). */
  unmanaged: ExportedKind[];
}

/** A declared resource as the config loader made it (src/config/resolve.ts ConfigResource). */
interface ConfigItem extends DeclaredResource {
  file: string;
  label: string;
  rawBody: Body;
}

/** A config file as pull reads it: parsed once, whatever the number of targets. */
interface ParsedFile {
  /** As the config loader named it (what the user passed, or DIR/name.yaml). */
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  usedAnchors: Set<string>;
}

export interface PullOptions {
  /** Add the live resources the config does not declare to this file (`--include-unmanaged`). */
  includeUnmanaged?: string;
  /**
   * A literal the targets disagree on becomes `${var.NAME}`, each target's value in its `vars`
   * (`--per-target`); without it such a literal is reported and left alone.
   */
  perTarget?: boolean;
  /**
   * The text of a new --include-unmanaged file (the caller's renderer: the engine does not import
   * render/; the CLI passes export's, so the new file reads like one `export` wrote).
   */
  renderNewFile(result: ExportResult): string;
}

/** The edits one target's live state asks for, file by file, before the targets are compared. */
interface TargetPass {
  name: string;
  edits: Map<string, SourceEdits>;
  attribution: Map<string, Attribution>;
  unmanaged: ExportedKind[];
}

/** One target's pull (see pullTargets). */
export async function pullTarget(source: PullSource, options: PullOptions): Promise<PullResult> {
  return pullTargets([source], options);
}

/**
 * Several targets pulled into the one config they share. Every target is read, and its edits
 * prepared apart; an edit is made only when every target the config applies to asks for the same
 * one (a literal is every target's value). Where they differ, or a target was not pulled, the
 * field is reported with each target's value (or, with perTarget, made a variable). Then every
 * edited file is parsed again and compared with what the edits mean: one that would not read back
 * so fails the pull, and nothing is written.
 */
export async function pullTargets(sources: readonly PullSource[], options: PullOptions): Promise<PullResult> {
  const first = sources[0];
  if (!first) throw new UsageError('pull needs a target');
  const target = options.includeUnmanaged;
  if (target && sources.length > 1)
    throw new UsageError("--include-unmanaged adds one target's resources; name one target with --target");
  // Before any AWS call: a file pull would refuse to write is known now.
  if (target && existsSync(target) && !first.config.files.some((f) => resolve(f) === resolve(target))) {
    throw new UsageError(
      `--include-unmanaged ${target}: the file exists but is not part of the config given; name one of the config's files, or a new file`,
    );
  }
  const lives = await Promise.all(
    sources.map(async (s) => {
      await s.resolveReferences();
      return s.readLive();
    }),
  );
  const files = new Map<string, ParsedFile>();
  const reports: PullReport[] = [];
  const passes = sources.map((s, i) => reconcileTarget(s, lives[i], files, reports, options));

  // The targets compared, edit by edit (a site: one value, one key, or one list's elements).
  const names = sources.map((s) => s.name);
  const everyTarget = first.config.targets.map((t) => t.name);
  const unpulled = everyTarget.filter((t) => !names.includes(t));
  const combined = new Map<string, SourceEdits>();
  const combinedFor = (f: ParsedFile) => {
    const key = resolve(f.file);
    let e = combined.get(key);
    if (!e) {
      e = new SourceEdits(f.text, f.doc);
      combined.set(key, e);
    }
    return e;
  };
  // What each target had written, by resource: `target \0 kind \0 name`.
  const pulledPaths = new Map<string, { file: string; paths: Set<string> }>();
  const wrote = (where: OpWhere | undefined, path: string) => {
    if (!where) return;
    for (const n of names) {
      const k = `${n}\0${where.item.kind}\0${where.item.name}`;
      const entry = pulledPaths.get(k) ?? { file: where.item.file, paths: new Set<string>() };
      entry.paths.add(path);
      pulledPaths.set(k, entry);
    }
  };
  const perTargetVars: PerTargetVar[] = [];
  // Var names any target already defines: a new one never takes them.
  const takenVars = new VarNames(definedVarNames(first.config.targets));
  for (const [key, f] of files) {
    const sites = new Map<string, Map<string, EditOp[]>>();
    for (const pass of passes)
      for (const op of pass.edits.get(key)?.ops ?? []) {
        const site = siteOf(op);
        let per = sites.get(site);
        if (!per) {
          per = new Map();
          sites.set(site, per);
        }
        per.set(pass.name, [...(per.get(pass.name) ?? []), op]);
      }
    for (const per of sites.values()) {
      const signatures = names.map((n) => (per.has(n) ? signature(per.get(n)!) : undefined));
      const agreed = !unpulled.length && signatures.every((sig) => sig !== undefined && sig === signatures[0]);
      const ops = [...per.values()][0];
      const where = ops[0].where;
      if (agreed || (names.length === 1 && everyTarget.length <= 1)) {
        for (const op of ops) replay(combinedFor(f), op);
        for (const op of ops) wrote(op.where, op.where?.label ?? '');
        continue;
      }
      const made = options.perTarget ? perTargetVar(ops[0], per, names, unpulled, takenVars) : undefined;
      if (made && typeof made !== 'string') {
        perTargetVars.push(made);
        replay(combinedFor(f), {
          ...ops[0],
          op: 'replace',
          node: (ops[0] as { node: Node }).node,
          value: `\${var.${made.name}}`,
        } as EditOp);
        wrote(where, `${where!.path} (\${var.${made.name}})`);
        continue;
      }
      reports.push(disagreement(per, names, unpulled, typeof made === 'string' ? made : undefined));
    }
  }
  if (perTargetVars.length) addVars(perTargetVars, first.config.targets, files, combinedFor, reports);

  const pulled: PulledResource[] = [];
  for (const pass of passes)
    for (const [k, { file, paths }] of pulledPaths) {
      const [t, kind, name] = k.split('\0');
      if (t !== pass.name) continue;
      pulled.push({
        target: t,
        kind: kind as KindName,
        name,
        file,
        paths: [...paths],
        attribution: pass.attribution.get(`${kind}\0${name}`) ?? {},
      });
    }

  const unmanaged = passes[0].unmanaged;
  const added: PulledFile[] = [];
  if (options.includeUnmanaged && unmanaged.some((k) => k.items.length)) {
    const file = options.includeUnmanaged;
    if (existsSync(file)) {
      addItems(parsed(files, file), combinedFor(parsed(files, file)), unmanaged);
    } else {
      const before = '';
      const after = options.renderNewFile({
        targets: [first.name],
        kinds: unmanaged,
        skipped: [],
        notes: [],
        vars: {},
      });
      added.push({ file, before, after });
    }
  }

  const changed: PulledFile[] = [];
  const problems: string[] = [];
  for (const [key, edits] of combined) {
    const f = files.get(key)!;
    let after: string;
    try {
      after = edits.result();
    } catch (e) {
      if (!(e instanceof EditConflict)) throw e;
      problems.push(`${f.file}: two edits overlap (${e.message})`);
      continue;
    }
    const problem = readBackProblem(f.doc, edits.ops, after);
    if (problem) problems.push(`${f.file}: ${problem}`);
    else if (after !== f.text) changed.push({ file: f.file, before: f.text, after });
  }
  if (problems.length)
    throw new PullWriteRefused(
      `pull would write a file that does not read back as the live values; nothing was written (please report this): ${problems.join('; ')}`,
    );
  return {
    targets: names,
    files: [...changed, ...added],
    pulled,
    reports: dedupe(reports).sort(byPosition),
    unmanaged,
  };
}

/** A pull that would write a wrong file: refused whole. */
export class PullWriteRefused extends ConnectformError {
  override name = 'PullWriteRefused';
}

function reconcileTarget(
  source: PullSource,
  live: Map<KindName, LiveResource[]>,
  files: Map<string, ParsedFile>,
  reports: PullReport[],
  options: PullOptions,
): TargetPass {
  const pass: TargetPass = { name: source.name, edits: new Map(), attribution: new Map(), unmanaged: [] };
  const editsOf = (f: ParsedFile) => {
    const key = resolve(f.file);
    let e = pass.edits.get(key);
    if (!e) {
      e = new SourceEdits(f.text, f.doc);
      pass.edits.set(key, e);
    }
    return e;
  };
  const flows = source.ctx.flows;
  const loadedTarget = source.config.targets.find((t) => t.name === source.name);
  for (const kind of source.kinds) {
    const lives = live.get(kind.name);
    if (!lives) continue;
    const byKey = new Map(lives.map((l) => [l.key, l]));
    const claimed = new Set<string>();
    for (const d of source.resources.filter((r) => r.kind === kind.name) as ConfigItem[]) {
      const key = kind.key(d.body);
      const title = `${kind.title} "${key}"`;
      const current = byKey.get(key);
      if (!current) {
        const renamed = d.lifecycle.renamedFrom && byKey.get(d.lifecycle.renamedFrom);
        if (renamed) {
          claimed.add(renamed.key);
          reports.push({
            resource: title,
            pos: d.pos,
            target: source.name,
            message: `is still named "${d.lifecycle.renamedFrom}" live (lifecycle.renamedFrom): apply the rename first, then pull`,
          });
        } else
          reports.push({
            resource: title,
            pos: d.pos,
            target: source.name,
            message:
              'is declared but does not exist live; left in the file (delete it by hand if it was deleted on purpose, or apply to create it again)',
          });
        continue;
      }
      claimed.add(key);
      pass.attribution.set(`${kind.name}\0${key}`, current.attribution ?? {});
      const normCtx = { flows };
      const desired = kind.normalize(d.body, normCtx);
      const liveBody = kind.normalize(current.body, normCtx);
      const f = parsed(files, d.file);
      const node = itemNode(f.doc, kind.configKey, indexOf(d.label));
      if (!node) {
        reports.push({
          resource: title,
          pos: d.pos,
          target: source.name,
          message: 'could not be found in the file again (was it edited during the pull?); not written',
        });
        continue;
      }
      const own: PullReport[] = [];
      new ItemReconciler({
        kind,
        title,
        edits: editsOf(f),
        doc: f.doc,
        usedAnchors: f.usedAnchors,
        positionOf: (offset) => ({ file: d.file, ...f.lines.linePos(offset) }),
        flows,
        lifecycle: d.lifecycle,
        sensitive: d.sensitive ?? [],
        recorded: decodeMarker(current.marker),
        varPosition: (name) => (loadedTarget ? loadedTarget.positionOf(['vars', name]) : undefined),
        targetName: source.name,
        item: { kind: kind.name, name: key, file: d.file },
        reports: own,
      }).run(node, d.rawBody, d.body, desired, liveBody);
      for (const r of own) reports.push({ ...r, target: source.name });
    }
    const undeclared = lives.filter((l) => !claimed.has(l.key));
    if (undeclared.length) pass.unmanaged.push(toConfigItems(kind, undeclared, flows));
    const prunable = undeclared.filter((l) => isPrunable(kind, l, source.settings.pruneFor));
    if (prunable.length && !options.includeUnmanaged) {
      // Then the next plan is not empty: it deletes them. Said at the first file of the config.
      reports.push({
        resource: `${prunable.length} ${kind.configKey}`,
        pos: { file: source.config.files[0] ?? '', line: 1, col: 1 },
        target: source.name,
        message: `live and managed by connectform but not declared, and settings.prune is on: the next apply deletes them (pass --include-unmanaged FILE to keep them)`,
      });
    }
  }
  return pass;
}

// ---------------------------------------------------------------------------------------------
// Targets compared

const nodeIds = new WeakMap<object, number>();
let nextNodeId = 0;
function idOf(node: object): number {
  let id = nodeIds.get(node);
  if (id === undefined) {
    id = nextNodeId++;
    nodeIds.set(node, id);
  }
  return id;
}

/** What an edit changes: one value, one key of a map, or the elements of one list. */
function siteOf(op: EditOp): string {
  switch (op.op) {
    case 'replace':
      return `value ${idOf(op.node)}`;
    case 'addPair':
      return `key ${idOf(op.map)} ${op.key}`;
    case 'removePair':
      return `key ${idOf(op.map)} ${String((op.pair.key as { value: unknown }).value)}`;
    case 'insertItem':
    case 'removeItem':
      return `list ${idOf(op.seq)}`;
  }
}

/** An edit's meaning, for comparing what two targets ask for at one site. */
function signature(ops: EditOp[]): string {
  return canonicalJson(
    ops.map((o) => ({
      op: o.op,
      ...('value' in o ? { value: o.value ?? null } : {}),
      ...('key' in o ? { key: o.key } : {}),
      ...('before' in o ? { before: o.before ?? null } : {}),
      ...('index' in o ? { index: o.index } : {}),
    })),
  );
}

/** What one target asks for at a site, as a report shows it. */
function shownValue(ops: EditOp[] | undefined, sensitive: boolean): string {
  if (!ops) return 'as in the file';
  if (sensitive) return '(sensitive)';
  const o = ops[0];
  if (o.op === 'replace' || o.op === 'addPair') return JSON.stringify(o.value);
  if (o.op === 'removePair') return 'none';
  const added = ops.filter((x) => x.op === 'insertItem').length;
  const removed = ops.filter((x) => x.op === 'removeItem').length;
  return `${added} element(s) added, ${removed} removed`;
}

function disagreement(per: Map<string, EditOp[]>, names: string[], unpulled: string[], why?: string): PullReport {
  const where = [...per.values()][0][0].where!;
  const values = names.map((n) => `${n}: ${shownValue(per.get(n), where.sensitive)}`).join('; ');
  const changedIn = names.filter((n) => per.has(n));
  const fix = unpulled.length
    ? `pull those targets together (${[...names, ...unpulled].map((n) => `-t ${n}`).join(' ')}, or -t all), or pass --per-target to give each target its own value`
    : 'pass --per-target to give each target its own value, or make the targets agree';
  const message = unpulled.length
    ? `changed live in ${changedIn.join(', ')}, but the value is also used by ${unpulled.join(', ')} (not pulled); not written: ${fix} (live: ${values})`
    : `differs live between targets; not written: ${fix} (live: ${values})`;
  return {
    resource: where.resource,
    pos: where.pos,
    ...(where.path ? { path: where.path } : {}),
    message: why ? `${message}; --per-target: ${why}` : message,
  };
}

interface PerTargetVar {
  name: string;
  /** Each target's value (every target of the config). */
  values: Map<string, unknown>;
  where: OpWhere;
}

/** A literal made a variable, or why it cannot be. */
function perTargetVar(
  op: EditOp,
  per: Map<string, EditOp[]>,
  names: string[],
  unpulled: string[],
  taken: VarNames,
): PerTargetVar | string {
  if (
    op.op !== 'replace' ||
    !isScalar(op.node) ||
    ![...per.values()].every((o) => o.length === 1 && o[0].op === 'replace')
  )
    return 'only a single value (a scalar) can become a variable';
  const where = op.where!;
  const configured = op.node.value;
  const isVarValue = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);
  const values = new Map<string, unknown>();
  for (const n of [...names, ...unpulled]) {
    const mine = per.get(n);
    values.set(n, mine ? (mine[0] as { value: unknown }).value : configured);
  }
  if (![...values.values()].every(isVarValue)) return 'only text, numbers and true/false can be variables';
  return { name: taken.claim(where.item.name, where.segments), values, where };
}

/** Each per-target variable added to every target's `vars` (the mapping made when missing). */
function addVars(
  vars: PerTargetVar[],
  targets: readonly LoadedTarget[],
  files: Map<string, ParsedFile>,
  combinedFor: (f: ParsedFile) => SourceEdits,
  reports: PullReport[],
): void {
  for (const t of targets) {
    const f = parsed(files, t.file);
    const root = f.doc.contents;
    const targetsMap = isMap(root) ? (root as YAMLMap).get('targets', true) : undefined;
    const mine = isMap(targetsMap) ? (targetsMap as YAMLMap).get(t.name, true) : undefined;
    if (!isMap(mine)) {
      reports.push({
        resource: `target ${t.name}`,
        pos: t.pos,
        message: 'its vars could not be found to add per-target values; add them by hand',
      });
      continue;
    }
    const existing = (mine as YAMLMap).get('vars', true);
    const add: Record<string, unknown> = {};
    for (const v of vars) add[v.name] = v.values.get(t.name);
    if (isMap(existing))
      for (const [k, value] of Object.entries(add)) combinedFor(f).addPair(existing as YAMLMap, k, value);
    else if (existing === undefined) combinedFor(f).addPair(mine as YAMLMap, 'vars', add);
    else
      reports.push({
        resource: `target ${t.name}`,
        pos: t.pos,
        message: 'vars is not a mapping; add the per-target values by hand',
      });
  }
}

function dedupe(reports: PullReport[]): PullReport[] {
  const seen = new Map<string, PullReport>();
  for (const r of reports) {
    const key = `${r.pos.file}\0${r.pos.line}\0${r.pos.col}\0${r.path ?? ''}\0${r.message}`;
    const before = seen.get(key);
    if (!before) seen.set(key, { ...r });
    else if (r.target && before.target && !before.target.split(', ').includes(r.target))
      before.target = `${before.target}, ${r.target}`;
  }
  return [...seen.values()];
}

/** Undeclared resources appended to the lists of a config file (the list is added when missing). */
function addItems(f: ParsedFile, edits: SourceEdits, kinds: ExportedKind[]): void {
  const root = f.doc.contents;
  if (!isMap(root))
    throw new UsageError(
      `${f.file}: --include-unmanaged needs a file whose top level is a mapping (rules:, taskTemplates: ...)`,
    );
  for (const k of kinds) {
    if (!k.items.length) continue;
    const list = (root as YAMLMap<unknown, unknown>).get(k.configKey, true) as Node | undefined;
    if (isSeq(list)) for (const item of k.items) edits.insertItem(list, item);
    else if (list === undefined) edits.addPair(root as YAMLMap, k.configKey, k.items);
    else throw new UsageError(`${f.file}: ${k.configKey} is not a list; --include-unmanaged cannot add to it`);
  }
}

function byPosition(a: PullReport, b: PullReport): number {
  return a.pos.file < b.pos.file ? -1 : a.pos.file > b.pos.file ? 1 : a.pos.line - b.pos.line || a.pos.col - b.pos.col;
}

function indexOf(label: string): number {
  return Number(/\[(\d+)\]$/.exec(label)?.[1] ?? -1);
}

/**
 * The file as the loader read it, parsed again for its nodes' ranges. The loader already
 * bounded and checked it (size, depth, weight); the size is checked again in case it grew.
 */
function parsed(files: Map<string, ParsedFile>, file: string): ParsedFile {
  const key = resolve(file);
  let f = files.get(key);
  if (f) return f;
  if (statSync(file).size > MAX_FILE_BYTES)
    throw new UsageError(`${file} grew past ${MAX_FILE_BYTES} bytes during the pull; run it again`);
  const text = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { merge: true, uniqueKeys: false, lineCounter: lines });
  if (doc.errors.length) throw new UsageError(`${file}: changed during the pull and no longer parses; run it again`);
  const usedAnchors = new Set<string>();
  visit(doc, {
    Alias(_, alias) {
      usedAnchors.add(alias.source);
    },
  });
  f = { file, text, doc, lines, usedAnchors };
  files.set(key, f);
  return f;
}

function itemNode(doc: Document.Parsed, configKey: string, index: number): Node | undefined {
  const root = doc.contents;
  if (!isMap(root)) return undefined;
  const list = (root as YAMLMap<unknown, unknown>).get(configKey, true) as Node | undefined;
  const seq = isAlias(list) ? undefined : list;
  if (!isSeq(seq)) return undefined;
  return seq.items[index] as Node | undefined;
}
