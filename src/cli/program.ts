/**
 * The program, and the one place an error that ends a command is caught: `main()` prints it (one
 * line per problem, the stack only with --debug; report-error.ts) and returns its exit code.
 * Exit codes are one table, src/exit-codes.ts: 0 ok · 1 error · 2 changes/drift and 3 blocked
 * with plan --detailed-exitcode · 130 interrupted.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { exitCodeOf, formatError } from './report-error.js';
import { processIO, scrubbedIO, type CliIO, type CliRun } from './io.js';
import { Redactor } from '../sensitive.js';
import { registerPlanCommands } from './plan.js';
import { registerValidateCommand } from './validate.js';
import { registerSandboxCommand } from './sandbox.js';
import { registerExportCommand } from './export.js';
import { registerTargetsCommand } from './targets.js';
import { registerPullCommand } from './pull.js';

export function buildProgram(run: CliRun): Command {
  const { io } = run;
  const program = new Command('connectform')
    .description(
      'Contact-center configuration as code: plan and apply Amazon Connect rules, task templates, Chatbot custom actions and Lex V1 channel associations.',
    )
    .version(packageVersion(), '-V, --version', 'print the version of connectform')
    .option('--debug', 'print stack traces and per-API call counts')
    .option('--no-color', 'never colour the output (also NO_COLOR=1)')
    .hook('preAction', (_program, command) => {
      if (command.optsWithGlobals().color === false) run.noColor = true;
    })
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .showHelpAfterError('(run connectform --help for usage)')
    .exitOverride();
  registerValidateCommand(program, run);
  registerPlanCommands(program, run);
  registerSandboxCommand(program, run);
  registerExportCommand(program, run);
  registerTargetsCommand(program, run);
  registerPullCommand(program, run);
  return program;
}

/** package.json sits two levels above this file, in the source tree and in dist/ alike. */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Terraform writes `-target=x`; commander would read that as `-t arget=x` and run against a
 * target nobody named. A single-dash word that is one of our long options is refused instead.
 */
function refuseSingleDashLongOptions(program: Command, argv: string[]): void {
  const longNames = new Set<string>();
  const visit = (cmd: Command) => {
    for (const o of cmd.options) if (o.long) longNames.add(o.long.replace(/^--(no-)?/, ''));
    cmd.commands.forEach(visit);
  };
  visit(program);
  for (const arg of argv) {
    if (arg === '--') break;
    const m = /^-([A-Za-z][A-Za-z-]+)(=.*)?$/.exec(arg);
    if (m && longNames.has(m[1]))
      throw new UsageError(`unknown option '${arg}': did you mean '-${arg}'? (long options take two dashes)`);
  }
}

/** Run the program on `argv` with `io` (the real process by default); resolves to the exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const run: CliRun = { io, exitCode: EXIT.ok, redactor: new Redactor() };
  run.io = scrubbedIO(io, () => run.redactor);
  const program = buildProgram(run);
  try {
    refuseSingleDashLongOptions(program, argv);
    await program.parseAsync(argv, { from: 'user' });
    return run.exitCode;
  } catch (err) {
    return reportError(err, argv.includes('--debug'), run.io);
  }
}

function reportError(err: unknown, debug: boolean, io: CliIO): number {
  // commander already printed its message; --help and --version end here with code 0
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.error;
  io.stderr.write(formatError(err, debug, io.env));
  return exitCodeOf(err);
}
