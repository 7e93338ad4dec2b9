/**
 * The pure planner: classification, field paths, ignoreChanges, renames, pruning scope and the
 * safety rails. Real kinds (rule) with their own normalize; no AWS.
 */
import { describe, expect, it } from 'vitest';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { buildPlan, MARKER_PATH, type JournalView, type PlanInput } from '../../src/engine/planner.js';
import { customActionKind } from '../../src/kinds/custom-action.js';
import { ruleKind } from '../../src/kinds/rule.js';
import { taskTemplateKind } from '../../src/kinds/task-template.js';
import type { Body, DeclaredResource, Lifecycle, LiveResource } from '../../src/kinds/types.js';
import { exampleFunction, exampleFunctionJson } from '../helpers/rule-function.js';

const flows = new ContactFlowDirectory([{ id: 'f-1', name: 'Escalation' }]);
const pos = { file: 'c.yaml', line: 1, col: 1 };

const rule = (name: string, extra: Partial<Body> = {}): Body => ({
  Name: name,
  TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
  // Live bodies hold DescribeRule's string; declared ones here the same (a config may write either).
  Function: exampleFunctionJson('OnPostCallAnalysisAvailable', 1),
  PublishStatus: 'PUBLISHED',
  Actions: [{ ActionType: 'CREATE_TASK', TaskAction: { Name: 't', ContactFlowId: { name: 'Escalation' } } }],
  ...extra,
});

const declared = (body: Body, lifecycle: Lifecycle = {}): DeclaredResource => ({
  kind: 'rule',
  body,
  lifecycle,
  pos,
  positionOf: () => pos,
});

/** Live rules come back with flow ids, server fields and the marker tag. */
const live = (body: Body, managed = true): LiveResource => {
  const b = structuredClone(body);
  for (const a of b.Actions as { TaskAction?: { ContactFlowId?: unknown } }[])
    if (a.TaskAction) a.TaskAction.ContactFlowId = 'f-1';
  return {
    kind: 'rule',
    key: String(b.Name),
    id: `id-${b.Name}`,
    body: { ...b, RuleArn: 'arn', CreatedTime: new Date(0) },
    managed,
    version: 'v1',
  };
};

const plan = (decl: DeclaredResource[], lives: LiveResource[], extra: Partial<PlanInput> = {}) =>
  buildPlan({
    target: 't',
    scope: { region: 'us-east-2', instanceId: 'i' },
    configFingerprint: 'f',
    kinds: [ruleKind],
    declared: decl,
    live: new Map([['rule', lives]]),
    flows,
    prune: () => false,
    now: new Date(0),
    ...extra,
  });

describe('planner', () => {
  it('sees no change when only server fields, flow id vs name and set order differ', () => {
    const body = rule('a', {
      Actions: [
        { ActionType: 'ASSIGN_CONTACT_CATEGORY', AssignContactCategoryAction: {} },
        ...(rule('a').Actions as Body[]),
      ],
    });
    const reordered = {
      ...body,
      Actions: [...(body.Actions as Body[])].reverse(),
      Function: exampleFunction('OnPostCallAnalysisAvailable', 1),
    }; // the mapping form
    const p = plan([declared(reordered)], [live(body)]);
    expect(p.changes).toEqual([]);
    expect(p.summary.unchanged).toBe(1);
  });

  it('classifies create, update (with field paths), replace and unmanaged', () => {
    const p = plan(
      [
        declared(rule('new')),
        declared(rule('upd', { Function: exampleFunction('OnPostCallAnalysisAvailable', 2) })),
        declared(
          rule('rep', {
            TriggerEventSource: { EventSourceName: 'OnPostChatAnalysisAvailable' },
            Function: exampleFunction('OnPostChatAnalysisAvailable', 1),
          }),
        ),
      ],
      [live(rule('upd')), live(rule('rep')), live(rule('other'))],
    );
    expect(p.changes.map((c) => [c.name, c.action])).toEqual([
      ['new', 'create'],
      ['rep', 'replace'],
      ['upd', 'update'],
    ]);
    expect(p.changes.find((c) => c.name === 'upd')!.fields).toEqual([
      {
        path: 'Function.RuleFunction.Operands[ComparisonValue="$.ContactLens.PostCall.ExactMatch.Transcript",Operator="CONTAINS_ANY",FilterClause="ParticipantRole=CUSTOMER"].Operands[="refund 1"]',
        op: 'change',
        impact: 'update',
        before: 'refund 1',
        after: 'refund 2',
      },
    ]);
    expect(p.changes.find((c) => c.name === 'rep')!.reason).toMatch(/TriggerEventSource/);
    expect(p.unmanaged).toEqual([{ kind: 'rule', name: 'other' }]);
    expect(p.summary).toMatchObject({ create: 1, update: 1, replace: 1, delete: 0, unmanaged: 1 });
  });

  it('prunes only what carries the marker', () => {
    const p = plan([], [live(rule('mine')), live(rule('theirs'), false)], { prune: () => true });
    expect(p.changes.map((c) => [c.name, c.action])).toEqual([['mine', 'delete']]);
    expect(p.unmanaged).toEqual([{ kind: 'rule', name: 'theirs' }]);
  });

  it('ignoreChanges hides a difference and keeps the live value in what update sends', () => {
    const p = plan(
      [
        declared(rule('a', { Function: exampleFunction('OnPostCallAnalysisAvailable', 9), PublishStatus: 'DRAFT' }), {
          ignoreChanges: ['Function'],
        }),
      ],
      [live(rule('a'))],
    );
    expect(p.changes).toHaveLength(1);
    expect(p.changes[0].fields.map((f) => f.path)).toEqual(['PublishStatus']);
    expect(p.changes[0].desired!.Function).toEqual(exampleFunction('OnPostCallAnalysisAvailable', 1));
  });

  it('renamedFrom renames in place on integration sources and replaces elsewhere', () => {
    const zendesk = { TriggerEventSource: { EventSourceName: 'OnZendeskTicketCreate' } };
    const p1 = plan([declared(rule('b', zendesk), { renamedFrom: 'a' })], [live(rule('a', zendesk))]);
    expect(p1.changes.map((c) => [c.name, c.action, c.renamedFrom])).toEqual([['b', 'update', 'a']]);
    const p2 = plan([declared(rule('b'), { renamedFrom: 'a' })], [live(rule('a'))]);
    expect(p2.changes.map((c) => [c.name, c.action])).toEqual([['b', 'replace']]);
    expect(p2.changes[0].reason).toMatch(/renames only/);
  });

  it('blocks a replace of a preventDestroy resource', () => {
    const p = plan(
      [
        declared(rule('a', { TriggerEventSource: { EventSourceName: 'OnPostChatAnalysisAvailable' } }), {
          preventDestroy: true,
        }),
      ],
      [live(rule('a'))],
    );
    expect(p.blocked).toEqual([expect.objectContaining({ rule: 'preventDestroy', name: 'a' })]);
  });

  it('blocks deletes above the threshold once a kind has enough managed resources', () => {
    const lives = Array.from({ length: 10 }, (_, i) => live(rule(`r${i}`)));
    const keep = (n: number) => lives.slice(0, n).map((l) => declared(rule(l.key)));
    const prune = () => true;
    expect(plan(keep(7), lives, { prune }).blocked).toEqual([]); // 3 of 10 = 30%: allowed
    const p = plan(keep(6), lives, { prune }); // 4 of 10
    expect(p.blocked).toEqual([expect.objectContaining({ rule: 'threshold', kind: 'rule' })]);
    expect(p.blocked[0].message).toMatch(/4 of 10/);
    expect(plan(keep(6), lives, { prune, threshold: { percent: 50, minResources: 10 } }).blocked).toEqual([]);
    expect(plan([], lives.slice(0, 9), { prune }).blocked).toEqual([]); // fewer than 10: no threshold
  });

  it('is sorted and stable: same input, same plan text', () => {
    const input = [declared(rule('z')), declared(rule('a')), declared(rule('m'))];
    const a = JSON.stringify(plan(input, []));
    const b = JSON.stringify(plan([...input].reverse(), []));
    expect(a).toBe(b);
    expect(plan(input, []).changes.map((c) => c.name)).toEqual(['a', 'm', 'z']);
  });

  it('marks per row what forces a replace: the forcing field replace, every other row update', () => {
    const p = plan(
      [
        declared(
          rule('rep', {
            TriggerEventSource: { EventSourceName: 'OnPostChatAnalysisAvailable' },
            Function: exampleFunction('OnPostChatAnalysisAvailable', 2),
          }),
        ),
        declared(rule('upd', { Function: exampleFunction('OnPostCallAnalysisAvailable', 2) })),
      ],
      [live(rule('rep')), live(rule('upd'))],
    );
    const [rep, upd] = [p.changes.find((c) => c.name === 'rep')!, p.changes.find((c) => c.name === 'upd')!];
    expect(rep.action).toBe('replace');
    expect(rep.fields.map((f) => [f.path.split('[')[0], f.impact])).toEqual([
      ['Function.RuleFunction.Operands', 'update'], // the post-call condition out
      ['Function.RuleFunction.Operands', 'update'], // the post-chat condition in
      ['TriggerEventSource.EventSourceName', 'replace'],
    ]);
    expect(upd.fields.map((f) => f.impact)).toEqual(['update']);
    expect(plan([declared(rule('new'))], []).changes[0].fields.every((f) => f.impact === undefined)).toBe(true);
  });

  it("marks a rename's Name row replace where UpdateRule cannot rename, keeping the reason", () => {
    const p = plan([declared(rule('b', { PublishStatus: 'DRAFT' }), { renamedFrom: 'a' })], [live(rule('a'))]);
    expect(p.changes[0].reason).toMatch(/renames only/);
    expect(p.changes[0].fields.map((f) => [f.path, f.impact])).toEqual([
      ['Name', 'replace'],
      ['PublishStatus', 'update'],
    ]);
  });

  it("marks a custom action's removed AliasName replace, other rows update", () => {
    const action = (extra: Body): Body => ({
      ActionName: 'ca',
      Definition: { CommandText: 'sts get-caller-identity' },
      ...extra,
    });
    const p = buildPlan({
      target: 't',
      scope: { region: 'us-east-2', instanceId: 'i' },
      configFingerprint: 'f',
      kinds: [customActionKind],
      declared: [
        {
          kind: 'customAction',
          body: action({ Definition: { CommandText: 'sts get-session-token' } }),
          lifecycle: {},
          pos,
          positionOf: () => pos,
        },
      ],
      live: new Map([
        [
          'customAction',
          [
            {
              kind: 'customAction',
              key: 'ca',
              id: 'arn',
              body: action({ AliasName: 'who' }),
              managed: true,
              version: 'v',
            },
          ],
        ],
      ]),
      flows,
      prune: () => false,
    });
    expect(p.changes[0].action).toBe('replace');
    expect(p.changes[0].reason).toMatch(/AliasName/);
    expect(p.changes[0].fields.map((f) => [f.path, f.impact])).toEqual([
      ['AliasName', 'replace'],
      ['Definition.CommandText', 'update'],
    ]);
  });

  describe('ignoreChanges with identity paths', () => {
    const twoTasks = (x: string, y: string) => rule('a', { Actions: [task('x', x), task('y', y)] });
    const task = (name: string, description: string) => ({
      ActionType: 'CREATE_TASK',
      TaskAction: { Name: name, Description: description, ContactFlowId: { name: 'Escalation' } },
    });
    const descriptionOf = (body: Body | undefined, name: string) =>
      (body!.Actions as { TaskAction?: { Name: string; Description: string } }[]).find(
        (a) => a.TaskAction?.Name === name,
      )!.TaskAction!.Description;

    it('hides one element by identity and sends its live value, while the other still updates', () => {
      const p = plan(
        [
          declared(twoTasks('x2', 'y2'), {
            ignoreChanges: ['Actions[ActionType="CREATE_TASK",TaskAction.Name="x"].TaskAction.Description'],
          }),
        ],
        [live(twoTasks('x1', 'y1'))],
      );
      expect(p.changes[0].fields.map((f) => f.path)).toEqual([
        'Actions[ActionType="CREATE_TASK",TaskAction.Name="y"].TaskAction.Description',
      ]);
      expect(descriptionOf(p.changes[0].desired, 'x')).toBe('x1');
      expect(descriptionOf(p.changes[0].desired, 'y')).toBe('y2');
    });

    it('an entry without the element hides that member of every element', () => {
      const p = plan(
        [declared(twoTasks('x2', 'y2'), { ignoreChanges: ['Actions.TaskAction.Description'] })],
        [live(twoTasks('x1', 'y1'))],
      );
      expect(p.changes).toEqual([]);
    });

    it('a hidden addition is left out of what update sends; a hidden removal is put back', () => {
      const category = { ActionType: 'ASSIGN_CONTACT_CATEGORY', AssignContactCategoryAction: {} };
      const bridge = { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'e' } };
      const ignoreChanges = [
        'Actions[ActionType="ASSIGN_CONTACT_CATEGORY"]',
        'Actions[ActionType="GENERATE_EVENTBRIDGE_EVENT"]',
      ];
      const p = plan(
        [
          declared(
            rule('a', {
              Actions: [task('x', 'd'), category],
              Function: exampleFunction('OnPostCallAnalysisAvailable', 2),
            }),
            {
              ignoreChanges,
            },
          ),
        ],
        [live(rule('a', { Actions: [task('x', 'd'), bridge] }))],
      );
      expect(p.changes[0].fields.map((f) => f.path.split('.')[0])).toEqual(['Function']);
      expect((p.changes[0].desired!.Actions as Body[]).map((a) => a.ActionType).sort()).toEqual([
        'CREATE_TASK',
        'GENERATE_EVENTBRIDGE_EVENT',
      ]);
    });

    it('puts a hidden template field back as it is live, at its live position', () => {
      const field = (name: string, type = 'TEXT') => ({ Id: { Name: name }, Type: type });
      const template = (fields: Body[]): Body => ({ Name: 'tt', Fields: fields });
      const p = buildPlan({
        target: 't',
        scope: { region: 'us-east-2', instanceId: 'i' },
        configFingerprint: 'f',
        kinds: [taskTemplateKind],
        declared: [
          {
            kind: 'taskTemplate',
            body: template([field('A'), field('B'), field('New'), field('Notes', 'URL')]),
            lifecycle: { ignoreChanges: ['Fields[Id.Name="Notes"]'] },
            pos,
            positionOf: () => pos,
          },
        ],
        live: new Map([
          [
            'taskTemplate',
            [
              {
                kind: 'taskTemplate',
                key: 'tt',
                id: 'id',
                body: template([field('Notes'), field('A'), field('B')]),
                managed: true,
                version: 'v',
              },
            ],
          ],
        ]),
        flows,
        prune: () => false,
      });
      expect(p.changes[0].fields.map((f) => [f.op, f.path])).toEqual([['add', 'Fields[Id.Name="New"]']]);
      expect((p.changes[0].desired!.Fields as Body[]).map((f) => [(f.Id as Body).Name, f.Type])).toEqual([
        ['Notes', 'TEXT'],
        ['A', 'TEXT'],
        ['B', 'TEXT'],
        ['New', 'TEXT'],
      ]);
    });
  });

  it('rejects a hand-written marker tag on a rule', () => {
    const d = declared(rule('a', { Tags: { 'connectform:managed': 'true' } }));
    expect(ruleKind.audit(d, { all: [d] }).map((p) => p.message)).toEqual([
      expect.stringMatching(/reserved for connectform/),
    ]);
  });

  describe('what the journal says an interrupted apply left', () => {
    /** A journal as the planner reads it: fixed answers (src/engine/pending.ts decides them; test/engine/journal.test.ts). */
    const journal = (o: Partial<JournalView>): JournalView => ({
      adoption: () => undefined,
      interruptedReplace: () => undefined,
      interruptedReplaces: () => [],
      ...o,
    });

    it('shows the create of a resource a killed replace deleted as its recovery', () => {
      const replaced = { oldId: 'id-a', oldBody: { Name: 'a' } };
      const p = plan([declared(rule('a')), declared(rule('b'))], [], {
        pending: journal({ interruptedReplace: (_k, n) => (n === 'a' ? replaced : undefined) }),
      });
      expect(p.changes.map((c) => [c.name, c.action, c.reason])).toEqual([
        ['a', 'create', 'recovering an interrupted replace of Connect rule "a"; previous body kept in the journal'],
        ['b', 'create', undefined],
      ]);
    });

    it('names an interrupted replace whose resource is no longer declared (its old body is only in the journal)', () => {
      const p = plan([], [], {
        pending: journal({ interruptedReplaces: () => [{ name: 'dropped', replaced: { oldId: 'x', oldBody: {} } }] }),
      });
      expect(p.changes).toEqual([]);
      expect(p.notes).toEqual([
        expect.stringMatching(
          /interrupted replace deleted Connect rule "dropped", which is no longer declared; its previous body is kept in the journal/,
        ),
      ]);
    });

    it('marks an unmarked resource only when the journal proves our create made it; otherwise says why not', () => {
      const body = { Name: 'Intake', Fields: [{ Id: { Name: 'Title' }, Type: 'NAME' }] };
      const d: DeclaredResource = { kind: 'taskTemplate', body, lifecycle: {}, pos, positionOf: () => pos };
      const l: LiveResource = {
        kind: 'taskTemplate',
        key: 'Intake',
        id: 'tt-1',
        body: { ...body, Status: 'ACTIVE' },
        managed: false,
        version: 'v',
      };
      const planWith = (verdict: { adopt: boolean; why: string } | undefined) =>
        plan([d], [], {
          kinds: [taskTemplateKind],
          live: new Map([['taskTemplate', [l]]]),
          pending: journal({ adoption: () => verdict }),
        });

      const ours = planWith({ adopt: true, why: 'its id is ours' });
      expect(ours.changes).toEqual([
        expect.objectContaining({
          name: 'Intake',
          action: 'update',
          mark: true,
          fields: [expect.objectContaining({ path: MARKER_PATH })],
        }),
      ]);

      const theirs = planWith({ adopt: false, why: 'someone else made it' });
      expect(theirs.changes).toEqual([]);
      expect(theirs.notes).toEqual([
        'Connect task template "Intake" is not marked as managed, so prune will never delete it: someone else made it',
      ]);

      expect(planWith(undefined).changes).toEqual([]); // no journaled create: nothing to say
      expect(planWith(undefined).notes).toEqual([]);
    });
  });
});
