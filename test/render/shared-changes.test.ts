/**
 * Issue 22 item 6: in one comment for every target, the same change on several targets is shown
 * once, under all their names, with each target's attribution; each target's section keeps its
 * own changes, blockers and notes, and says how many of its changes are shown above.
 */
import { describe, expect, it } from 'vitest';
import { emptySummary, type Change, type Plan } from '../../src/engine/plan.js';
import { MarkdownRenderer } from '../../src/render/markdown.js';
import { sharedChanges } from '../../src/render/shared-changes.js';

function plan(target: string, changes: Change[]): Plan {
  return {
    version: 3,
    target,
    scope: { region: 'us-east-2', instanceId: `${target}-instance` },
    createdAt: '2026-12-01T00:00:00.000Z',
    configFingerprint: 'sha256:0',
    changes,
    unmanaged: [],
    blocked: [],
    notes: [],
    summary: { ...emptySummary(), update: changes.length },
  };
}

const change = (name: string, after: string, by?: string): Change => ({
  kind: 'taskTemplate',
  name,
  action: 'update',
  id: `${name}-${by ?? 'x'}`,
  fields: [{ path: 'Description', op: 'change', impact: 'update', before: 'old', after }],
  attribution: by ? { at: '2026-11-30T10:00:00Z', by } : {},
});

describe('the same change on several targets', () => {
  it('is shown once under all their names, each target keeping its own', () => {
    const dev = plan('dev', [change('Callback', 'new', 'arn:dev'), change('Claim intake', 'dev only')]);
    const prod = plan('prod', [change('Callback', 'new', 'arn:prod'), change('Claim intake', 'prod only')]);
    const stage = plan('stage', []);
    const md = new MarkdownRenderer('plan').plan([dev, prod, stage]);
    expect(md.match(/^#{2,3} .*$/gm)).toEqual([
      '## connectform plan',
      '### dev, prod',
      '### dev',
      '### prod',
      '### stage',
    ]);
    expect(md.match(/<code>Callback<\/code>/g)).toHaveLength(1);
    expect(md.match(/<code>Claim intake<\/code>/g)).toHaveLength(2);
    expect(md).toContain('_The same on 2 targets:_');
    // each target's attribution, since they differ
    expect(md).toContain('_dev: last changed 2026-11-30T10:00:00Z by arn:dev_');
    expect(md).toContain('_prod: last changed 2026-11-30T10:00:00Z by arn:prod_');
    expect(md.match(/_1 change shown above with other targets\._/g)).toHaveLength(2);
    expect(md).toMatch(/### stage\n\nNo changes\./);
  });

  it('says one attribution once when every target says the same, and never groups different values', () => {
    const a = plan('a', [change('Callback', 'new')]);
    const b = plan('b', [change('Callback', 'new')]);
    const c = plan('c', [change('Callback', 'other')]);
    const { groups } = sharedChanges([a, b, c]);
    expect(groups.map((g) => g.targets)).toEqual([['a', 'b']]);
    const md = new MarkdownRenderer('drift').plan([a, b, c]);
    expect(md.match(/_last change: not reported by this API_/g)).toHaveLength(2); // the group's, and c's
  });

  it('leaves a single plan as it was', () => {
    const md = new MarkdownRenderer('plan').plan([plan('dev', [change('Callback', 'new')])]);
    expect(md).not.toContain('### ');
    expect(md).not.toContain('The same on');
  });
});
