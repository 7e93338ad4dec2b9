/**
 * The markdown renderer against a golden file: the same plan as the text golden (./full-plan.ts),
 * as a pull-request comment. Rewrite it after an intended change with
 *   UPDATE_GOLDEN=1 npx vitest run test/render/markdown-golden.test.ts
 * and read its diff (and its rendering on GitHub) before committing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MarkdownRenderer } from '../../src/render/markdown.js';
import { busyPlan, quietPlan } from './full-plan.js';

const GOLDEN = join(import.meta.dirname, 'golden', 'plan.md');
/** The same plans as `drift` shows them: each row the change made outside connectform. */
const DRIFT_GOLDEN = join(import.meta.dirname, 'golden', 'drift.md');

describe('markdown renderer', () => {
  it('renders every kind of change as the golden file shows', () => {
    const md = new MarkdownRenderer('plan').plan([busyPlan, quietPlan]);
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, md);
    expect(md).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('renders drift the way it happened (configured → live) as the drift golden file shows', () => {
    const drift = new MarkdownRenderer('drift').plan([busyPlan, quietPlan]);
    if (process.env.UPDATE_GOLDEN) writeFileSync(DRIFT_GOLDEN, drift);
    expect(drift).toBe(readFileSync(DRIFT_GOLDEN, 'utf8'));
  });
});
