/**
 * Problems for humans: one line each (`file:line:col: error: message (hint)`), sorted, with a
 * count line; on GitHub Actions also as workflow commands so they show up on the PR's diff.
 * Also the small helpers every message-building module shares (paths, "did you mean").
 */
import { isAbsolute, relative, sep } from 'node:path';
import { nearest } from '../edit-distance.js';
import { formatProblem, type Problem } from '../errors.js';
import { escapeTerminal, escapeTerminalLines, escapeWorkflowData, escapeWorkflowProperty } from '../render/escape.js';
import { uniqueBy } from '../util/unique.js';

/** Lives with the edit distance (the kinds use it too and must not import the config layer). */
export { nearest };
import { MAX_SHOWN_PROBLEMS } from './bounds.js';

// ---------------------------------------------------------------------------------------------
// Paths and suggestions

/** Every problem's path is built by src/problem-path.ts (the kinds use it too). */
export { formatPath, joinPath } from '../problem-path.js';

/** `; did you mean 'X'?` or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = nearest(word, candidates);
  return near === undefined ? '' : `; did you mean '${near}'?`;
}

// ---------------------------------------------------------------------------------------------
// Sorting and text output

/** By file, line, column (problems without a position first); otherwise in the order found. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const pa = a.p.pos;
      const pb = b.p.pos;
      if (!pa || !pb) return (pa ? 1 : 0) - (pb ? 1 : 0) || a.i - b.i;
      if (pa.file !== pb.file) return pa.file < pb.file ? -1 : 1;
      return pa.line - pb.line || pa.col - pb.col || a.i - b.i;
    })
    .map(({ p }) => p);
}

/** The same finding reported twice (e.g. once per target) is shown once. */
export function dedupeProblems(problems: readonly Problem[]): Problem[] {
  return uniqueBy(problems, (p) => `${p.severity}\0${p.pos?.file}\0${p.pos?.line}\0${p.pos?.col}\0${p.message}`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `2 errors, 1 warning` (or `no problems`). */
export function countLine(problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (!problems.length) return 'no problems';
  return [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : '']
    .filter(Boolean)
    .join(', ');
}

/** `… and 3 more problems`, after the first MAX_SHOWN_PROBLEMS; nothing when all were shown. */
export function moreLine(total: number): string | undefined {
  const more = total - MAX_SHOWN_PROBLEMS;
  return more > 0 ? `… and ${more} more problem${more === 1 ? '' : 's'}` : undefined;
}

/**
 * The first MAX_SHOWN_PROBLEMS problems on a line each, sorted and de-duplicated, then
 * `… and N more problems` and the count line (of them all); followed by as many GitHub workflow
 * commands when `env.GITHUB_ACTIONS` is set. Ends with a newline. File names, messages and hints
 * quote the user's config, so each line is escaped (src/render/escape.ts).
 */
export function formatProblems(problems: readonly Problem[], env: NodeJS.ProcessEnv): string {
  const sorted = sortProblems(dedupeProblems(problems));
  const lines = sorted.slice(0, MAX_SHOWN_PROBLEMS).map((p) => escapeTerminal(formatProblem(p)));
  const more = moreLine(sorted.length);
  if (more) lines.push(more);
  lines.push(countLine(sorted));
  if (env.GITHUB_ACTIONS) lines.push(...githubAnnotations(sorted, env.GITHUB_WORKSPACE));
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions workflow commands

/** Annotations need repository-relative paths; a path outside the workspace is left as is. */
function workspacePath(file: string, workspace: string | undefined): string {
  let out = file;
  if (workspace && isAbsolute(file)) {
    const rel = relative(workspace, file);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) out = rel;
  }
  return sep === '\\' ? out.split(sep).join('/') : out;
}

/**
 * `::error file=F,line=L,col=C::message (hint)` for one problem. The text is made terminal-safe
 * first (a line break stays one, encoded as %0A: GitHub shows multi-line annotations), then
 * encoded as GitHub's toolkit does, so nothing in it can end the command or start another.
 */
export function githubAnnotation(p: Problem, workspace?: string): string {
  const command = p.severity === 'error' ? 'error' : 'warning';
  const props = p.pos
    ? ` file=${escapeWorkflowProperty(escapeTerminal(workspacePath(p.pos.file, workspace)))},line=${p.pos.line},col=${p.pos.col}`
    : '';
  const text = p.hint ? `${p.message} (${p.hint})` : p.message;
  return `::${command}${props}::${escapeWorkflowData(escapeTerminalLines(text))}`;
}

/**
 * The first MAX_SHOWN_PROBLEMS as annotations, then a `::notice::` with the `… and N more` line,
 * so the run says some are hidden. (GitHub shows even fewer: 10 errors, 10 warnings and 10
 * notices per step, 50 per job; actions/toolkit docs/problem-matchers.md, "Limitations".)
 */
export function githubAnnotations(problems: readonly Problem[], workspace?: string): string[] {
  const sorted = sortProblems(problems);
  const out = sorted.slice(0, MAX_SHOWN_PROBLEMS).map((p) => githubAnnotation(p, workspace));
  const more = moreLine(sorted.length);
  if (more) out.push(`::notice::${escapeWorkflowData(more)}`);
  return out;
}
