/**
 * The program and the one place errors become exit codes:
 *   0 success · 1 error (config, usage, AWS, refused) · 2 changes/drift with --detailed-exitcode.
 * A user sees one line per problem; the stack only with --debug.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError, ConnectformError } from '../errors.js';
import { formatProblems } from '../config/annotations.js';
import { registerPlanCommands } from './plan.js';
import { registerValidateCommand } from './validate.js';
import { registerSandboxCommand } from './sandbox.js';
import { registerExportCommand } from './export.js';

export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

export function buildProgram(): Command {
  const program = new Command('connectform')
    .description('Contact-center configuration as code: plan and apply Amazon Connect rules, task templates, Chatbot custom actions and Lex V1 channel associations.')
    .option('--debug', 'print stack traces and per-API call counts')
    .showHelpAfterError('(run connectform --help for usage)')
    .exitOverride();
  registerValidateCommand(program);
  registerPlanCommands(program);
  registerSandboxCommand(program);
  registerExportCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    return reportError(err, argv.includes('--debug'));
  }
}

function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    // commander already printed its message; --help and --version end here with code 0
    return err.exitCode === 0 ? EXIT.ok : EXIT.error;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(formatProblems(err.problems, process.env));
  } else if (err instanceof ConnectformError) {
    process.stderr.write(`Error: ${err.message}\n`);
  } else {
    const e = err as Error;
    process.stderr.write(`Error: ${e?.message ?? String(err)}${debug ? '' : ' (run with --debug for details)'}\n`);
  }
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return err instanceof ConnectformError ? err.exitCode : EXIT.error;
}

