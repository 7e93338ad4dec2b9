/**
 * Lex V1, honestly (issue #12 point 6, issue #11 point 8, issue #20 item 1), through the CLI
 * against the sandbox:
 * - while the API answers (the sandbox's opt-in `lexV1: 'available'`): an association declared
 *   without botConfiguration does not manage it; `prune: true` never deletes Lex associations,
 *   `prune: [lexChannelAssociation]` does, and the plan says the deletes are for good;
 * - past end of support (the sandbox's default, `retired`: every Lex V1 call fails, as AWS
 *   announced for 2025-09-15): a config without Lex never calls it; one with Lex plans, applies
 *   and drifts every other kind, with one warning naming how many declared associations could
 *   not be checked; `plan --detailed-exitcode` and `drift` exit as the other kinds decide; Lex
 *   associations are never pruned; and the README quick start prints that warning and no error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { lexChannelAssociationFixture as fixture } from '../battery/fixtures/lex-channel-association.js';
import { cpSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { ROOT, postCallRule, planOf, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';

const withoutSecrets = (b: Record<string, unknown>) => {
  const { botConfiguration: _omitted, ...rest } = b;
  return rest;
};

describe('Lex V1 associations while the API answers', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false, lexV1: 'available' });
  });
  afterAll(async () => sandbox?.stop());

  const plan = async (dir: string, settings: object, lex: object[]) => {
    writeConfig(dir, { dev: { endpoint: sandbox.endpoint } }, settings, { lexChannelAssociations: lex });
    const r = await run(['plan', dir, '-f', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    return planOf(r);
  };

  it('declared without botConfiguration: nothing to change (the secrets are not managed)', async () => {
    const p = await plan(tempDir('lex-omit-'), {}, fixture.base.map(withoutSecrets));
    expect(p.changes).toEqual([]);
    expect(p.summary.unchanged).toBe(fixture.base.length);
  });

  it('prune: true leaves undeclared associations alone and says why; listing the kind deletes them for good', async () => {
    const dir = tempDir('lex-prune-');
    const kept = fixture.base.slice(1);
    const all = await plan(dir, { prune: true }, kept);
    expect(all.changes).toEqual([]);
    expect(all.unmanaged).toEqual([{ kind: 'lexChannelAssociation', name: 'OrderFlowers/prod/orders_slack' }]);
    expect(all.notes).toContain(
      '1 Lex V1 bot channel association(s) not in the config are left alone: prune: true never deletes what no API can re-create; list lexChannelAssociation in settings.prune to delete them',
    );

    const listed = await plan(dir, { prune: ['lexChannelAssociation'] }, kept);
    expect(listed.changes.map((c) => [c.name, c.action, c.reason])).toEqual([
      [
        'OrderFlowers/prod/orders_slack',
        'delete',
        'not in the config, and settings.prune lists lexChannelAssociation; no API can re-create it',
      ],
    ]);
    expect(listed.notes).toContain(
      '1 Lex V1 bot channel association(s) not in the config will be deleted (settings.prune lists lexChannelAssociation); they cannot be re-created by any API',
    );
  });
});

describe('Lex V1 past end of support (the sandbox default: lexV1 retired)', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false });
  });
  afterAll(async () => sandbox?.stop());

  const lexCalls = () => Object.keys(sandbox.stats().operations).filter((op) => op.startsWith('lex'));
  const WARNING =
    /^warning: 4 declared Lex V1 bot channel association\(s\) could not be checked, and none is planned, changed or pruned: the Lex V1 API no longer answers \(AWS ended Lex V1 on 2025-09-15\); it said: lex:GetBots failed for Lex V1 bots: BadRequestException: Amazon Lex V1 reached end of support on 2025-09-15/;

  it('a config without Lex never calls it', async () => {
    const dir = tempDir('lex-retired-none-');
    writeConfig(
      dir,
      { dev: { endpoint: sandbox.endpoint } },
      { prune: true },
      { rules: [postCallRule('no-lex-rule')] },
    );
    sandbox.resetStats();
    const rules = await run(['plan', dir, '-f', 'json'], { cwd: dir });
    expect(rules.code, rules.stderr).toBe(0);
    expect(lexCalls()).toEqual([]);
  });

  it('plans, applies and drifts the other kinds; Lex is one warning, never a change, a failure or a prune', async () => {
    const dir = tempDir('lex-retired-');
    const write = (rules: object[]) =>
      writeConfig(
        dir,
        { dev: { endpoint: sandbox.endpoint } },
        { prune: ['rule', 'lexChannelAssociation'] },
        { rules, lexChannelAssociations: fixture.base.map(withoutSecrets) },
      );
    write([postCallRule('lex-retired-rule')]);

    const planned = await run(['plan', dir, '-f', 'json', '--detailed-exitcode'], { cwd: dir });
    expect(planned.code, planned.stderr).toBe(2); // the rule's create, nothing of Lex
    const p = planOf(planned);
    expect(p.changes.map((c) => [c.kind, c.name, c.action])).toEqual([['rule', 'lex-retired-rule', 'create']]);
    expect(p.unmanaged).toEqual([]);
    expect(p.notes.filter((n) => /Lex/.test(n))).toEqual([expect.stringMatching(WARNING)]);
    expect(planned.stderr).not.toMatch(/^Error/m);

    const applied = await run(['apply', dir, '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    expect(sandbox.stats().operations['lex:DeleteBotChannelAssociation']).toBeUndefined();

    // Nothing left to do: exit 0, though Lex could not be checked; drift alike.
    expect((await run(['plan', dir, '--detailed-exitcode'], { cwd: dir })).code).toBe(0);
    const clean = await run(['drift', dir], { cwd: dir });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout.split('\n').filter((l) => /Lex/.test(l))).toEqual([
      expect.stringMatching(/Warning: 4 declared/),
    ]);

    // A real drift of another kind still counts.
    write([postCallRule('lex-retired-rule', 2)]);
    expect((await run(['drift', dir], { cwd: dir })).code).toBe(2);
    expect((await run(['plan', dir, '--detailed-exitcode'], { cwd: dir })).code).toBe(2);
  });

  it('the README quick start prints the one warning and nothing alarming', async () => {
    const dir = tempDir('quick-start-');
    cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
    const r = await run(['plan', 'examples/contact-center', '--target', 'dev', '--sandbox'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out.split('\n').filter((l) => /Lex/.test(l))).toEqual([
      expect.stringMatching(/^Warning: 4 declared Lex V1 bot channel association\(s\) could not be checked/),
    ]);
    expect(out).not.toMatch(/error|fail(?!ed for Lex V1 bots)|exception(?!: Amazon Lex V1)/i);
    expect(r.stdout).toMatch(/17 to create/);

    // The CI example's path: a saved plan, applied, then nothing left to do.
    const saved = await run(
      ['plan', 'examples/contact-center', '-t', 'dev', '--sandbox', '--detailed-exitcode', '--out', 'plan.json'],
      { cwd: dir },
    );
    expect(saved.code, saved.stderr).toBe(2);
    const applied = await run(['apply', 'plan.json', '--sandbox', '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/Apply: 17 changes applied, 0 failed/);
    const again = await run(['plan', 'examples/contact-center', '-t', 'dev', '--sandbox', '--detailed-exitcode'], {
      cwd: dir,
    });
    expect(again.code, again.stderr).toBe(0);
  });
});

/**
 * AWS names no answer for a retired Lex V1 (docs/FIDELITY.md): whatever it is, the target goes on.
 * A proxy in front of the sandbox answers every Lex V1 request (paths under /bots) the way a
 * stricter or different service could: an access denial, or a page that is not the API at all.
 */
describe('Lex V1 past end of support, under answers other than the sandbox’s', () => {
  let sandbox: SandboxHandle;
  let proxy: Server;
  let endpoint = '';
  let lexAnswer: { status: number; headers: Record<string, string>; body: string };
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false });
    const target = new URL(sandbox.endpoint);
    proxy = createServer((req, res) => {
      if (req.url?.startsWith('/bots')) {
        req.resume();
        res.writeHead(lexAnswer.status, lexAnswer.headers).end(lexAnswer.body);
        return;
      }
      const forward = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(forward);
    });
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
    const address = proxy.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((ok) => proxy?.close(ok));
    await sandbox?.stop();
  });

  for (const [what, answer, said] of [
    [
      'an access denial',
      {
        status: 403,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
        body: JSON.stringify({ message: 'Lex V1 is no longer available' }),
      },
      /AccessDeniedException/,
    ],
    [
      'a page that is not the API',
      { status: 410, headers: { 'content-type': 'text/html' }, body: '<html>Gone</html>' },
      /410|Gone|Unknown/i,
    ],
  ] as const) {
    it(`${what}: the rules plan, Lex is the one warning quoting it`, async () => {
      lexAnswer = answer;
      const dir = tempDir('lex-other-answer-');
      writeConfig(
        dir,
        { dev: { endpoint } },
        {},
        { rules: [postCallRule('other-answer-rule')], lexChannelAssociations: fixture.base.map(withoutSecrets) },
      );
      const r = await run(['plan', dir, '-f', 'json', '--detailed-exitcode'], { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      const p = planOf(r);
      expect(p.changes.map((c) => [c.name, c.action])).toEqual([['other-answer-rule', 'create']]);
      const lex = p.notes.filter((n) => /Lex/.test(n));
      expect(lex).toEqual([
        expect.stringMatching(/^warning: 4 declared Lex V1 bot channel association\(s\) could not be checked/),
      ]);
      expect(lex[0]).toMatch(said);
    });
  }
});
