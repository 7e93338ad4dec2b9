/**
 * The text renderer against a golden file: the plan of ./full-plan.ts (every kind, every action,
 * inserts, moves, renames, replaces, long multi-line changes), then a target with no changes;
 * rendered without colour. Rewrite the golden after an intended change with
 *   UPDATE_GOLDEN=1 npx vitest run test/render/text-golden.test.ts
 * and read its diff before committing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TextRenderer } from '../../src/render/text.js';
import { busyPlan, quietPlan } from './full-plan.js';

const GOLDEN = join(import.meta.dirname, 'golden', 'plan.txt');
/** The same plans as `drift` shows them: each row the change made outside connectform. */
const DRIFT_GOLDEN = join(import.meta.dirname, 'golden', 'drift.txt');

describe('text renderer', () => {
  it('renders every kind of change as the golden file shows', () => {
    const text = new TextRenderer(false).plan([busyPlan, quietPlan]);
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('renders drift the way it happened (configured → live) as the drift golden file shows', () => {
    const drift = new TextRenderer(false, 'drift').plan([busyPlan, quietPlan]);
    if (process.env.UPDATE_GOLDEN) writeFileSync(DRIFT_GOLDEN, drift);
    expect(drift).toBe(readFileSync(DRIFT_GOLDEN, 'utf8'));
  });

  it('with colour, the same text once the escape codes are removed', () => {
    const coloured = new TextRenderer(true).plan([busyPlan, quietPlan]);
    const plain = coloured.replace(/\x1b\[[0-9;]*m/g, '');
    expect(coloured).not.toBe(plain);
    expect(plain).toBe(new TextRenderer(false).plan([busyPlan, quietPlan]));
  });
});
