/**
 * Rule Functions against the sandbox: whatever spacing and key order DescribeRule returns the
 * Function in (AWS may re-serialize it), the plan has no change; export writes the mapping;
 * `settings.ruleFunction.unknownConditions: warn` lets a condition newer than the catalog through.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeRuleCommand, ListRulesCommand, UpdateRuleCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { INSTANCE, planOf, postCallRule, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';
import { exampleFunction } from '../helpers/rule-function.js';
import { clients } from '../sandbox/helpers.js';

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
});
afterAll(async () => sandbox?.stop());

/** The same document, reordered and spaced another way, as a re-serializing service would store it. */
function reserialized(text: string): string {
  const reorder = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(reorder)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .reverse()
              .map(([k, x]) => [k, reorder(x)]),
          )
        : v;
  return JSON.stringify(reorder(JSON.parse(text)), null, 3).replace(/: 40\b/, ': 40.0');
}

describe('rule Functions live', () => {
  it('a Function stored re-serialized (key order, spacing, number spelling) is no change', async () => {
    const dir = tempDir('fn-live-');
    const evaluation = postCallRule('fn-eval', 0, {
      TriggerEventSource: { EventSourceName: 'OnContactEvaluationSubmit' },
      Function: exampleFunction('OnContactEvaluationSubmit', 0), // score 40
    });
    // One rule in the mapping form, one in the string form.
    const asString = postCallRule('fn-string', 0, {
      Function: JSON.stringify(exampleFunction('OnPostCallAnalysisAvailable', 7)),
    });
    writeConfig(dir, { dev: { endpoint: sandbox.endpoint } }, {}, { rules: [evaluation, asString] });
    expect((await run(['apply', dir, '--auto-approve'], { cwd: dir })).code).toBe(0);

    const { connect } = clients(sandbox.endpoint);
    const list = await connect.send(new ListRulesCommand({ InstanceId: INSTANCE, MaxResults: 100 }));
    for (const s of list.RuleSummaryList ?? []) {
      const { Rule: r } = await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId: s.RuleId }));
      // What connectform sent: compact JSON.
      expect(r!.Function).not.toMatch(/\n/);
      await connect.send(
        new UpdateRuleCommand({
          InstanceId: INSTANCE,
          RuleId: s.RuleId,
          Name: r!.Name,
          Function: reserialized(r!.Function!),
          Actions: r!.Actions,
          PublishStatus: r!.PublishStatus,
        }),
      );
    }
    const p = await run(['plan', dir, '--format', 'json', '--refresh'], { cwd: dir });
    expect(p.code, p.stderr).toBe(0);
    expect(planOf(p).changes).toEqual([]);

    // export writes the mapping form.
    const out = tempDir('fn-export-');
    expect((await run(['export', dir, '-t', 'dev', '--out', out], { cwd: dir })).code).toBe(0);
    const exported = readFileSync(join(out, 'rules.yaml'), 'utf8');
    expect(exported).toMatch(
      /Function:\n\s+Version: "?2022-11-25"?\n\s+RuleFunction:\n\s+Operator: AND\n\s+Operands:\n/,
    );
    expect(exported).not.toContain("Function: '{"); // the string-form rule is exported as a mapping too
  });

  it('settings.ruleFunction.unknownConditions: warn lets an unknown ComparisonValue through as a warning', async () => {
    const fn = exampleFunction('OnPostCallAnalysisAvailable');
    fn.RuleFunction.Operands[0].ComparisonValue = '$.ContactLens.PostCall.NewCondition';
    const dir = tempDir('fn-warn-');
    writeConfig(dir, { dev: { endpoint: sandbox.endpoint } }, {}, { rules: [postCallRule('fn-new', fn)] });
    const refused = await run(['validate', dir], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /rules\[0\]\.Function\.RuleFunction\.Operands\[0\]\.ComparisonValue: \$\.ContactLens\.PostCall\.NewCondition is not a documented condition of OnPostCallAnalysisAvailable/,
    );
    writeConfig(
      dir,
      { dev: { endpoint: sandbox.endpoint } },
      { ruleFunction: { unknownConditions: 'warn' } },
      { rules: [postCallRule('fn-new', fn)] },
    );
    const warned = await run(['validate', dir], { cwd: dir });
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stdout + warned.stderr).toMatch(/warning: .*NewCondition.*unknownConditions: warn/);
  });

  it('a config still holding an expression is refused in one line pointing at docs/KINDS.md', async () => {
    const dir = tempDir('fn-old-');
    writeConfig(
      dir,
      { dev: { endpoint: sandbox.endpoint } },
      {},
      { rules: [postCallRule('fn-old', '$.ContactLens.PostCall.Sentiment.Overall.Customer.Score < -2')] },
    );
    const r = await run(['validate', dir], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.includes('error:'));
    expect(lines).toEqual([
      expect.stringMatching(
        /rules\[0\]\.Function: Function is not the Rules Function language AWS documents.*docs\/KINDS\.md/,
      ),
    ]);
  });
});
