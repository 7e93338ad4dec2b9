/**
 * Saved plans directly (the CLI's use of them is in test/cli/gitops.test.ts): what is recognised
 * as one (by content, not name), what is refused and how, the file's mode and relative paths,
 * and every difference planDifferences must report before apply may proceed.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptySummary, type Change, type Plan } from '../../src/engine/plan.js';
import {
  assertSamePlan,
  bindingDifferences,
  planDifferences,
  readSavedPlanIfAny,
  savedConfigPaths,
  writeSavedPlan,
  type PlanBinding,
} from '../../src/engine/saved-plan.js';
import { SafetyError, UsageError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';
import { exampleFunction } from '../helpers/rule-function.js';

const update: Change = {
  kind: 'rule',
  name: 'r',
  action: 'update',
  id: 'rule-1',
  liveVersion: '2026-01-01T00:00:00.000Z',
  fields: [{ path: 'Function', op: 'change', before: '$.x > 1', after: '$.x > 2' }],
  desired: { Name: 'r', Function: exampleFunction('OnPostCallAnalysisAvailable', 2) },
};

function plan(changes: Change[] = [structuredClone(update)], over: Partial<Plan> = {}): Plan {
  return {
    version: 3,
    target: 'prod',
    scope: { region: 'us-east-2', instanceId: 'i-1' },
    createdAt: '2026-01-01T00:00:00.000Z',
    configFingerprint: 'abc',
    changes,
    unmanaged: [],
    blocked: [],
    notes: [],
    summary: { ...emptySummary(), update: changes.length },
    ...over,
  };
}

const BINDING: PlanBinding = {
  region: 'us-east-2',
  instanceId: 'i-1',
  accountId: '123456789012',
  endpoint: 'http://127.0.0.1:4566',
  chatbotRegion: 'us-east-2',
  settings: 'digest-of-settings',
  configFiles: [{ path: 'connectform.yaml', sha256: 'aa' }],
};

/** A complete saved plan document, as plan --out writes it. */
const savedDoc = () => ({ format: 'connectform-saved-plan', ...plan(), configPaths: ['.'], binding: BINDING });

describe('writeSavedPlan / readSavedPlanIfAny', () => {
  it('round-trips under any file name, readable by its owner only, config paths relative to the working directory', () => {
    const dir = tempDir('saved-plan-');
    mkdirSync(join(dir, 'plans'));
    const file = join(dir, 'plans', 'tfplan');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      writeSavedPlan(file, plan(), [join(dir, 'config')], BINDING, ['rule']);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const saved = readSavedPlanIfAny(file)!;
      expect(saved).toMatchObject({
        format: 'connectform-saved-plan',
        target: 'prod',
        configPaths: ['config'],
        kinds: ['rule'],
        binding: BINDING,
      });
      expect(saved.changes).toEqual([update]);
      expect(savedConfigPaths(saved, file)).toEqual([join(dir, 'config')]);
      expect(savedConfigPaths(saved, file, ['other.yaml'])).toEqual(['other.yaml']);
    } finally {
      process.chdir(cwd);
    }
  });

  it('recorded config paths must resolve inside the working directory', () => {
    const dir = tempDir('saved-plan-');
    const file = join(dir, 'p.json');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      for (const p of ['../elsewhere', '/etc/connectform', 'a/../../b']) {
        writeFileSync(file, JSON.stringify({ ...savedDoc(), configPaths: [p] }));
        expect(() => savedConfigPaths(readSavedPlanIfAny(file)!, file), p).toThrow(
          /is outside the working directory; run apply from the repository the plan was made in, or pass --config PATH/,
        );
      }
    } finally {
      process.chdir(cwd);
    }
  });

  it('a damaged or foreign saved plan is refused in one line naming the first problem, never a TypeError', () => {
    const dir = tempDir('saved-plan-');
    const file = join(dir, 'p.json');
    const refusal = (doc: object) => {
      writeFileSync(file, JSON.stringify(doc));
      try {
        readSavedPlanIfAny(file);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        expect((err as Error).message).not.toContain('\n');
        return (err as Error).message.replace(file, 'FILE');
      }
      throw new Error('not refused');
    };
    expect(refusal({ ...savedDoc(), changes: [{ kind: 'rule', name: 'r', action: 'update', fields: 'x' }] })).toBe(
      'FILE: not a complete saved plan (changes.0.fields: must be array); make it again with plan --out',
    );
    expect(refusal({ ...savedDoc(), changes: [null] })).toMatch(
      /^FILE: not a complete saved plan \(changes\.0: must be object\)/,
    );
    expect(refusal({ ...savedDoc(), binding: undefined })).toMatch(/\(the document: binding is missing\)/);
    expect(refusal({ ...savedDoc(), binding: { ...BINDING, configFiles: [{ path: 1 }] } })).toMatch(
      /binding\.configFiles\.0/,
    );
    expect(refusal({ ...savedDoc(), scope: 'x' })).toMatch(/\(scope: must be object\)/);
  });

  it('is not a saved plan: a YAML config, a directory, a missing file, JSON that is something else', () => {
    const dir = tempDir('saved-plan-');
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    expect(readSavedPlanIfAny(write('c.yaml', 'targets: {}\n'))).toBeUndefined();
    expect(readSavedPlanIfAny(dir)).toBeUndefined();
    expect(readSavedPlanIfAny(join(dir, 'missing.json'))).toBeUndefined();
    expect(readSavedPlanIfAny(write('c.json', '{"targets": {}}'))).toBeUndefined();
    expect(readSavedPlanIfAny(write('broken.json', '{ "targets": '))).toBeUndefined();
  });

  it('refuses, with what to do, a plan of an older connectform, another version, or a cut-down file', () => {
    const dir = tempDir('saved-plan-');
    const refusal = (doc: object) => {
      const file = join(dir, 'p.json');
      writeFileSync(file, JSON.stringify(doc));
      try {
        readSavedPlanIfAny(file);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return (err as Error).message.replace(file, 'FILE');
      }
      throw new Error('not refused');
    };
    expect(refusal({ changes: [], configPaths: [] })).toBe(
      'FILE: a plan saved by an older connectform; make it again with plan --out',
    );
    expect(
      refusal({ format: 'connectform-saved-plan', version: 99, target: 't', changes: [], configPaths: [] }),
    ).toMatch(
      /^FILE: plan format version 99 is not supported by this connectform \(it reads version 3\); make it again/,
    );
    expect(refusal({ format: 'connectform-saved-plan', version: 3, target: 't', changes: [] })).toMatch(
      /^FILE: not a complete saved plan/,
    );
    // Version 2 held rule Functions as strings: refused with the command that makes it again.
    expect(
      refusal({ format: 'connectform-saved-plan', version: 2, target: 't', changes: [], configPaths: [] }),
    ).toMatch(/plan format version 2 is not supported .*make it again with plan --out/);
  });
});

describe('planDifferences', () => {
  it('none when the plan made now equals the saved one (createdAt, notes and counts aside)', () => {
    expect(
      planDifferences(
        plan(),
        plan(undefined, { createdAt: 'later', notes: ['cache'], summary: { ...emptySummary(), unchanged: 9 } }),
      ),
    ).toEqual([]);
  });

  it('names every way apply would differ', () => {
    const now = plan();
    const cases: [string, Plan][] = [
      ['the plan is for target "staging", not "prod"', plan(undefined, { target: 'staging' })],
      [
        'the plan was made for us-east-2/i-2, the target is now us-east-2/i-1',
        plan(undefined, { scope: { region: 'us-east-2', instanceId: 'i-2' } }),
      ],
      ['the config changed since the plan was made', plan(undefined, { configFingerprint: 'old' })],
      [
        'rule "r": the saved plan would delete it; a plan made now would update it',
        plan([{ ...update, action: 'delete' }]),
      ],
      ['rule "r": the live resource is not the one planned (id rule-0 → rule-1)', plan([{ ...update, id: 'rule-0' }])],
      [
        'rule "r": changed since the plan was made (version v0 → 2026-01-01T00:00:00.000Z)',
        plan([{ ...update, liveVersion: 'v0' }]),
      ],
      [
        'rule "r": fields differ from the saved plan: Function',
        plan([{ ...update, fields: [{ path: 'Function', op: 'change', before: '$.x > 1', after: '$.x > 3' }] }]),
      ],
      [
        'rule "r": the body apply would send differs from the saved plan',
        plan([{ ...update, desired: { Name: 'r', Function: 'evil' } }]),
      ],
      ['rule "r": reason differs from the saved plan', plan([{ ...update, reason: 'because' }])],
      [
        'rule "x": the saved plan would delete it; a plan made now has no change for it',
        plan([update, { ...update, name: 'x', action: 'delete' }]),
      ],
      ['rule "r": a plan made now would update it; the saved plan does not', plan([])],
      [
        'the saved plan is blocked by "too many deletes"; a plan made now is not',
        plan(undefined, { blocked: [{ rule: 'threshold', kind: 'rule', message: 'too many deletes' }] }),
      ],
    ];
    for (const [expected, saved] of cases) expect(planDifferences(saved, now), expected).toEqual([expected]);
    expect(planDifferences(plan([update, update]), now)).toEqual(['rule "r" appears twice in the saved plan']);
  });

  it('a blocked plan made now with an emptied saved verdict is refused by assertSamePlan, listing it', () => {
    const now = plan(undefined, {
      blocked: [{ rule: 'preventDestroy', kind: 'rule', name: 'r', message: 'r has preventDestroy' }],
    });
    expect(() => assertSamePlan(plan(), now, 'tfplan')).toThrow(SafetyError);
    expect(() => assertSamePlan(plan(), now, 'tfplan')).toThrow(
      /a plan made now is blocked: r has preventDestroy; the saved plan says otherwise/,
    );
    expect(() => assertSamePlan(now, now, 'tfplan')).not.toThrow();
  });
});

describe('bindingDifferences', () => {
  it('lists every bound value and every config file digest that differs, one line each', () => {
    const now: PlanBinding = {
      ...BINDING,
      accountId: '210987654321',
      endpoint: 'http://127.0.0.1:4999',
      chatbotRegion: 'us-west-2',
      settings: 'other',
      configFiles: [
        { path: 'connectform.yaml', sha256: 'bb' },
        { path: 'f2.yaml', sha256: 'cc' },
      ],
    };
    expect(bindingDifferences(BINDING, BINDING)).toEqual([]);
    expect(bindingDifferences(BINDING, now)).toEqual([
      'accountId: the plan was made for "123456789012", apply would act on "210987654321"',
      'endpoint: the plan was made for "http://127.0.0.1:4566", apply would act on "http://127.0.0.1:4999"',
      'chatbotRegion: the plan was made for "us-east-2", apply would act on "us-west-2"',
      'settings: differ from those the plan was made with',
      'config file connectform.yaml: changed since the plan was made',
      'config file f2.yaml: read by apply, not by the plan',
    ]);
  });

  it('assertSamePlan refuses a plan equal in every change when only the binding moved', () => {
    expect(() => assertSamePlan({ ...plan(), binding: BINDING }, plan(), 'p.json', BINDING)).not.toThrow();
    expect(() =>
      assertSamePlan({ ...plan(), binding: BINDING }, plan(), 'p.json', { ...BINDING, region: 'eu-west-2' }),
    ).toThrow(/region: the plan was made for "us-east-2", apply would act on "eu-west-2"/);
  });
});
