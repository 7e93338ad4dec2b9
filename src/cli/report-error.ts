/**
 * How an error reads on stderr: one escaped line per problem (positions for config problems),
 * the stack only with --debug. Used by the top-level catch and by multi-target commands, which
 * report one target's error and go on with the others. It reads the error's fields (a
 * RemoteError's `target`), never its message's wording.
 */
import { ConfigError, ConnectformError, RemoteError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { formatProblems } from '../config/annotations.js';
import { escapeTerminalLines } from '../render/escape.js';

/** `prefix` names the target when several run (`target prod: `). */
export function formatError(err: unknown, debug: boolean, env: NodeJS.ProcessEnv, prefix = ''): string {
  let out: string;
  if (err instanceof ConfigError) {
    out = formatProblems(err.problems, env);
    if (prefix) out = out.replace(/^(?!$)/gm, prefix);
  } else if (err instanceof ConnectformError) {
    // An AWS failure names its own target (`target prod: ...`): say it once.
    const named = err instanceof RemoteError && err.target !== undefined;
    out = `Error: ${named ? '' : prefix}${escapeTerminalLines(err.message)}\n`;
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
