/**
 * `settings:` is interpreted once (src/config/settings.ts), defaults filled, and handed to the
 * engine through the config façade; the engine no longer reads the raw settings.
 */
import { describe, expect, it } from 'vitest';
import { validateFor } from '../../src/config/index.js';
import { loadConfig } from '../../src/config/load.js';
import { DEFAULT_DESTROY_THRESHOLD, DEFAULT_PARALLELISM, interpretSettings } from '../../src/config/settings.js';
import { TARGETS_YAML, ruleYaml, tempConfig } from './helpers.js';

describe('interpretSettings', () => {
  it('fills every default when nothing is set', () => {
    const s = interpretSettings({}, ['rule', 'taskTemplate']);
    expect(s.prunedKinds).toEqual([]);
    expect(s.pruneFor('rule')).toBe(false);
    expect(s.threshold).toEqual(DEFAULT_DESTROY_THRESHOLD);
    expect(s.parallelism).toBe(DEFAULT_PARALLELISM);
    expect(s.quotas).toEqual({});
  });

  it('prune: true covers the kinds whose list the config declares, and no other', () => {
    const s = interpretSettings({ prune: true }, ['rule', 'taskTemplate']);
    expect(s.prunedKinds).toEqual(['rule', 'taskTemplate']);
    expect(s.pruneFor('taskTemplate')).toBe(true);
    // `--kinds customAction` with no customActions list anywhere must not delete custom actions.
    expect(s.pruneFor('customAction')).toBe(false);
  });

  it('prune: true never covers a kind no API can create (Lex V1 associations); a list naming it does (issue #12)', () => {
    const all = interpretSettings({ prune: true }, ['rule', 'lexChannelAssociation']);
    expect(all.prunedKinds).toEqual(['rule']);
    expect(all.pruneFor('lexChannelAssociation')).toBe(false);
    expect(all.pruneAll).toBe(true);
    const listed = interpretSettings({ prune: ['rule', 'lexChannelAssociation'] }, ['rule', 'lexChannelAssociation']);
    expect(listed.pruneFor('lexChannelAssociation')).toBe(true);
    expect(listed.pruneAll).toBe(false);
  });

  it('a prune list covers exactly the listed kinds, declared or not', () => {
    const s = interpretSettings({ prune: ['customAction'] }, ['rule']);
    expect(s.prunedKinds).toEqual(['customAction']);
    expect([s.pruneFor('customAction'), s.pruneFor('rule')]).toEqual([true, false]);
  });

  it('merges a partial destroy threshold over the default, and keeps parallelism and quotas', () => {
    const quotas = { 'connect:*': { ratePerSecond: 1, burst: 2 } };
    const s = interpretSettings({ destroyThreshold: { percent: 50 }, parallelism: 3, quotas }, []);
    expect(s.threshold).toEqual({ percent: 50, minResources: DEFAULT_DESTROY_THRESHOLD.minResources });
    expect(s.parallelism).toBe(3);
    expect(s.quotas).toEqual(quotas);
  });
});

describe('the config façade', () => {
  it('hands the engine the interpreted settings with the validated config', async () => {
    const dir = tempConfig({
      'a.yaml': `${TARGETS_YAML}settings:\n  prune: true\n  parallelism: 2\nrules:\n${ruleYaml('r')}`,
      'b.yaml': 'taskTemplates: []\n',
    });
    const { settings } = validateFor(await loadConfig(dir), undefined, {});
    expect(settings.prunedKinds).toEqual(['rule', 'taskTemplate']);
    expect(settings.parallelism).toBe(2);
    expect(settings.threshold).toEqual(DEFAULT_DESTROY_THRESHOLD);
  });
});
