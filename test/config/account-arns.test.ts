/**
 * ARNs of another account than the target's (issue 21): found anywhere in a resolved body, by
 * shape; tags are free text; an ARN from a sensitive variable is refused without being quoted.
 */
import { describe, expect, it } from 'vitest';
import { accountArnProblems } from '../../src/config/account-arns.js';
import type { DeclaredResource } from '../../src/kinds/types.js';

const at = { file: 'r.yaml', line: 1, col: 1 };
const resource = (body: DeclaredResource['body'], extra: Partial<DeclaredResource> = {}): DeclaredResource => ({
  kind: 'taskTemplate',
  body,
  lifecycle: {},
  label: 'taskTemplates[0]',
  pos: at,
  positionOf: (p) => ({ ...at, line: p.length + 1 }),
  ...extra,
});
const prod = { target: 'prod', account: '444444444444', source: 'its accountId' };

describe('accountArnProblems', () => {
  it('finds ARNs of another account at any depth, and only those', () => {
    const body = {
      Name: 'arn-like-name',
      ContactFlowId: 'arn:aws:connect:us-east-2:123456789012:instance/i/contact-flow/f',
      Nested: { List: ['x', 'arn:aws:iam::123456789012:role/r', 'arn:aws:iam::444444444444:role/mine'] },
      NotAnArn: 'arn:aws:sns:us-east-2:12345:short',
      Tags: { owner: 'arn:aws:iam::999999999999:user/someone' },
    };
    const problems = accountArnProblems([resource(body)], prod);
    expect(problems.map((p) => p.path)).toEqual(['taskTemplates[0].ContactFlowId', 'taskTemplates[0].Nested.List[1]']);
    expect(problems[0].message).toBe(
      'taskTemplates[0].ContactFlowId: the ARN is of account 123456789012, but target prod is account 444444444444 (its accountId); it cannot be right there',
    );
    expect(problems[1].pos).toEqual({ ...at, line: 4 });
  });

  it('an ARN from a sensitive variable is refused without its account', () => {
    const d = resource(
      { ContactFlowId: 'arn:aws:connect:us-east-2:123456789012:instance/i/contact-flow/f' },
      { sensitive: [{ path: ['ContactFlowId'], sources: ['env.FLOW'] }] },
    );
    const [p] = accountArnProblems([d], prod);
    expect(p.message).toContain('the ARN (from a sensitive variable) is of another account');
    expect(p.message).not.toContain('123456789012');
  });
});
