/**
 * What the README promises a newcomer, kept true: it opens with a quick start of at most three
 * commands, it states the test command CI runs (`.ci/run` runs `npm test`), it stays a user guide
 * (the reference lives in docs/), and its Dependencies table justifies every dependency in
 * package.json.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The text of the `## name` section, up to the next `## ` heading. */
function section(name: string): string {
  const start = README.indexOf(`\n## ${name}\n`);
  if (start < 0) return '';
  const next = README.indexOf('\n## ', start + 1);
  return README.slice(start, next < 0 ? undefined : next);
}

describe('README.md', () => {
  it('opens with a quick start: one shell block of at most three commands, install first, tests last', () => {
    const firstSection = README.split('\n').find((l) => l.startsWith('## '));
    expect(firstSection).toBe('## Quick start');
    const block = /```sh\n([\s\S]*?)```/.exec(section('Quick start'))?.[1] ?? '';
    const lines = block.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines[0]).toMatch(/^npm (ci|install)\b/);
    expect(lines.at(-1)).toBe('npm test');
  });

  it('states the test command CI runs, in its Development section', () => {
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm test$/m);
    expect(section('Development')).toMatch(/^npm test\b/m);
  });

  it('justifies every dependency of package.json in its Dependencies section', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const deps = section('Dependencies');
    const named = (name: string) =>
      deps.includes(`\`${name}\``) || (name.startsWith('@types/') && deps.includes('`@types/*`'));
    const missing = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)].filter(
      (name) => !named(name),
    );
    expect(missing).toEqual([]);
  });

  it('stays a user guide: a few hundred lines, with the reference in docs/', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(400);
    for (const page of ['KINDS', 'SANDBOX', 'PERFORMANCE', 'FAULTS', 'PLAN-FORMAT', 'SECURITY', 'ARCHITECTURE']) {
      expect(README, `README should link docs/${page}.md`).toContain(`](docs/${page}.md`);
    }
  });
});
