/**
 * onlyTargets / exceptTargets, checked once per config (issue 21): which targets see an item, and
 * a bound on the problems a list of many wrong names makes.
 */
import { describe, expect, it } from 'vitest';
import { MAX_COLLECTED_PROBLEMS } from '../../src/config/bounds.js';
import { appliesTo, selectionOf, selectionProblems } from '../../src/config/target-selection.js';

const at = { file: 'r.yaml', line: 1, col: 1 };
const item = (keys: object) => ({
  label: 'rules[0]',
  pos: at,
  positionOf: () => at,
  keyPositionOf: () => at,
  ...keys,
});

describe('target selection', () => {
  it('onlyTargets names the targets that see an item, exceptTargets those that do not', () => {
    const only = selectionOf(item({ onlyTargets: ['staging', 'prod'] }));
    expect(['dev', 'staging', 'prod'].filter((t) => appliesTo(only, t))).toEqual(['staging', 'prod']);
    const except = selectionOf(item({ exceptTargets: ['dev'] }));
    expect(['dev', 'staging', 'prod'].filter((t) => appliesTo(except, t))).toEqual(['staging', 'prod']);
    // A malformed key was reported; the item then goes everywhere, so its other problems show.
    expect(appliesTo(selectionOf(item({ onlyTargets: 'prod' })), 'dev')).toBe(true);
  });

  it('a variable in a target name is explained', () => {
    const [p] = selectionProblems([item({ onlyTargets: ['${var.env}'] })], ['dev', 'prod']);
    expect(p.message).toBe("rules[0].onlyTargets[0]: unknown target '${var.env}'");
    expect(p.hint).toMatch(/written literally/);
  });

  it('many wrong names: the problems are bounded, the rest counted', () => {
    const names = Array.from({ length: MAX_COLLECTED_PROBLEMS + 5 }, (_, i) => `t${i}`);
    const problems = selectionProblems([item({ exceptTargets: names })], ['dev']);
    expect(problems).toHaveLength(MAX_COLLECTED_PROBLEMS + 1);
    expect(problems.at(-1)!.message).toBe(
      'rules[0]: 5 more onlyTargets/exceptTargets problems from here on are not listed',
    );
  });
});
