/**
 * What `pull` does (pull.ts registers the command and loads this when it runs): console edits written back into the config, surgically (src/engine/pull/). Prints a
 * unified diff per file, what was pulled with who changed it last, and what was left alone and
 * why; writes the files atomically unless --dry-run. See docs/PULL.md.
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { removeStaleTempFiles, writeAllOrNothing } from '../engine/pull/write-files.js';
import { formatPos } from '../errors.js';
import { escapeJsonText, escapeMarkdownInline, escapeTerminal, markdownCode } from '../render/escape.js';
import { DEFAULT_SCHEMA_REF } from '../engine/export.js';
import type { PullResult } from '../engine/pull/index.js';
import { unifiedDiff } from '../render/unified-diff.js';
import { renderDocument } from '../render/export-yaml.js';
import { attributionText } from '../render/change-parts.js';
import { kindByName } from '../kinds/index.js';
import type { TargetOptions } from './options.js';
import type { CliRun } from './io.js';

export interface PullCliOptions extends TargetOptions {
  dryRun?: boolean;
  includeUnmanaged?: string;
  perTarget?: boolean;
}

/** `pull`: live changes written back into the config files. */
export async function pullCommand(run: CliRun, configPaths: string[], opts: PullCliOptions): Promise<void> {
  const { io } = run;
  const { withSessions } = await import('./runtime.js');
  const { pullTargets } = await import('../engine/pull/index.js');
  // Every resource is described afresh: a console edit may not move the stamps the cache trusts.
  const result = await withSessions(run, configPaths, { ...opts, refresh: true }, (sessions) => {
    // What a pull killed mid-write left beside the config: removed, never read.
    if (!opts.dryRun)
      removeStaleTempFiles([
        ...sessions[0].config.files.map((f) => dirname(f)),
        ...(opts.includeUnmanaged ? [dirname(opts.includeUnmanaged)] : []),
      ]);
    return pullTargets(sessions, {
      ...(opts.includeUnmanaged ? { includeUnmanaged: opts.includeUnmanaged } : {}),
      ...(opts.perTarget ? { perTarget: true } : {}),
      renderNewFile: (exported) => renderDocument(exported, { schemaRef: DEFAULT_SCHEMA_REF }),
    });
  });
  const diffs = result.files.map((f) => ({
    file: shownPath(f.file),
    diff: unifiedDiff(shownPath(f.file), f.before, f.after),
  }));
  if (!opts.dryRun) writeAllOrNothing(result.files);
  const render = opts.format === 'json' ? renderJson : opts.format === 'markdown' ? renderMarkdown : renderText;
  io.stdout.write(render(result, diffs, Boolean(opts.dryRun), Boolean(opts.includeUnmanaged)));
}

/** A path as a patch names it: relative to the working directory when the file is under it. */
function shownPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : file.replace(/^\/+/, '');
}

type Diffs = { file: string; diff: string }[];

function unmanagedCount(result: PullResult): number {
  return result.unmanaged.reduce((n, k) => n + k.items.length, 0);
}

function unmanagedNote(result: PullResult, included: boolean): string | undefined {
  const n = unmanagedCount(result);
  if (!n || included) return undefined;
  const what = result.unmanaged
    .filter((k) => k.items.length)
    .map((k) => `${k.items.length} ${k.configKey}`)
    .join(', ');
  return `${what} live but not declared: not added (pass --include-unmanaged FILE to add them)`;
}

function titleOf(kind: string): string {
  return kindByName(kind)?.title ?? kind;
}

function renderText(result: PullResult, diffs: Diffs, dryRun: boolean, included: boolean): string {
  const out: string[] = [];
  for (const d of diffs) out.push(...d.diff.replace(/\n$/, '').split('\n').map(escapeTerminal));
  for (const target of result.targets) {
    const pulled = result.pulled.filter((p) => p.target === target);
    if (!pulled.length) continue;
    out.push('', `Pulled from target ${escapeTerminal(target)}:`);
    for (const p of pulled)
      out.push(
        `  ${escapeTerminal(`${titleOf(p.kind)} "${p.name}"`)}: ${escapeTerminal(p.paths.join(', '))} (${escapeTerminal(attributionText(p.attribution))})`,
      );
  }
  if (result.reports.length) {
    out.push('', 'Not written (the next plan still shows these):');
    for (const r of result.reports)
      out.push(
        `  ${escapeTerminal(formatPos(r.pos))}: ${escapeTerminal(r.resource)}${r.path ? ` ${escapeTerminal(r.path)}` : ''} ${escapeTerminal(r.message)}${targetNote(result, r)}`,
      );
  }
  const note = unmanagedNote(result, included);
  if (note) out.push('', `note: ${escapeTerminal(note)}`);
  out.push('', summaryLine(result, dryRun));
  return `${out.join('\n').replace(/^\n/, '')}\n`;
}

/** ` (in prod)`: which target a report is about, when the pull read several. */
function targetNote(result: PullResult, r: PullResult['reports'][number]): string {
  return result.targets.length > 1 && r.target ? ` (in ${escapeTerminal(r.target)})` : '';
}

function summaryLine(result: PullResult, dryRun: boolean): string {
  const files = result.files.length;
  if (!files)
    return `No change to write: the config already describes ${result.targets.length > 1 ? 'targets' : 'target'} ${escapeTerminal(result.targets.join(', '))}${result.reports.length ? ' (except what is listed above)' : ''}.`;
  return dryRun ? `Dry run: ${files} file(s) would change; nothing was written.` : `Wrote ${files} file(s).`;
}

function renderMarkdown(result: PullResult, diffs: Diffs, dryRun: boolean, included: boolean): string {
  const out: string[] = [
    `### connectform pull: ${result.targets.length > 1 ? 'targets' : 'target'} ${result.targets.map((t) => markdownCode(t)).join(', ')}`,
    '',
  ];
  if (result.pulled.length) {
    out.push('Live changes written back into the config:', '');
    for (const p of result.pulled)
      out.push(
        `- ${result.targets.length > 1 ? `${markdownCode(p.target)} ` : ''}${escapeMarkdownInline(`${titleOf(p.kind)} "${p.name}"`)}: ${p.paths.map(markdownCode).join(', ')} (${escapeMarkdownInline(attributionText(p.attribution))})`,
      );
    out.push('');
  }
  if (result.reports.length) {
    out.push('Not written (the next plan still shows these):', '');
    for (const r of result.reports)
      out.push(
        `- ${markdownCode(formatPos(r.pos))}: ${escapeMarkdownInline(r.resource)}${r.path ? ` ${markdownCode(r.path)}` : ''} ${escapeMarkdownInline(r.message)}${escapeMarkdownInline(targetNote(result, r))}`,
      );
    out.push('');
  }
  const note = unmanagedNote(result, included);
  if (note) out.push(`Note: ${escapeMarkdownInline(note)}`, '');
  for (const d of diffs) {
    // A fence longer than any backtick run inside: the diff cannot close it early.
    const fence = '`'.repeat(Math.max(3, ...[...d.diff.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    out.push(
      `**${markdownCode(d.file)}**`,
      '',
      `${fence}diff`,
      escapeTerminalKeepLines(d.diff).replace(/\n$/, ''),
      fence,
      '',
    );
  }
  out.push(summaryLine(result, dryRun));
  return `${out.join('\n')}\n`;
}

function escapeTerminalKeepLines(text: string): string {
  return text.split('\n').map(escapeTerminal).join('\n');
}

function renderJson(result: PullResult, diffs: Diffs, dryRun: boolean): string {
  const doc = {
    target: result.targets.length === 1 ? result.targets[0] : undefined,
    targets: result.targets,
    dryRun,
    files: diffs,
    pulled: result.pulled,
    notWritten: result.reports.map((r) => ({
      resource: r.resource,
      file: r.pos.file,
      line: r.pos.line,
      col: r.pos.col,
      ...(r.path ? { path: r.path } : {}),
      ...(r.target ? { target: r.target } : {}),
      message: r.message,
    })),
    unmanaged: result.unmanaged.flatMap((k) =>
      k.items.map((item) => ({ kind: k.kind, name: String(kindByName(k.kind)?.key(item) ?? '') })),
    ),
  };
  return `${escapeJsonText(JSON.stringify(doc, null, 2))}\n`;
}
