/**
 * `export` as YAML: the data src/engine/export.ts gathered (items already in their config form,
 * keys ordered, `${` escaped; targets.yaml's targets and settings) written as one document or one
 * file per kind plus targets.yaml. Short maps of scalars go on one line; each text is read back
 * and compared before it is returned, so what is written is what was read.
 */
import { Document, isMap, isPair, isScalar, isSeq, parse as parseYaml, visit, type Scalar, type YAMLMap } from 'yaml';
import type { ExportedTargets, ExportResult } from '../engine/export.js';
import { safeYamlText } from '../util/yaml-escape.js';

export interface RenderOptions {
  /** `$schema` of the yaml-language-server line (engine/export.ts DEFAULT_SCHEMA_REF, or --schema). */
  schemaRef: string;
}

export interface ExportFile {
  /** File name inside the output directory. */
  name: string;
  /** What it holds, for the summary: a kind, or `targets`. */
  kind: ExportResult['kinds'][number]['kind'] | 'targets';
  /** Resources (or targets) in it. */
  count: number;
  text: string;
}

export const TARGETS_FILE = 'targets.yaml';

/** A config key to its file name: `fooBars` → `foo-bars.yaml`. */
export function exportFileName(configKey: string): string {
  return `${configKey.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.yaml`;
}

/** The first comment lines of every file export writes; export only overwrites files starting so. */
export const EXPORT_MARKER = '# Written by `connectform export`';

/** "target \"dev\"" or "targets \"dev\", \"prod\"": what a header says was read. */
function whichTargets(result: ExportResult): string {
  const quoted = result.targets.map((t) => `"${t}"`).join(', ');
  return `${result.targets.length === 1 ? 'target' : 'targets'} ${quoted}`;
}

/**
 * The single document export prints without --out: the resource lists of one target; of
 * several, a whole config (targets with their vars, settings, resources), since the items need
 * the vars.
 */
export function renderDocument(result: ExportResult, options: RenderOptions, targets?: ExportedTargets): string {
  const data = {
    ...(targets ? targetsDocument(targets) : {}),
    ...Object.fromEntries(result.kinds.map((k) => [k.configKey, k.items])),
  };
  return renderYaml(data, header(options, [`Live state of ${whichTargets(result)}.`, ...skippedLines(result)]));
}

function targetsDocument(targets: ExportedTargets): Record<string, unknown> {
  return {
    targets: targets.targets,
    ...(Object.keys(targets.settings).length ? { settings: targets.settings } : {}),
  };
}

/** One file per exported kind, plus targets.yaml with the targets and settings export chose. */
export function renderFiles(result: ExportResult, targets: ExportedTargets, options: RenderOptions): ExportFile[] {
  const files: ExportFile[] = result.kinds.map((k) => ({
    name: exportFileName(k.configKey),
    kind: k.kind,
    count: k.items.length,
    text: renderYaml(
      { [k.configKey]: k.items },
      header(options, [`Live state of ${whichTargets(result)}: ${k.configKey}.`]),
    ),
  }));
  files.push({
    name: TARGETS_FILE,
    kind: 'targets',
    count: Object.keys(targets.targets).length,
    text: renderYaml(
      targetsDocument(targets),
      header(options, [
        `Targets and settings copied from the config the export of ${whichTargets(result)} ran with${Object.values(result.vars).some((v) => Object.keys(v).length) ? ', with the vars of the values the targets differ in' : ''}.`,
        ...skippedLines(result),
      ]),
    ),
  });
  return files;
}

function skippedLines(result: ExportResult): string[] {
  return result.skipped.map((s) => `Not exported: ${s.kind} (${s.reason.split('\n')[0]}).`);
}

function header(options: RenderOptions, lines: string[]): string {
  return [
    `# yaml-language-server: $schema=${options.schemaRef}`,
    `${EXPORT_MARKER}. ${lines[0] ?? ''}`.trimEnd(),
    ...lines.slice(1).map((l) => `# ${l}`),
  ].join('\n');
}

/** Maps of scalars this short are written on one line (`{ name: Escalation }`). */
const FLOW_MAP_WIDTH = 60;
/** Collections above this depth stay block style: the document, its lists, the resources. */
const FLOW_MIN_DEPTH = 3;

function oneLine(node: unknown): boolean {
  return (
    (isScalar(node) && (typeof node.value !== 'string' || !node.value.includes('\n'))) ||
    (isMap(node) && node.flow === true)
  );
}

function renderYaml(data: Record<string, unknown>, head: string): string {
  const doc = new Document(data);
  visit(doc, {
    Pair(_, pair) {
      // The config loader reads a plain `<<` key as a merge; a quoted one is a key.
      if (isScalar(pair.key) && pair.key.value === '<<') (pair.key as Scalar).type = 'QUOTE_DOUBLE';
    },
  });
  // Bottom-up, so `Id: { Name: Title }` can make its field `{ Id: { Name: Title }, Type: NAME }`.
  const maps: { map: YAMLMap; depth: number }[] = [];
  visit(doc, {
    Map(_, map, path) {
      maps.push({ map, depth: path.filter((n) => isMap(n) || isSeq(n)).length });
    },
  });
  for (const { map, depth } of maps.reverse()) {
    if (depth < FLOW_MIN_DEPTH || !map.items.length || map.items.length > 3) continue;
    if (!map.items.every((p) => isPair(p) && oneLine(p.value))) continue;
    if (JSON.stringify(map.toJSON()).length <= FLOW_MAP_WIDTH) map.flow = true;
  }
  // Control and bidi characters, `##[`: written double-quoted, as YAML escapes (util/yaml-escape.ts).
  const text = `${head}\n${safeYamlText(doc, { lineWidth: 0, flowCollectionPadding: true })}`;
  // What is written must read back as what was meant (quoting, block scalars, merge keys). Key
  // order survives the round trip, so the plain JSON texts compare (a `__proto__` key included).
  const back = parseYaml(text, { merge: true, uniqueKeys: true });
  if (JSON.stringify(back) !== JSON.stringify(data))
    throw new Error('internal error: the exported YAML does not read back as the live state (please report this)');
  return text;
}
