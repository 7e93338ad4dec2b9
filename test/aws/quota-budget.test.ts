/**
 * The account-wide budget's keying: which targets share a bucket. Connect's API quotas hold per
 * account and region, for every instance in it ("The throttling limits are defined for each API
 * separately at the AWS account level, not for the individual Amazon Connect instance",
 * https://docs.aws.amazon.com/connect/latest/APIReference/best-practices-connect-apis.html; "The
 * quotas apply per AWS Region", https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html).
 */
import { describe, expect, it } from 'vitest';
import { QuotaBudget, TargetBudget, accountOfArn } from '../../src/aws/quota-budget.js';

const quota = { ratePerSecond: 2, burst: 5 };
const API = 'connect:DescribeRule';

describe('QuotaBudget keying', () => {
  it('same account and region → the same bucket, whatever the credentials', () => {
    const budget = new QuotaBudget();
    const staging = new TargetBudget(budget, 'profile staging', '111111111111');
    const prod = new TargetBudget(budget, 'profile prod', '111111111111');
    expect(staging.bucket(API, 'us-east-1', quota)).toBe(prod.bucket(API, 'us-east-1', quota));
    // Another API is another quota.
    expect(staging.bucket('connect:ListRules', 'us-east-1', quota)).not.toBe(prod.bucket(API, 'us-east-1', quota));
  });

  it('different accounts → different buckets, even with the same credentials', () => {
    const budget = new QuotaBudget();
    const a = new TargetBudget(budget, 'profile ci', '111111111111');
    const b = new TargetBudget(budget, 'profile ci', '222222222222');
    expect(a.bucket(API, 'us-east-1', quota)).not.toBe(b.bucket(API, 'us-east-1', quota));
  });

  it('the same account in another region → another bucket', () => {
    const budget = new QuotaBudget();
    const t = new TargetBudget(budget, 'profile ci', '111111111111');
    expect(t.bucket(API, 'us-east-1', quota)).not.toBe(t.bucket(API, 'eu-west-2', quota));
  });

  it('unknown account: the same credentials and region count as one account; other credentials do not', () => {
    const budget = new QuotaBudget();
    const one = new TargetBudget(budget, 'profile ci');
    const two = new TargetBudget(budget, 'profile ci');
    const other = new TargetBudget(budget, 'profile sandbox');
    expect(one.bucket(API, 'us-east-1', quota)).toBe(two.bucket(API, 'us-east-1', quota));
    expect(one.bucket(API, 'us-east-1', quota)).not.toBe(other.bucket(API, 'us-east-1', quota));
  });

  it('once STS names the account, a target joins the account bucket of targets that knew it already', () => {
    const budget = new QuotaBudget();
    const known = new TargetBudget(budget, 'role arn:aws:iam::111111111111:role/deploy', '111111111111');
    const learning = new TargetBudget(budget, 'profile ci');
    expect(learning.bucket(API, 'us-east-1', quota)).not.toBe(known.bucket(API, 'us-east-1', quota));
    learning.learnAccount('111111111111');
    expect(learning.bucket(API, 'us-east-1', quota)).toBe(known.bucket(API, 'us-east-1', quota));
  });

  it('a bucket key never holds the credentials in clear', () => {
    const t = new TargetBudget(new QuotaBudget(), 'access key AKIAEXAMPLEEXAMPLE12');
    expect(t.scope('us-east-1')).toMatch(/^credentials:[0-9a-f]{16}\/us-east-1$/);
    expect(t.scope('us-east-1')).not.toContain('AKIA');
  });

  it('accountOfArn reads the account field of an ARN', () => {
    expect(accountOfArn('arn:aws:iam::123456789012:role/deploy')).toBe('123456789012');
    expect(accountOfArn('arn:aws-us-gov:iam::210987654321:role/a/b')).toBe('210987654321');
    expect(accountOfArn('arn:aws:s3:::bucket')).toBeUndefined();
    expect(accountOfArn(undefined)).toBeUndefined();
  });
});
