/**
 * `pull`: the config files rewritten so they describe the live state of the resources they
 * declare, with the fewest possible byte changes (see reconcile.ts for what is written and what
 * is only reported, yaml-edit.ts for how). Pure with respect to the files: it returns each file's
 * text before and after; the CLI prints the diff and writes them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, isAlias, isMap, isSeq, parseDocument, visit, type Document, type Node, type YAMLMap } from 'yaml';
import { UsageError } from '../../errors.js';
import { MAX_FILE_BYTES, type LoadedTarget } from '../../config/index.js';
import type { Body, DeclaredResource, KindName, LiveResource, ResourceKind } from '../../kinds/types.js';
import type { Attribution } from '../plan.js';
import { toConfigItems, type ExportedKind, type ExportResult } from '../export.js';
import { isPrunable } from '../planner.js';
import { ItemReconciler, type PullReport } from './reconcile.js';
import { SourceEdits } from './yaml-edit.js';
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
  target: string;
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

interface ParsedFile {
  /** As the config loader named it (what the user passed, or DIR/name.yaml). */
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  usedAnchors: Set<string>;
  edits: SourceEdits;
}

export interface PullOptions {
  /** Add the live resources the config does not declare to this file (`--include-unmanaged`). */
  includeUnmanaged?: string;
  /**
   * The text of a new --include-unmanaged file (the caller's renderer: the engine does not import
   * render/; the CLI passes export's, so the new file reads like one `export` wrote).
   */
  renderNewFile(result: ExportResult): string;
}

export async function pullTarget(source: PullSource, options: PullOptions): Promise<PullResult> {
  const target = options.includeUnmanaged;
  // Before any AWS call: a file pull would refuse to write is known now.
  if (target && existsSync(target) && !source.config.files.some((f) => resolve(f) === resolve(target))) {
    throw new UsageError(
      `--include-unmanaged ${target}: the file exists but is not part of the config given; name one of the config's files, or a new file`,
    );
  }
  await source.resolveReferences();
  const live = await source.readLive();
  const files = new Map<string, ParsedFile>();
  const reports: PullReport[] = [];
  const pulled: PulledResource[] = [];
  const flows = source.ctx.flows;
  const loadedTarget = source.config.targets.find((t) => t.name === source.name);
  const unmanaged: ExportedKind[] = [];

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
            message: `is still named "${d.lifecycle.renamedFrom}" live (lifecycle.renamedFrom): apply the rename first, then pull`,
          });
        } else
          reports.push({
            resource: title,
            pos: d.pos,
            message:
              'is declared but does not exist live; left in the file (delete it by hand if it was deleted on purpose, or apply to create it again)',
          });
        continue;
      }
      claimed.add(key);
      const normCtx = { flows };
      const desired = kind.normalize(d.body, normCtx);
      const liveBody = kind.normalize(current.body, normCtx);
      const f = parsed(files, d.file);
      const node = itemNode(f.doc, kind.configKey, indexOf(d.label));
      if (!node) {
        reports.push({
          resource: title,
          pos: d.pos,
          message: 'could not be found in the file again (was it edited during the pull?); not written',
        });
        continue;
      }
      const result = new ItemReconciler({
        kind,
        title,
        edits: f.edits,
        doc: f.doc,
        usedAnchors: f.usedAnchors,
        positionOf: (offset) => ({ file: d.file, ...f.lines.linePos(offset) }),
        flows,
        lifecycle: d.lifecycle,
        sensitive: d.sensitive ?? [],
        recorded: decodeMarker(current.marker),
        varPosition: (name) => (loadedTarget ? loadedTarget.positionOf(['vars', name]) : undefined),
        targetName: source.name,
        reports,
      }).run(node, d.rawBody, d.body, desired, liveBody);
      if (result.edits)
        pulled.push({
          kind: kind.name,
          name: key,
          file: d.file,
          paths: result.paths,
          attribution: current.attribution ?? {},
        });
    }
    const undeclared = lives.filter((l) => !claimed.has(l.key));
    if (undeclared.length) unmanaged.push(toConfigItems(kind, undeclared, flows));
    const prunable = undeclared.filter((l) => isPrunable(kind, l, source.settings.pruneFor));
    if (prunable.length && !options.includeUnmanaged) {
      // Then the next plan is not empty: it deletes them. Said at the first file of the config.
      reports.push({
        resource: `${prunable.length} ${kind.configKey}`,
        pos: { file: source.config.files[0] ?? '', line: 1, col: 1 },
        message: `live and managed by connectform but not declared, and settings.prune is on: the next apply deletes them (pass --include-unmanaged FILE to keep them)`,
      });
    }
  }

  const added: PulledFile[] = [];
  if (options.includeUnmanaged && unmanaged.some((k) => k.items.length)) {
    const file = options.includeUnmanaged;
    if (existsSync(file)) {
      addItems(parsed(files, file), unmanaged);
    } else {
      const before = '';
      const after = options.renderNewFile({ target: source.name, kinds: unmanaged, skipped: [], notes: [] });
      added.push({ file, before, after });
    }
  }

  const changed: PulledFile[] = [];
  for (const f of files.values()) {
    const after = f.edits.result();
    if (after !== f.text) changed.push({ file: f.file, before: f.text, after });
  }
  return { target: source.name, files: [...changed, ...added], pulled, reports: reports.sort(byPosition), unmanaged };
}

/** Undeclared resources appended to the lists of a config file (the list is added when missing). */
function addItems(f: ParsedFile, kinds: ExportedKind[]): void {
  const root = f.doc.contents;
  if (!isMap(root))
    throw new UsageError(
      `${f.file}: --include-unmanaged needs a file whose top level is a mapping (rules:, taskTemplates: ...)`,
    );
  for (const k of kinds) {
    if (!k.items.length) continue;
    const list = (root as YAMLMap<unknown, unknown>).get(k.configKey, true) as Node | undefined;
    if (isSeq(list)) for (const item of k.items) f.edits.insertItem(list, item);
    else if (list === undefined) f.edits.addPair(root as YAMLMap, k.configKey, k.items);
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
  f = { file, text, doc, lines, usedAnchors, edits: new SourceEdits(text) };
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
