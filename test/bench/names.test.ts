/**
 * The bench's "full plan with names" scenario (src/bench/names.ts) at a tiny scale, in process:
 * the generated config names references of every kind, the world's directories are large enough
 * that the list calls page, and the scenario counts one read of every directory, every page of
 * it, and says so when that does not hold. No timing is asserted (docs/PERFORMANCE.md has them).
 */
import { describe, expect, it } from 'vitest';
import { generate, seedWith } from '../../src/bench/generate.js';
import { DIRECTORY_SIZES, expectedLookupCalls, LOOKUP_PAGES } from '../../src/bench/lookups.js';
import { FULL_PLAN_WITH_NAMES, lookupProblems, runNamesScenario } from '../../src/bench/names.js';
import { judge } from '../../src/bench/report.js';
import { isNameRef, namedReferenceKinds } from '../../src/kinds/references.js';
import { tempDir } from '../helpers/cli.js';

const COUNTS = { rules: 16, taskTemplates: 4, customActions: 4 };

describe('full plan with names', () => {
  it('its config names every kind of reference, and writes no id where a name can go', () => {
    const set = generate(COUNTS, 0, { names: true });
    const kinds = new Set([
      ...set.rules.flatMap((r) => namedReferenceKinds('rule', r.config)),
      ...set.taskTemplates.flatMap((t) => namedReferenceKinds('taskTemplate', t.config)),
      ...set.customActions.flatMap((a) => namedReferenceKinds('customAction', a.config)),
    ]);
    expect([...kinds].sort()).toEqual([
      'chatConfiguration',
      'contactFlow',
      'evaluationForm',
      'hierarchyGroup',
      'queue',
      'routingProfile',
      'user',
    ]);
    // The seed holds the ids and ARNs instead (the plain bench's flows by name are unchanged).
    const seeded = JSON.stringify(set.rules.map((r) => r.seed));
    expect(seeded).not.toContain('"name"');
    expect(set.customActions.flatMap((a) => (a.config.ChatConfigurations as unknown[]) ?? []).every(isNameRef)).toBe(
      true,
    );
    expect(generate(COUNTS).customActions[0].config.ChatConfigurations).toEqual([
      expect.stringMatching(/^arn:aws:chatbot:/),
      expect.stringMatching(/^arn:aws:chatbot:/),
    ]);
  });

  it('seeds directories whose lists page at the MaxResults connectform sends', () => {
    const seed = seedWith(undefined, { directories: true });
    const instance = seed.connect.instances[0];
    expect(instance.users).toHaveLength(DIRECTORY_SIZES.user);
    expect(instance.contactFlows).toHaveLength(DIRECTORY_SIZES.contactFlow);
    expect(seed.chatbot.chatConfigurations).toHaveLength(200);
    const calls = expectedLookupCalls();
    expect(Object.keys(calls)).toEqual(Object.keys(LOOKUP_PAGES));
    // More than one page: users (1,000 a page), evaluation forms and Slack channels (100 a page).
    expect(calls).toMatchObject({
      'connect:ListUsers': 3,
      'connect:ListEvaluationForms': 3,
      'chatbot:DescribeSlackChannelConfigurations': 2,
      'connect:ListQueues': 1,
    });
  });

  it('plans to no change, reading each directory once, every page, and is judged as the full plan', async () => {
    const [result] = await runNamesScenario({
      counts: COUNTS,
      quotaScale: 50,
      latencyMs: [0, 1],
      parallelism: 8,
      changePercent: 5,
      randomSeed: 1,
      workDir: tempDir('bench-names-'),
      log: () => {},
    });
    expect(result.name).toBe(FULL_PLAN_WITH_NAMES);
    expect(result.problems).toEqual([]);
    expect(result.plan).toMatchObject({ unchanged: 24, create: 0, update: 0 });
    expect(result.operations['connect:DescribeRule'].calls).toBe(COUNTS.rules);
    expect(Object.fromEntries(result.lookups!.map((l) => [l.api, l.calls]))).toEqual(expectedLookupCalls());
    // The look-ups are the scenario's calls, in the floor's per-API count like every other.
    for (const api of Object.keys(LOOKUP_PAGES)) expect(result.operations[api], api).toBeDefined();
    expect(result.lookupSeconds).toBeGreaterThan(0);
    const target = judge([result], []).find((t) => t.name === FULL_PLAN_WITH_NAMES);
    expect(target).toMatchObject({ target: '≤ 1.10× the quota floor' });
  });

  it('a directory read twice, or not to its end, is a problem of the scenario', () => {
    const row = { entries: 2500, pageSize: 1000, expected: 3, throttled: 0, floorSeconds: 0 };
    expect(
      lookupProblems([
        { api: 'connect:ListUsers', ...row, calls: 6 },
        { api: 'connect:ListQueues', ...row, calls: 2 },
        { api: 'connect:ListRoutingProfiles', ...row, calls: 4, throttled: 1 },
      ]),
    ).toEqual([
      'connect:ListUsers: 6 call(s) answered, expected 3 (one read of 2500 entries, 1000 a page)',
      'connect:ListQueues: 2 call(s) answered, expected 3 (one read of 2500 entries, 1000 a page)',
    ]);
  });
});
