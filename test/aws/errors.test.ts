/**
 * One error path: every AWS failure leaves as one RemoteError naming the target, the API and what
 * AWS said, with what to do for the failures people hit most; the SDK error stays its cause.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsCallError, isNotFound, remedyFor } from '../../src/aws/clients.js';
import { RemoteError, UsageError, messageWithinTarget } from '../../src/errors.js';
import { formatError } from '../../src/cli/report-error.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { runCliInProcess as run, tempDir } from '../helpers/cli.js';
import { fnString } from '../helpers/rule-function.js';

const sdkError = (name: string, message: string, extra: object = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe('remedies', () => {
  it('say what to do for missing or expired credentials, access denied and a closed port', () => {
    expect(
      remedyFor(
        'connect:ListRules',
        sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      ),
    ).toMatch(/no AWS credentials were found: .*profile or roleArn/);
    expect(
      remedyFor(
        'connect:ListRules',
        sdkError('ExpiredTokenException', 'The security token included in the request is expired'),
      ),
    ).toMatch(/expired: .*aws sso login --profile/);
    expect(
      remedyFor(
        'connect:ListRules',
        sdkError('AccessDeniedException', 'User is not authorized', { $metadata: { httpStatusCode: 403 } }),
      ),
    ).toMatch(/may not call connect:ListRules: allow that IAM action/);
    expect(
      remedyFor(
        'connect:ListRules',
        sdkError('Error', 'connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }),
        '127.0.0.1:1',
      ),
    ).toMatch(/nothing answers at 127\.0\.0\.1:1/);
    expect(remedyFor('connect:ListRules', sdkError('ValidationException', 'bad'))).toBe('');
  });

  it('one error names target, API and resource as fields and in its line; the SDK error is its cause', () => {
    const notFound = sdkError('ResourceNotFoundException', 'Rule not found');
    const call = new AwsCallError({ api: 'connect:DescribeRule', target: 'dev', resource: 'rule "r"' }, notFound);
    expect(call).toBeInstanceOf(RemoteError);
    expect(call.cause).toBe(notFound);
    expect(isNotFound(call)).toBe(true);
    expect([call.target, call.api, call.resource]).toEqual(['dev', 'connect:DescribeRule', 'rule "r"']);
    expect(call.message).toBe(
      'target dev: connect:DescribeRule failed for rule "r": ResourceNotFoundException: Rule not found',
    );
    const told = call.about('rule "r" (created as 12)');
    expect(told.message).toBe(
      'target dev: connect:DescribeRule failed for rule "r" (created as 12): ResourceNotFoundException: Rule not found',
    );
    expect(isNotFound(told)).toBe(true);
  });
});

describe('reporting', () => {
  const failure = new AwsCallError(
    { api: 'connect:CreateRule', target: 'prod', resource: 'rule "r"' },
    sdkError('ValidationException', 'bad'),
  );

  it('reads the target from the error, so a target is named once', () => {
    expect(formatError(failure, false, {}, { target: 'prod' })).toBe(
      'Error: target prod: connect:CreateRule failed for rule "r": ValidationException: bad\n',
    );
    expect(formatError(new UsageError('no'), false, {}, { target: 'prod' })).toBe('Error: target prod: no\n');
  });

  it("under a change of a target's report, the change is named and the target goes without saying", () => {
    expect(messageWithinTarget(failure)).toBe('connect:CreateRule failed for rule "r": ValidationException: bad');
    expect(formatError(failure, false, {}, { change: 'create rule "r"' })).toBe(
      'Error: create rule "r": connect:CreateRule failed for rule "r": ValidationException: bad\n',
    );
  });
});

describe('through the CLI', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false });
  });
  afterAll(async () => sandbox?.stop());

  const config = (endpoint: string, instanceId = '6f1c2a7e-8a39-4f5e-9d0b-3c2e1a4b5c6d') => {
    const dir = tempDir('errors-');
    writeFileSync(
      join(dir, 'connectform.yaml'),
      `targets:\n  dev:\n    region: us-east-2\n    instanceId: ${instanceId}\n    endpoint: ${endpoint}\nrules:\n  - Name: r\n    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }\n    Function: ${fnString()}\n    PublishStatus: PUBLISHED\n    Actions: [{ ActionType: GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction: { Name: e } }]\n`,
    );
    return dir;
  };

  it('an unknown instance names the target, the API, and where instanceId is written', async () => {
    const dir = config(sandbox.endpoint, '00000000-0000-4000-8000-00000000dead');
    const r = await run(['plan', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: target dev: connect:\w+.*ResourceNotFoundException.*; check targets\.dev\.instanceId at .*connectform\.yaml:4:17$/m,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack without --debug
  });

  it('a closed port says nothing answers there; --debug adds the stacks, the SDK error last', async () => {
    const dir = config('http://127.0.0.1:1');
    const r = await run(['plan', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: target dev: sts:GetCallerIdentity failed for credentials from .*: .*ECONNREFUSED.*; nothing answers at 127\.0\.0\.1:1: check the target's endpoint/m,
    );
    const debug = await run(['plan', dir, '--debug'], { cwd: dir });
    expect(debug.stderr).toMatch(/Caused by: /);
  });
});

describe('a profile that does not exist', () => {
  it('is named, with how to list the real ones', () => {
    const err = sdkError(
      'CredentialsProviderError',
      'Could not resolve credentials using profile: [stagin] in configuration/credentials file(s).',
    );
    expect(remedyFor('sts:GetCallerIdentity', err)).toBe(
      "; there is no profile 'stagin' in the shared config or credentials files: check its name (aws configure list-profiles)",
    );
  });
});
