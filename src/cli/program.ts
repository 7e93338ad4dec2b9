/**
 * The program and the one place errors become exit codes:
 *   0 success · 1 error (config, usage, AWS, refused) · 2 changes/drift with --detailed-exitcode.
 * A user sees one line per problem; the stack only with --debug.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError, ConnectformError } from '../errors.js';
import { formatProblems } from '../config/annotations.js';
import { escapeTerminalLines } from '../render/escape.js';
import { processIO, type CliIO, type CliRun } from './io.js';
import { registerPlanCommands } from './plan.js';
import { registerValidateCommand } from './validate.js';
import { registerSandboxCommand } from './sandbox.js';
import { registerExportCommand } from './export.js';

export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

export function buildProgram(run: CliRun): Command {
  const { io } = run;
  const program = new Command('connectform')
    .description('Contact-center configuration as code: plan and apply Amazon Connect rules, task templates, Chatbot custom actions and Lex V1 channel associations.')
    .option('--debug', 'print stack traces and per-API call counts')
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .showHelpAfterError('(run connectform --help for usage)')
    .exitOverride();
  registerValidateCommand(program, run);
  registerPlanCommands(program, run);
  registerSandboxCommand(program, run);
  registerExportCommand(program, run);
  return program;
}

/** Run the program on `argv` with `io` (the real process by default); resolves to the exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const run: CliRun = { io, exitCode: EXIT.ok };
  const program = buildProgram(run);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return run.exitCode;
  } catch (err) {
    return reportError(err, argv.includes('--debug'), io);
  }
}

function reportError(err: unknown, debug: boolean, io: CliIO): number {
  if (err instanceof CommanderError) {
    // commander already printed its message; --help and --version end here with code 0
    return err.exitCode === 0 ? EXIT.ok : EXIT.error;
  }
  if (err instanceof ConfigError) {
    io.stderr.write(formatProblems(err.problems, io.env));
  } else if (err instanceof ConnectformError) {
    io.stderr.write(`Error: ${escapeTerminalLines(err.message)}\n`);
  } else {
    const e = err as Error;
    io.stderr.write(`Error: ${escapeTerminalLines(e?.message ?? String(err))}${debug ? '' : ' (run with --debug for details)'}\n`);
  }
  if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return err instanceof ConnectformError ? err.exitCode : EXIT.error;
}
