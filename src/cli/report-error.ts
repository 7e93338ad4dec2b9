/**
 * How an error reads on stderr: one escaped line per problem (positions for config problems),
 * the stack only with --debug. Used by the top-level catch and by multi-target commands, which
 * report one target's error and go on with the others. It reads the error's fields (a
 * RemoteError's `target`), never its message's wording.
 */
import { ConfigError, ConnectformError, RemoteError, messageWithinTarget } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { formatProblems } from '../config/annotations.js';
import { escapeTerminalLines } from '../render/escape.js';

/** What the output around an error already says: the target (several run), the change (apply --debug). */
export interface ErrorContext {
  target?: string;
  /** `create rule "r"`: the change of a target's apply report the error belongs to. */
  change?: string;
}

export function formatError(err: unknown, debug: boolean, env: NodeJS.ProcessEnv, where: ErrorContext = {}): string {
  // An AWS failure names its own target (`target prod: ...`): said once.
  const named = err instanceof RemoteError && err.target !== undefined;
  const target = where.target !== undefined && !named ? `target ${where.target}: ` : '';
  const prefix = `${where.change ? `${where.change}: ` : ''}${target}`;
  let out: string;
  if (err instanceof ConfigError) {
    out = formatProblems(err.problems, env);
    if (prefix) out = out.replace(/^(?!$)/gm, prefix);
  } else if (err instanceof ConnectformError) {
    // Under a change of a target's report, the target goes without saying.
    const message = where.change ? messageWithinTarget(err) : err.message;
    out = `Error: ${prefix}${escapeTerminalLines(message)}\n`;
  } else {
    const e = err as Error;
    out = `Error: ${prefix}${escapeTerminalLines(e?.message ?? String(err))}${debug ? '' : ' (run with --debug for details)'}\n`;
  }
  // --debug: the stack of the error and of every cause under it (the SDK's own error last).
  for (let e: unknown = err, depth = 0; debug && e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.stack) out += `${depth ? 'Caused by: ' : ''}${e.stack}\n`;
  }
  return out;
}

export function exitCodeOf(err: unknown): number {
  return err instanceof ConnectformError ? err.exitCode : EXIT.error;
}
