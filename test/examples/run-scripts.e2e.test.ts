/**
 * Every `run:` script of the example workflows parses in bash (`bash -n`): bash is the judge, so
 * this spawns it (the rest of the workflows' checks run in process: github-actions.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DIR = resolve(import.meta.dirname, '..', '..', 'examples', 'github-actions');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yml'));

interface Workflow {
  jobs: Record<string, { steps?: { name?: string; run?: string }[] }>;
}

/** bash -n on a run: script, with each ${{ expression }} replaced as GitHub would (by text). */
function bashSyntaxError(script: string): string | null {
  const r = spawnSync('bash', ['-n'], {
    input: script.replace(/\$\{\{[^}]*\}\}/g, 'EXPR'),
    encoding: 'utf8',
    timeout: 10_000,
  });
  return r.status === 0 ? null : r.stderr || `bash -n exited ${r.status}`;
}

describe('examples/github-actions run: scripts', () => {
  it.each(FILES)('%s: every run: script parses in bash', (file) => {
    const wf = parse(readFileSync(join(DIR, file), 'utf8')) as Workflow;
    let scripts = 0;
    for (const [id, job] of Object.entries(wf.jobs)) {
      for (const step of job.steps ?? []) {
        if (!step.run) continue;
        scripts++;
        expect(bashSyntaxError(step.run), `${id}: ${step.name ?? step.run.slice(0, 60)}`).toBeNull();
      }
    }
    expect(scripts).toBeGreaterThan(0);
  });

  it('catches a script that does not parse', () => {
    expect(bashSyntaxError('if [ "$code" = 0 ]; then echo')).not.toBeNull();
  });
});
