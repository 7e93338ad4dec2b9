/**
 * docs/KINDS.md is enough to write a valid rule: every `rules:` example in it passes the rule
 * kind's checks as it is (no error, no warning), so a user copying one succeeds first try.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResources } from '../../src/config/validate.js';
import { ruleKind } from '../../src/kinds/rule.js';
import { declareYaml } from '../helpers/declare.js';

const KINDS = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'KINDS.md'), 'utf8');
const ruleBlocks = [...KINDS.matchAll(/```yaml\n(rules:\n[\s\S]*?)```/g)].map((m) => m[1]);

describe('docs/KINDS.md rule examples', () => {
  it('has rule examples for the documented sources the examples use', () => {
    const sources = ruleBlocks.join('\n');
    for (const source of [
      'OnPostCallAnalysisAvailable',
      'OnRealTimeCallAnalysisAvailable',
      'OnPostChatAnalysisAvailable',
      'OnContactEvaluationSubmit',
      'OnZendeskTicketCreate',
      'OnCaseCreate',
    ])
      expect(sources).toContain(`EventSourceName: ${source}`);
  });

  it.each(ruleBlocks.map((b, i) => [i, b]))('block %i validates with no problem', (_, block) => {
    const all = declareYaml('rule', block as string, 'rules');
    // The schema and the audit, as `validate` runs them.
    const problems = validateResources(all, [ruleKind]).map((p) => `${p.severity} ${p.path}: ${p.message}`);
    expect(problems).toEqual([]);
  });
});
