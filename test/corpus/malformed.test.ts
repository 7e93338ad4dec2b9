/**
 * The malformed-config corpus: every file under cases/ (plus the huge, deep and binary ones,
 * generated below rather than committed) goes through what `connectform validate <file>` does
 * (load once, validate every target, format the problems), in this process, one test each with
 * its own time limit. Each must end in a clear positioned error:
 *   - a ConfigError (anything else thrown, such as a RangeError, fails the test);
 *   - no stack trace and no JavaScript error text in the output;
 *   - at least one `file:line:col: error: ...` line, and the one its `# expect:` line names
 *     (`L[:C] /regex/`, or `* /regex/` for any position; `;;` separates several).
 * A config that fails validation never reaches AWS: `plan` validates the same way first.
 * File-level problems (too big, not text, no target at all) have no better place than 1:1;
 * `file:1:1` is accepted for those, and only for those.
 *
 * Where the process is the point (memory, native stack and a time budget of its own on the
 * biggest inputs), the cases run the real CLI in a child: malformed-huge.e2e.test.ts.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblems } from '../../src/config/annotations.js';
import { MAX_SHOWN_PROBLEMS } from '../../src/config/bounds.js';
import { validateFor } from '../../src/config/index.js';
import { loadConfig } from '../../src/config/load.js';
import { listTargets } from '../../src/config/resolve.js';
import { ConfigError, type Problem } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';
import { expectPositioned, fileCases, generatedCases, positionedErrors, TARGET, TARGET_LINES } from './corpus.js';

/** Validation reads no environment here: every case is offline and self-contained. */
const ENV = {};

/**
 * What `connectform validate <file>` does (src/cli/validate.ts), minus the process: load once,
 * validate every target, format every problem. Only a ConfigError is an answer; anything else
 * thrown (a RangeError, a TypeError) fails the test as the crash it would be.
 */
async function validateInProcess(file: string): Promise<string> {
  const problems: Problem[] = [];
  try {
    const config = await loadConfig(file);
    const names = listTargets(config);
    for (const name of names.length ? names : [undefined]) {
      try {
        for (const p of validateFor(config, name, ENV).warnings) problems.push(p);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) problems.push(p);
      }
    }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) problems.push(p);
  }
  return formatProblems(problems, {});
}

describe('malformed configs: a positioned error, no stack trace, no crash', () => {
  const dir = tempDir('corpus-');
  const cases = [...fileCases(), ...generatedCases(dir, 'in-process')];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expectPositioned(c, await validateInProcess(c.file));
  });

  it(`shows the first ${MAX_SHOWN_PROBLEMS} problems, then how many more`, async () => {
    // 300 unknown top-level keys: 300 problems, each on its own line.
    let text = TARGET;
    for (let k = 0; k < 300; k++) text += `unknown${k}: ${k}\n`;
    const file = join(dir, 'problems-300.yaml');
    writeFileSync(file, text);
    const output = await validateInProcess(file);
    const errors = positionedErrors(output, file);
    expect(errors).toHaveLength(MAX_SHOWN_PROBLEMS);
    expect(errors[0]).toMatchObject({
      line: TARGET_LINES + 1,
      col: 1,
      text: expect.stringMatching(/^unknown top-level key 'unknown0' /),
    });
    const last = MAX_SHOWN_PROBLEMS - 1;
    expect(errors.at(-1)).toMatchObject({
      line: TARGET_LINES + 1 + last,
      col: 1,
      text: expect.stringMatching(new RegExp(`^unknown top-level key 'unknown${last}' `)),
    });
    expect(output).toContain(`\n… and ${300 - MAX_SHOWN_PROBLEMS} more problems\n300 errors\n`);
  });
});
