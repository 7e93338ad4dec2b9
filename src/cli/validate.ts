/** `validate`: every problem of the config at once, with positions; no AWS call. */
import type { Command } from 'commander';
import { dedupeProblems, formatProblems } from '../config/annotations.js';
import { listTargets, loadConfig, validateFor } from '../config/index.js';
import { ConfigError, type Problem } from '../errors.js';
import type { CliRun } from './io.js';
import {
  ALLOW_ENDPOINT_OPTION,
  PUBLIC_ENV_OPTION,
  TARGET_OPTION,
  VAR_FILE_OPTION,
  VAR_OPTION,
  chooseTargets,
  resolveOptions,
} from './options.js';
import { Redactor } from '../sensitive.js';

export function registerValidateCommand(program: Command, run: CliRun): void {
  const { io } = run;
  program
    .command('validate')
    .description('check the config against the API schemas and rules (offline)')
    .argument('<config...>', 'config file(s) or directory')
    .option(...TARGET_OPTION)
    .option(...ALLOW_ENDPOINT_OPTION)
    .option(...VAR_OPTION)
    .option(...VAR_FILE_OPTION)
    .option(...PUBLIC_ENV_OPTION)
    .action(
      async (
        configPaths: string[],
        opts: { target?: string[]; allowEndpoint?: string[]; var?: string[]; varFile?: string[]; publicEnv?: string[] },
      ) => {
        const config = await loadConfig(configPaths);
        // Default: every target (validation is offline and cheap).
        const names = opts.target?.length ? chooseTargets(config, opts.target) : listTargets(config);
        const trust = resolveOptions(opts, io.env, config);
        const problems: Problem[] = [];
        let resources = 0;
        for (const name of names.length ? names : [undefined]) {
          try {
            const r = validateFor(config, name, io.env, trust);
            run.redactor = Redactor.merge(run.redactor, r.redactor);
            for (const w of r.warnings) problems.push(w); // a spread of 100k arguments overflows the stack
            resources = Math.max(resources, r.resources.length);
          } catch (err) {
            if (!(err instanceof ConfigError)) throw err;
            for (const e of err.problems) problems.push(e);
          }
        }
        // The same problem found for several targets is reported once.
        const unique = dedupeProblems(problems);
        if (unique.some((p) => p.severity === 'error')) throw new ConfigError(unique);
        if (unique.length) io.stderr.write(formatProblems(unique, io.env));
        io.stdout.write(`Config is valid: ${resources} resource(s), ${names.length} target(s).\n`);
      },
    );
}
