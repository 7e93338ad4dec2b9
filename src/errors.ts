/**
 * Typed errors. Everything user-facing is thrown as one of these, made once where the failure is
 * known (an AWS failure in AwsClients.call, which names the target, the API and the resource) and
 * never re-wrapped on the way up. It is caught once: in `main()` of src/cli/program.ts, or, for
 * a command over several targets, where that command reports one target's failure and goes on
 * (src/cli/plan.ts); both print it with src/cli/report-error.ts, from its fields, without a
 * stack trace (unless --debug). The exit code of each is in the one table, src/exit-codes.ts.
 */
import { EXIT } from './exit-codes.js';

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
  readonly exitCode: number = EXIT.error;
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

/** Where a remote failure happened: what the one line names. */
export interface RemoteWhere {
  /** The API, as `service:Operation` ('connect:CreateRule'). */
  api: string;
  /** The target whose call failed; absent for a client made outside any target. */
  target?: string;
  /** What the call was about, as a user names it (`rule "r"`, `instance 1234…`). */
  resource?: string;
}

/**
 * An AWS call failed in a way retries did not fix. Made once (AwsClients.call, the credential
 * providers); its message is the whole line: `target T: API failed for R: what AWS said; what to
 * do`. The parts are fields, so a reporter never parses the message.
 */
export class RemoteError extends ConnectformError {
  override name = 'RemoteError';
  readonly api: string;
  readonly target?: string;
  readonly resource?: string;
  constructor(
    where: RemoteWhere,
    /** What went wrong and, where known, what to do; the message without where. */
    readonly detail: string,
    override readonly cause?: unknown,
  ) {
    super(remoteMessage(where, detail));
    this.api = where.api;
    if (where.target !== undefined) this.target = where.target;
    if (where.resource !== undefined) this.resource = where.resource;
  }

  get where(): RemoteWhere {
    return { api: this.api, target: this.target, resource: this.resource };
  }

  /** The same failure told of `resource` (what a kind knows after the call, e.g. "created as 12, not tagged"). */
  about(resource: string): RemoteError {
    return new RemoteError({ ...this.where, resource }, this.detail, this.cause);
  }
}

/**
 * An error's line where the output already names the target (a target's apply report): a
 * RemoteError without its `target T: `, any other error as its message.
 */
export function messageWithinTarget(err: unknown): string {
  if (err instanceof RemoteError) return remoteMessage({ ...err.where, target: undefined }, err.detail);
  return err instanceof Error ? err.message : String(err);
}

function remoteMessage({ api, target, resource }: RemoteWhere, detail: string): string {
  return `${target !== undefined ? `target ${target}: ` : ''}${api} failed${resource ? ` for ${resource}` : ''}: ${detail}`;
}

/** An apply finished with at least one failed change (the report says which). */
export class ApplyFailedError extends ConnectformError {
  override name = 'ApplyFailedError';
}
