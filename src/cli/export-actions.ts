/**
 * What `export` does (export.ts registers the command and loads this when it runs): write targets' live state as config. Without --out one YAML document goes to stdout
 * (one target: the resource lists; several: a whole config, vars included); with --out DIR, one
 * file per kind plus targets.yaml, so DIR is a config of its own: `plan DIR -t all` shows no
 * change for every target exported. See docs/EXPORT.md.
 */
import { writeFileAtomically } from '../util/write-file.js';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { escapeTerminal } from '../render/escape.js';
import { DEFAULT_SCHEMA_REF, exportLive, exportedTargets, type ExportResult } from '../engine/export.js';
import { mergeTargets } from '../engine/export-merge.js';
import { definedVarNames } from '../engine/var-names.js';
import {
  EXPORT_MARKER,
  TARGETS_FILE,
  exportFileName,
  renderDocument,
  renderFiles,
  type ExportFile,
} from '../render/export-yaml.js';
import { kindByName, kindNames } from '../kinds/index.js';
import type { KindName } from '../kinds/types.js';
import type { TargetOptions } from './options.js';
import type { CliRun } from './io.js';

export interface ExportCliOptions extends TargetOptions {
  out?: string;
  schema?: string;
}

/** `export`: the live state of one or more targets written as one config. */
export async function exportCommand(run: CliRun, configPaths: string[], opts: ExportCliOptions): Promise<void> {
  const { io } = run;
  if (!opts.out && opts.format !== 'text')
    throw new UsageError(
      'without --out, export prints the config as YAML; --format chooses the format of the summary printed with --out',
    );
  const explicit = !!opts.kinds?.length;
  const kinds = explicit ? namedKinds(opts.kinds!) : kindNames();
  const outDir = opts.out;
  // Before any AWS call: a directory export cannot write to is known now.
  if (outDir) checkOutDir(outDir, [...kinds.map((k) => exportFileName(kindByName(k)!.configKey)), TARGETS_FILE]);

  const { withSessions } = await import('./runtime.js');
  const { result, config } = await withSessions(run, configPaths, { ...opts, kinds }, async (sessions) => {
    // Targets are read at once (each paced by its own account's quotas), then merged.
    const read = await Promise.all(sessions.map((s) => exportLive(s, { explicitKinds: explicit })));
    const config = sessions[0].config;
    return { result: mergeTargets(read, definedVarNames(config.targets)), config };
  });

  for (const s of result.skipped) io.stderr.write(`note: ${s.kind} not exported: ${escapeTerminal(s.reason)}\n`);
  const rendering = { schemaRef: opts.schema ?? DEFAULT_SCHEMA_REF };
  const targets = exportedTargets(result, config);
  if (!outDir) {
    const several = result.targets.length > 1;
    for (const n of [...result.notes, ...(several ? targets.notes : [])])
      io.stderr.write(`note: ${escapeTerminal(n)}\n`);
    io.stdout.write(renderDocument(result, rendering, several ? targets : undefined));
    return;
  }
  const files = renderFiles(result, targets, rendering);
  for (const n of [...result.notes, ...targets.notes]) io.stderr.write(`note: ${escapeTerminal(n)}\n`);
  writeFiles(outDir, files);
  const others = otherYamlFiles(outDir, files);
  if (others.length) {
    io.stderr.write(
      `note: ${escapeTerminal(outDir)} also holds ${escapeTerminal(others.join(', '))}: a directory is read as one config, so they are part of it too\n`,
    );
  }
  io.stdout.write(summary(result, outDir, files, opts.format));
}

/** `--kinds` takes kind names or config keys (either spelling a kind is known by). */
function namedKinds(values: string[]): KindName[] {
  const out: KindName[] = [];
  for (const v of values.flatMap((x) => x.split(',')).filter(Boolean)) {
    const kind = kindByName(v);
    if (!kind) throw new UsageError(`unknown kind "${v}"; known: ${kindNames().join(', ')}`);
    if (!out.includes(kind.name)) out.push(kind.name);
  }
  return out;
}

/** --out must be a directory (or not exist yet) where export would overwrite none but its own files. */
function checkOutDir(dir: string, names: string[]): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--out ${dir} is not a directory`);
  const foreign = names.filter((name) => {
    const path = join(dir, name);
    if (!existsSync(path)) return false;
    const head = readFileSync(path, 'utf8').split('\n', 2);
    return !head.some((line) => line.startsWith(EXPORT_MARKER));
  });
  if (foreign.length) {
    const paths = foreign.map((f) => join(dir, f));
    throw new UsageError(
      `${paths.join(', ')} ${paths.length === 1 ? 'exists and was' : 'exist and were'} not written by connectform export; ` +
        'choose another --out directory or move them away (export never overwrites a hand-written file)',
    );
  }
}

/**
 * Files are replaced only when export wrote them (they start with its marker): a hand-written
 * file of the same name is never overwritten. Each file is written whole (temp file + rename).
 */
function writeFiles(dir: string, files: ExportFile[]): void {
  checkOutDir(
    dir,
    files.map((f) => f.name),
  );
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    writeFileAtomically(join(dir, f.name), f.text);
  }
}

function otherYamlFiles(dir: string, files: ExportFile[]): string[] {
  const ours = new Set(files.map((f) => f.name));
  return readdirSync(dir)
    .filter((n) => /\.ya?ml$/i.test(n) && !ours.has(n))
    .sort();
}

function summary(result: ExportResult, dir: string, files: ExportFile[], format: TargetOptions['format']): string {
  if (format === 'json') {
    return `${JSON.stringify(
      {
        targets: result.targets,
        out: dir,
        files: files.map((f) => ({ file: f.name, kind: f.kind, count: f.count })),
        skipped: result.skipped,
        notes: result.notes,
      },
      null,
      2,
    )}\n`;
  }
  const width = Math.max(...files.map((f) => f.name.length));
  const lines = files.map((f) => {
    const what =
      f.kind === 'targets'
        ? `${f.count} target(s) and settings`
        : `${f.count} ${kindByName(f.kind)?.configKey ?? f.kind}`;
    return `  ${f.name.padEnd(width)}  ${what}`;
  });
  const skipped = result.skipped.map((s) => `  (not exported: ${s.kind})`);
  const which = result.targets.map((t) => `"${t}"`).join(', ');
  return `Exported ${result.targets.length === 1 ? 'target' : 'targets'} ${which} to ${dir}:\n${[...lines, ...skipped].join('\n')}\n`;
}
