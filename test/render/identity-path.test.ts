/**
 * Issue 22 item 6: in text and markdown an identity selector shows at most 40 characters of any
 * value, abbreviated so it stays unique within the resource; the JSON `path` keeps the whole
 * identity (it is what `ignoreChanges` matches and what a saved plan compares).
 */
import { describe, expect, it } from 'vitest';
import { emptySummary, type Change, type Plan } from '../../src/engine/plan.js';
import { rendererFor } from '../../src/render/index.js';
import { SELECTOR_VALUE_MAX, selectorShortener } from '../../src/render/identity-path.js';
import { commandLines, rawDangerous } from './dangerous.js';

const SUBJECT = 'URGENT: the claims queue has more than 40 contacts waiting and the oldest has waited ten minutes';
const TWIN = SUBJECT.replace('ten minutes', 'five minutes');
const path = (subject: string, tail = '.SendNotificationAction.Content') =>
  `Actions[ActionType="SEND_NOTIFICATION",SendNotificationAction.Subject=${JSON.stringify(subject)}]${tail}`;

function plan(changes: Change[]): Plan {
  return {
    version: 3,
    target: 'prod',
    scope: { region: 'us-east-2', instanceId: '6f1c2a7e-8a39-4f5e-9d0b-3c2e1a4b5c6d' },
    createdAt: '2026-12-01T00:00:00.000Z',
    configFingerprint: 'sha256:0',
    changes,
    unmanaged: [],
    blocked: [],
    notes: [],
    summary: { ...emptySummary(), update: changes.length },
  };
}

const update = (paths: string[]): Change => ({
  kind: 'rule',
  name: 'queue-backlog',
  action: 'update',
  fields: paths.map((p) => ({ path: p, op: 'change', impact: 'update', before: 'a', after: 'b' })),
});

/** Every JSON-quoted selector value in the output. */
const selectorValues = (out: string) => [...out.matchAll(/=("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]));

describe('identity selectors in text and markdown', () => {
  it("shows at most 40 characters of the issue's long Subject; JSON keeps the whole identity", () => {
    const p = plan([update([path(SUBJECT)])]);
    for (const format of ['text', 'markdown'] as const) {
      const out = rendererFor(format, { color: false }).plan([p]);
      expect(out).not.toContain(SUBJECT);
      const values = [...new Set(selectorValues(out))];
      expect(values).toEqual(['SEND_NOTIFICATION', `${SUBJECT.slice(0, 39)}…`]);
      for (const v of values) expect(Array.from(v).length).toBeLessThanOrEqual(SELECTOR_VALUE_MAX);
    }
    const json = JSON.parse(rendererFor('json', { color: false }).plan([p]));
    expect(json.plans[0].changes[0].fields[0].path).toBe(path(SUBJECT));
  });

  it('keeps two values that share their first 39 characters apart within a resource', () => {
    const shown = selectorShortener([path(SUBJECT), path(TWIN)]);
    const a = selectorValues(shown(path(SUBJECT)))[1];
    const b = selectorValues(shown(path(TWIN)))[1];
    expect(a).not.toBe(b);
    expect(Array.from(a).length).toBeLessThanOrEqual(SELECTOR_VALUE_MAX);
    expect(Array.from(b).length).toBeLessThanOrEqual(SELECTOR_VALUE_MAX);
    // the same value reads the same in every row of the resource
    expect(shown(path(SUBJECT, ''))).toBe(shown(path(SUBJECT)).replace('.SendNotificationAction.Content', ''));
  });

  it('leaves short values, member names in brackets and sensitive markers whole', () => {
    const short = 'Tags["a-very-long-tag-key-that-is-longer-than-forty-characters"]';
    const marker = 'Actions[ActionType="SEND_NOTIFICATION",SendNotificationAction.Subject=(sensitive: env.X)]';
    const shown = selectorShortener([short, marker, path('Claims backlog')]);
    expect(shown(short)).toBe(short);
    expect(shown(marker)).toBe(marker);
    expect(shown(path('Claims backlog'))).toBe(path('Claims backlog'));
  });

  it('counts characters, not UTF-16 units, and never splits one', () => {
    const emoji = '🚨'.repeat(45);
    const v = selectorValues(selectorShortener([path(emoji)])(path(emoji)))[1];
    expect(v).toBe(`${'🚨'.repeat(39)}…`);
  });

  it('escapes an abbreviated hostile value for the terminal and inside the diff fence', () => {
    const hostile = `\`\`\`\`evil\x1b[2J\u202e\n::error file=x.yaml::forged ${'x'.repeat(60)}`;
    const p = plan([update([path(hostile)])]);
    const text = rendererFor('text', { color: false }).plan([p]);
    const md = rendererFor('markdown', { color: false }).plan([p]);
    for (const out of [text, md]) {
      expect(rawDangerous(out)).toEqual([]);
      expect(commandLines(out)).toEqual([]);
    }
    // the row stays inside its fence: the fence is longer than any backtick run in it
    const fence = /^(`{3,})diff$/m.exec(md)?.[1] ?? '';
    expect(fence.length).toBeGreaterThan(4);
  });
});
