/**
 * Typed errors. Everything user-facing is thrown as one of these. It is caught at the top, in
 * `main()` of src/cli/program.ts, which prints it as one line without a stack trace (unless
 * --debug) and exits with its `exitCode`; commands over several targets (cli/plan.ts) also catch
 * one target's error, report it the same way (cli/report-error.ts) and go on with the others.
 * Exit codes of outcomes that are not errors (changes found, a refused plan, an interrupted
 * apply) are set by the commands.
 */

/** A position in a config file, 1-based like editors show it. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** One validation finding. Errors block plan/apply; warnings are printed and do not. */
export interface Problem {
  severity: 'error' | 'warning';
  message: string;
  pos?: SourcePos;
  /** JSON-pointer-like location inside the document, e.g. `rules[2].Actions[0].ActionType`. */
  path?: string;
  /** What the user should do, when the message alone does not say it. */
  hint?: string;
}

export function formatPos(pos: SourcePos | undefined): string {
  return pos ? `${pos.file}:${pos.line}:${pos.col}` : '<config>';
}

export function formatProblem(p: Problem): string {
  const where = formatPos(p.pos);
  const hint = p.hint ? ` (${p.hint})` : '';
  return `${where}: ${p.severity}: ${p.message}${hint}`;
}

export class ConnectformError extends Error {
  /** Process exit code for this failure. */
  readonly exitCode: number = 1;
  override name = 'ConnectformError';
}

/** The config (or the command line) is wrong; carries every problem at once. */
export class ConfigError extends ConnectformError {
  override name = 'ConfigError';
  constructor(readonly problems: Problem[]) {
    super(
      problems
        .filter((p) => p.severity === 'error')
        .map(formatProblem)
        .join('\n'),
    );
  }
}

/** The user asked for something that cannot be done as asked (bad flag, unknown target, ...). */
export class UsageError extends ConnectformError {
  override name = 'UsageError';
}

/** A safety rail refused the plan (preventDestroy, destroy threshold, stale saved plan). */
export class SafetyError extends ConnectformError {
  override name = 'SafetyError';
  constructor(
    message: string,
    readonly reasons: string[] = [],
  ) {
    super(message);
  }
}

/** An AWS call failed in a way retries did not fix. */
export class RemoteError extends ConnectformError {
  override name = 'RemoteError';
  constructor(
    message: string,
    readonly operation: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** An apply finished with at least one failed change (the report says which). */
export class ApplyFailedError extends ConnectformError {
  override name = 'ApplyFailedError';
}
