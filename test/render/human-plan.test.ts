/**
 * What the human outputs promise a reviewer, one behaviour per test, on plans written by hand as
 * plan-format-2 data (identity paths, op, impact, from/to, attribution).
 */
import { describe, expect, it } from 'vitest';
import { emptySummary, type Change, type FieldChange, type Plan } from '../../src/engine/plan.js';
import { rendererFor } from '../../src/render/index.js';
import { diffSequences, hunks, words } from '../../src/render/line-diff.js';
import { MARKDOWN_BUDGET } from '../../src/render/markdown.js';
import { TextRenderer } from '../../src/render/text.js';
import { showScalar } from '../../src/render/values.js';

function plan(changes: Change[], extra: Partial<Plan> = {}): Plan {
  return {
    version: 3,
    target: 'dev',
    scope: { region: 'us-east-2', instanceId: 'i-1' },
    createdAt: '2026-01-01T00:00:00.000Z',
    configFingerprint: 'f',
    changes,
    unmanaged: [],
    blocked: [],
    notes: [],
    summary: emptySummary(),
    ...extra,
  };
}

const update = (fields: FieldChange[], extra: Partial<Change> = {}): Change => ({
  kind: 'rule',
  name: 'r',
  action: 'update',
  fields,
  ...extra,
});
const text = (p: Plan) => rendererFor('text', { color: false }).plan([p]);
const markdown = (p: Plan, command?: 'plan' | 'drift') => rendererFor('markdown', { color: false, command }).plan([p]);
/** The lines of a rendered output that mention `needle`. */
const linesWith = (out: string, needle: string) => out.split('\n').filter((l) => l.includes(needle));

describe('values: one YAML-like style', () => {
  it('quotes a string only when YAML needs it', () => {
    expect(['PUBLISHED', '$.x > 1', 'true', '', 'a: b', '2', 'x # y', '- x'].map(showScalar)).toEqual([
      'PUBLISHED',
      '$.x > 1',
      '"true"',
      '""',
      '"a: b"',
      '"2"',
      '"x # y"',
      '"- x"',
    ]);
    expect([12, true, null, {}, []].map(showScalar)).toEqual(['12', 'true', 'null', '{}', '[]']);
  });

  it('shows a mapping as a YAML block however small, never inline JSON, in text and markdown', () => {
    const p = plan([
      update([
        { path: 'TriggerEventSource', op: 'add', after: { EventSourceName: 'OnZendeskTicketCreate' } },
        {
          path: 'Actions[ActionType="ASSIGN_CONTACT_CATEGORY"]',
          op: 'remove',
          before: { ActionType: 'ASSIGN_CONTACT_CATEGORY', AssignContactCategoryAction: {} },
        },
      ]),
    ]);
    for (const out of [text(p), markdown(p)]) {
      expect(out).not.toMatch(/[{[]"/); // no JSON object or list anywhere
      expect(out).toMatch(/TriggerEventSource:\n.* {2}EventSourceName: OnZendeskTicketCreate\n/);
      expect(out).toMatch(
        /ActionType="ASSIGN_CONTACT_CATEGORY"\]:\n.* {2}ActionType: ASSIGN_CONTACT_CATEGORY\n.* {2}AssignContactCategoryAction: \{\}\n/,
      );
    }
  });

  it('shows a sensitive marker as itself, unquoted', () => {
    const out = text(
      plan([
        update([
          { path: 'Function', op: 'change', before: '(sensitive: env.A)', after: '(sensitive: env.A, changed)' },
        ]),
      ]),
    );
    expect(out).toContain('~ Function: (sensitive: env.A) → (sensitive: env.A, changed)');
  });
});

describe('text', () => {
  it('colours the symbols only: the names, paths and values stay plain', () => {
    const p = plan([
      update([
        { path: 'Tags.team', op: 'add', after: 'care' },
        { path: 'Tags.cost', op: 'remove', before: 'cc' },
      ]),
    ]);
    const out = new TextRenderer(true).plan([p]);
    expect(out).toContain('  \x1b[33m~\x1b[39m rule "r"\n');
    expect(out).toContain('      \x1b[32m+\x1b[39m Tags.team: care\n');
    expect(out).toContain('      \x1b[31m-\x1b[39m Tags.cost: cc\n');
  });

  it('marks the rows that force a replace, and only those', () => {
    const p = plan([
      update(
        [
          { path: 'Name', op: 'change', impact: 'update', before: 'a', after: 'b' },
          { path: 'TriggerEventSource.EventSourceName', op: 'change', impact: 'replace', before: 'OnA', after: 'OnB' },
        ],
        { action: 'replace' },
      ),
    ]);
    expect(linesWith(text(p), '# forces replacement')).toEqual([
      '      ~ TriggerEventSource.EventSourceName: OnA → OnB  # forces replacement',
    ]);
    expect(linesWith(markdown(p), '# forces replacement')).toEqual([
      '+ TriggerEventSource.EventSourceName: OnB  # forces replacement',
    ]);
  });

  it('shows a move as a move, with 1-based positions', () => {
    const p = plan([
      update([{ path: 'Fields[Id.Name="Notes"]', op: 'move', from: 0, to: 2 }], { kind: 'taskTemplate' }),
    ]);
    expect(linesWith(text(p), 'Notes')).toEqual(['      ↕ Fields[Id.Name="Notes"]: position 1 → 3']);
    expect(linesWith(markdown(p), 'Notes')).toEqual(['! Fields[Id.Name="Notes"]: moved, position 1 → 3']);
  });

  it('shows a one-line change in place when short, as a word diff when long', () => {
    const long = 'word '.repeat(30);
    const p = plan([
      update([
        { path: 'Description', op: 'change', before: 'Intake', after: 'New intake' },
        { path: 'Content', op: 'change', before: `${long}old ending`, after: `${long}new ending` },
      ]),
    ]);
    const out = text(p);
    expect(out).toContain('      ~ Description: Intake → New intake\n');
    expect(out).toContain('      ~ Content: … word word word [-old-]{+new+} ending\n');
  });

  it('joins changes only white space apart into one, and keeps the spaces around them outside the marks', () => {
    const before = 'Contact $.ContactId mentioned cancelling. Consider barging in.';
    const after =
      'Contact $.ContactId mentioned cancelling twice in the last five minutes. Consider barging in before the customer hangs up.';
    const out = text(plan([update([{ path: 'Content', op: 'change', before, after }])]));
    expect(linesWith(out, 'Content')).toEqual([
      '      ~ Content: Contact $.ContactId mentioned [-cancelling.-]{+cancelling twice in the last five minutes.+} Consider barging [-in.-]{+in before the customer hangs up.+}',
    ]);
  });

  it('says who changed the live resource last, as far as its API tells', () => {
    const p = plan([
      update([], { name: 'both', attribution: { at: '2026-11-29T10:00:00Z', by: 'arn:aws:iam::1:user/jane' } }),
      update([], { name: 'when', attribution: { at: '2026-11-29T10:00:00Z' } }),
      update([], { name: 'unknown', attribution: {} }),
      update([], { name: 'absent' }),
    ]);
    const out = text(p);
    expect(linesWith(out, '# last')).toEqual([
      '      # last changed 2026-11-29T10:00:00Z by arn:aws:iam::1:user/jane',
      '      # last changed 2026-11-29T10:00:00Z',
      '      # last change: not reported by this API',
    ]);
    expect(linesWith(markdown(p), '_last')).toEqual([
      '_last changed 2026-11-29T10:00:00Z by arn:aws:iam::1:user/jane_',
      '_last changed 2026-11-29T10:00:00Z_',
      '_last change: not reported by this API_',
    ]);
  });

  it('shows a create and a delete as the YAML body, a create without rows from the body it will send', () => {
    const p = plan([
      {
        kind: 'customAction',
        name: 'page',
        action: 'create',
        fields: [],
        desired: { ActionName: 'page', Definition: { CommandText: 'echo hi' } },
      },
      { kind: 'rule', name: 'gone', action: 'delete', fields: [{ path: 'Function', op: 'remove', before: 'a\nb' }] },
    ]);
    expect(text(p)).toContain(
      '  + customAction "page"\n      ActionName: page\n      Definition:\n        CommandText: echo hi\n',
    );
    expect(text(p)).toContain('  - rule "gone"\n      Function: |-\n        a\n        b\n');
  });

  it('names unmanaged resources, at most 20 per kind, and tells what prune would do', () => {
    const unmanaged = Array.from({ length: 25 }, (_, i) => ({ kind: 'taskTemplate' as const, name: `t${i}` }));
    const out = text(plan([], { unmanaged }));
    const line = linesWith(out, '"t0"')[0];
    expect(line.match(/"t\d+"/g)).toHaveLength(20);
    expect(line).toMatch(/"t19", and 5 more$/);
    expect(out).toContain(
      'settings.prune deletes only resources connectform marked as its own; Lex channel associations only when prune lists lexChannelAssociation',
    );
    const md = markdown(plan([], { unmanaged }));
    expect(linesWith(md, '`t0`')[0]).toMatch(/^- taskTemplate: `t0`, .*`t19`, and 5 more$/);
  });
});

describe('markdown', () => {
  it('is titled for the command: plan or drift', () => {
    expect(markdown(plan([]))).toMatch(/^## connectform plan\n/);
    expect(markdown(plan([]), 'drift')).toMatch(/^## connectform drift\n/);
  });

  it("shows each target's region and instance in the summary table", () => {
    const md = markdown(plan([], { scope: { region: 'eu-west-2', instanceId: 'abc-123' } }));
    expect(md).toContain('| dev | eu-west-2 | `abc-123` |');
  });

  it('shows deletes and replaces open, first, and everything else collapsed', () => {
    const p = plan([
      update([{ path: 'Function', op: 'change', before: 'a', after: 'b' }], { name: 'changed' }),
      { kind: 'rule', name: 'gone', action: 'delete', fields: [] },
      update(
        [{ path: 'TriggerEventSource.EventSourceName', op: 'change', impact: 'replace', before: 'A', after: 'B' }],
        { name: 'swapped', action: 'replace', renamedFrom: 'old-name' },
      ),
    ]);
    const md = markdown(p);
    const gone = md.indexOf('**delete** rule `gone`');
    const swapped = md.indexOf('**replace** rule `swapped` (renamed from `old-name`)');
    const changed = md.indexOf('<details><summary><b>update</b> rule <code>changed</code></summary>');
    expect(gone).toBeGreaterThan(0);
    expect(swapped).toBeGreaterThan(gone);
    expect(changed).toBeGreaterThan(swapped);
    expect(md.slice(0, changed)).not.toContain('<details>');
  });

  it('never cuts a changed line of a long multi-line value: unchanged context is trimmed instead', () => {
    const before = Array.from({ length: 200 }, (_, i) => `AND $.Attribute${i} = "value ${i} ${'x'.repeat(80)}"`);
    const after = [...before];
    after[50] = after[50].replace('value 50', 'value fifty');
    after[150] = `${after[150]} OR $.Extra = true`;
    const md = markdown(
      plan([update([{ path: 'Function', op: 'change', before: before.join('\n'), after: after.join('\n') }])]),
    );
    for (const i of [50, 150]) {
      expect(md).toContain(`\n-   ${before[i]}\n+   ${after[i]}\n`);
      for (const d of [-3, 3]) expect(md).toContain(`\n    ${before[i + d]}\n`); // its context
    }
    expect(md).not.toContain(before[100]);
    expect(md).toContain('\n@@ 47 unchanged lines @@\n');
    expect(md).toContain('\n@@ 93 unchanged lines @@\n');
    expect(md).toContain('\n@@ 46 unchanged lines @@\n');
  });

  it('keeps a long one-line value whole on both sides', () => {
    const long = `${'word '.repeat(100)}end`;
    const md = markdown(plan([update([{ path: 'Content', op: 'change', before: long, after: `${long}!` }])]));
    expect(md).toContain(`\n- Content: ${long}\n+ Content: ${long}!\n`);
  });

  it('stays within the budget, destructive changes kept first, with a note for what is left out', () => {
    const big = (i: number) =>
      update(
        [{ path: 'Function', op: 'change', before: `${'a'.repeat(3000)}${i}`, after: `${'b'.repeat(3000)}${i}` }],
        { name: `big-${String(i).padStart(2, '0')}` },
      );
    const p = plan([
      ...Array.from({ length: 40 }, (_, i) => big(i)),
      { kind: 'taskTemplate', name: 'zz-gone', action: 'delete', fields: [] },
    ]);
    const md = markdown(p);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_BUDGET + 200);
    expect(md).toContain('**delete** taskTemplate `zz-gone`');
    const shown = (md.match(/<code>big-\d+<\/code>/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(md).toContain(`_${40 - shown} more change(s) not shown to fit a pull-request comment;`);
  });

  it('keeps the header of a delete too long for the comment, saying its differences are left out', () => {
    const huge = Array.from({ length: 2000 }, (_, i) => `AND $.Attribute${i} = "${'v'.repeat(40)}"`).join('\n');
    const md = markdown(
      plan([
        { kind: 'rule', name: 'huge', action: 'delete', fields: [{ path: 'Function', op: 'remove', before: huge }] },
      ]),
    );
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_BUDGET);
    expect(md).toContain('\n**delete** rule `huge`\n\n_Its differences do not fit in a pull-request comment;');
    expect(md).not.toContain('more change(s) not shown');
  });

  it('shows notes in one short line each', () => {
    const md = markdown(
      plan([], {
        notes: ['12 resource(s) from the snapshot cache (apply re-reads what it changes; --refresh reads all)'],
      }),
    );
    expect(md).toContain(
      '\nNote: 12 resource(s) from the snapshot cache (apply re-reads what it changes; --refresh reads all)\n',
    );
  });
});

describe('the sequence diff under both outputs', () => {
  /** A small deterministic generator, so a failure can be replayed. */
  function random(seed: number) {
    return () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
  }

  it('gives back both sides exactly, and hunking keeps every change', () => {
    const next = random(7);
    for (let round = 0; round < 300; round++) {
      const before = Array.from({ length: Math.floor(next() * 30) }, () => 'abcde'[Math.floor(next() * 5)]);
      const after = before.flatMap((t) =>
        next() < 0.2 ? [] : next() < 0.2 ? [t, 'xyz'[Math.floor(next() * 3)]] : [t],
      );
      const parts = diffSequences(before, after);
      expect(parts.filter((p) => p.op !== 'add').map((p) => p.text)).toEqual(before);
      expect(parts.filter((p) => p.op !== 'remove').map((p) => p.text)).toEqual(after);
      const hunked = hunks(parts, 3);
      expect(hunked.filter((p) => p.op === 'add' || p.op === 'remove')).toEqual(parts.filter((p) => p.op !== 'same'));
      // what is skipped is unchanged, and counted right
      const skipped = hunked.reduce((n, p) => n + (p.op === 'skip' ? p.count : 0), 0);
      expect(skipped + hunked.filter((p) => p.op !== 'skip').length).toBe(parts.length);
    }
  });

  it('finds the one changed line among many (not everything removed and added)', () => {
    const before = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    const after = before.map((l, i) => (i === 20 ? 'changed' : l));
    expect(diffSequences(before, after).filter((p) => p.op !== 'same')).toEqual([
      { op: 'remove', text: 'line 20' },
      { op: 'add', text: 'changed' },
    ]);
  });

  it('splits words keeping the white space, so the words join back to the text', () => {
    expect(words('a  b\tc ').join('')).toBe('a  b\tc ');
  });
});
