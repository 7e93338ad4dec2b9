/**
 * The rule kind's pure parts: key, normalize (what is a set, what is a reference, what the server
 * adds), audit (every semantic check, at its YAML position) and replaceReason. No network: the
 * wire side runs in the battery against the sandbox.
 */
import { describe, expect, it, vi } from 'vitest';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { MARKER_TAG_KEY, MARKER_TAG_VALUE } from '../../src/kinds/common.js';
import type { Body } from '../../src/kinds/types.js';
import { exampleFunction } from '../../src/kinds/rule-function/examples.js';
import { ruleFixture } from '../battery/fixtures/rule.js';
import { declareBodies as declareBodiesOf, declareYaml, diffPaths } from '../helpers/declare.js';

// The schema getter is not under test; keep the generator (a script) out of the module graph.
vi.mock('../../src/config/generate-schemas.js', () => ({ buildKindSchema: () => ({}) }));
const { ruleKind: kind, INTEGRATION_SOURCES } = await import('../../src/kinds/rule.js');

const FLOWS = [
  { id: '11111111-1111-4111-8111-111111111111', name: 'Escalation' },
  { id: '55555555-5555-4555-8555-555555555555', name: 'Task routing' },
  { id: '66666666-6666-4666-8666-666666666666', name: 'Escalation v2' },
];
const flows = new ContactFlowDirectory(
  FLOWS.map((f) => ({ ...f, arn: `arn:aws:connect:us-east-1:123456789012:instance/i-1/contact-flow/${f.id}` })),
);
const idOf = (name: string) => FLOWS.find((f) => f.name === name)!.id;
const norm = (b: Body) => kind.normalize(b, { flows });

function errorsOf(body: Body, withFlows = true): string[] {
  const all = declareBodiesOf('rule', [body]);
  return kind
    .audit(all[0], { all, flows: withFlows ? flows : undefined })
    .filter((p) => p.severity === 'error')
    .map((p) => `${p.path}: ${p.message}`);
}

/** A minimal valid analysis rule to break one check at a time. */
function minimal(): Body {
  return {
    Name: 'r',
    TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
    Function: exampleFunction('OnPostCallAnalysisAvailable'),
    PublishStatus: 'PUBLISHED',
    Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'ev' } }],
  };
}

/** What DescribeRule returns for a declared body: server fields, flow ids, the marker tag. */
function liveOf(body: Body): Body {
  const b = structuredClone(body) as Record<string, any>;
  for (const a of b.Actions ?? [])
    if (a.TaskAction?.ContactFlowId?.name) a.TaskAction.ContactFlowId = idOf(a.TaskAction.ContactFlowId.name);
  return {
    ...b,
    // DescribeRule's string, spaced and ordered its own way.
    Function: `${JSON.stringify(typeof b.Function === 'string' ? JSON.parse(b.Function) : b.Function, null, 1)}\n`,
    Actions: [...(b.Actions ?? [])].reverse(),
    RuleId: 'rule-1',
    RuleArn: 'arn:aws:connect:us-east-1:123456789012:instance/i-1/rule/rule-1',
    CreatedTime: new Date('2026-01-01T00:00:00Z'),
    LastUpdatedTime: new Date('2026-01-02T00:00:00Z'),
    LastUpdatedBy: 'arn:aws:iam::123456789012:user/admin',
    Tags: { ...b.Tags, [MARKER_TAG_KEY]: MARKER_TAG_VALUE },
  };
}

describe('rule kind: declaration', () => {
  it('is keyed by Name, replaces on TriggerEventSource, carries the marker and uses flows', () => {
    expect(kind.key({ Name: 'escalate' })).toBe('escalate');
    expect(kind.configKey).toBe('rules');
    expect(kind.capabilities).toEqual({
      create: true,
      update: true,
      delete: true,
      marker: true,
      usesContactFlows: true,
    });
  });
});

describe('rule kind: normalize', () => {
  it('makes the live form of every fixture body equal to the declared form', () => {
    for (const body of ruleFixture.base)
      expect(diffPaths(norm(liveOf(body)), norm(body), 'rule'), String(body.Name)).toEqual([]);
  });

  it('keeps only the fields a config describes, hides the marker, parses the Function', () => {
    const n = norm(liveOf(ruleFixture.base[0]));
    expect(Object.keys(n).sort()).toEqual([
      'Actions',
      'Function',
      'Name',
      'PublishStatus',
      'Tags',
      'TriggerEventSource',
    ]);
    expect(n.Tags).toEqual({ cost: 'cc-1', env: 'test', team: 'care' });
    expect(n.Function).toEqual(exampleFunction('OnPostCallAnalysisAvailable'));
    // Only the marker: no Tags at all, like a body that declares none.
    expect(norm({ ...minimal(), Tags: { [MARKER_TAG_KEY]: MARKER_TAG_VALUE } })).toEqual(norm(minimal()));
  });

  it('treats Actions, notification recipients and pre-evaluation conditions as sets', () => {
    const reordered = ruleFixture.reorderSet(ruleFixture.base);
    expect(reordered).not.toEqual(ruleFixture.base);
    for (const [i, b] of ruleFixture.base.entries()) expect(diffPaths(norm(b), norm(reordered[i]), 'rule')).toEqual([]);

    const notify = (ids: string[]) => ({
      ...minimal(),
      TriggerEventSource: { EventSourceName: 'OnMetricDataUpdate' },
      Actions: [
        {
          ActionType: 'SEND_NOTIFICATION',
          SendNotificationAction: { DeliveryMethod: 'EMAIL', Content: 'c', Recipient: { UserIds: ids } },
        },
      ],
    });
    expect(norm(notify(['b', 'a']))).toEqual(norm(notify(['a', 'b'])));
    const filtered = (conds: unknown[]) => ({ ...minimal(), PreEvaluationFilters: { AndConditions: conds } });
    expect(norm(filtered([{ A: 1 }, { B: 2 }]))).toEqual(norm(filtered([{ B: 2 }, { A: 1 }])));
  });

  it('shows a known flow id as its name and keeps an unknown id, so it still diffs', () => {
    const withFlow = (ref: unknown) => ({
      ...minimal(),
      Actions: [{ ActionType: 'CREATE_TASK', TaskAction: { Name: 't', ContactFlowId: ref } }],
    });
    const action = (b: Body) => (b.Actions as { TaskAction: { ContactFlowId: unknown } }[])[0].TaskAction.ContactFlowId;
    expect(action(norm(withFlow(idOf('Task routing'))))).toEqual({ name: 'Task routing' });
    expect(action(norm(withFlow('aaaaaaaa-0000-4000-8000-000000000000')))).toBe('aaaaaaaa-0000-4000-8000-000000000000');
  });

  it('fills the empty definitions AWS returns ({}) for actions that carry none', () => {
    const declared = { ...minimal(), Actions: [{ ActionType: 'ASSIGN_CONTACT_CATEGORY' }] };
    const live = {
      ...minimal(),
      Actions: [{ ActionType: 'ASSIGN_CONTACT_CATEGORY', AssignContactCategoryAction: {} }],
    };
    expect(norm(declared)).toEqual(norm(live));
  });

  it('does not modify its input', () => {
    const body = liveOf(ruleFixture.base[0]);
    const copy = structuredClone(body);
    norm(body);
    expect(body).toEqual(copy);
  });
});

describe('rule kind: audit', () => {
  it('accepts every fixture body and the minimal rule', () => {
    for (const body of [...ruleFixture.base, minimal()]) expect(errorsOf(body), String(body.Name)).toEqual([]);
  });

  it('an action on an event source it is not supported on, naming the supported ones', () => {
    const body = {
      ...minimal(),
      TriggerEventSource: { EventSourceName: 'OnMetricDataUpdate' },
      Actions: [{ ActionType: 'CREATE_CASE', CreateCaseAction: { Fields: [], TemplateId: 't' } }],
    };
    expect(errorsOf(body)).toEqual([
      'rules[0].Actions[0].ActionType: action CREATE_CASE is not supported on event source OnMetricDataUpdate',
    ]);
  });

  it('an action without its definition, and a definition of another type', () => {
    expect(errorsOf({ ...minimal(), Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT' }] })).toEqual([
      'rules[0].Actions[0]: action GENERATE_EVENTBRIDGE_EVENT needs its EventBridgeAction',
    ]);
    expect(
      errorsOf({
        ...minimal(),
        Actions: [
          { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'e' }, TaskAction: { Name: 't' } },
        ],
      }),
    ).toEqual([
      'rules[0].Actions[0].TaskAction: TaskAction does not belong to an action of type GENERATE_EVENTBRIDGE_EVENT',
    ]);
  });

  it('an unknown contact flow name, with the nearest ones; unchecked when the flows are unknown', () => {
    const body = {
      ...minimal(),
      Actions: [{ ActionType: 'CREATE_TASK', TaskAction: { Name: 't', ContactFlowId: { name: 'Escalaton' } } }],
    };
    expect(errorsOf(body)).toEqual([
      expect.stringMatching(
        /^rules\[0\]\.Actions\[0\]\.TaskAction\.ContactFlowId: unknown contact flow "Escalaton"; nearest: "Escalation"/,
      ),
    ]);
    expect(errorsOf(body, false)).toEqual([]);
  });

  it('the marker tag is reserved', () => {
    expect(errorsOf({ ...minimal(), Tags: { [MARKER_TAG_KEY]: 'true' } })).toEqual([
      `rules[0].Tags["${MARKER_TAG_KEY}"]: the tag ${MARKER_TAG_KEY} is reserved for connectform (it marks what connectform created)`,
    ]);
  });

  it.each(INTEGRATION_SOURCES)('a rule on %s needs a CREATE_TASK action', (source) => {
    const body = {
      ...minimal(),
      TriggerEventSource: { EventSourceName: source, IntegrationAssociationId: 'ia-1' },
      Function: exampleFunction(source),
      Actions: [{ ActionType: 'ASSIGN_CONTACT_CATEGORY', AssignContactCategoryAction: {} }],
    };
    expect(errorsOf(body)).toEqual([
      expect.stringMatching(new RegExp(`^rules\\[0\\]\\.Actions: rules on ${source} need a CREATE_TASK action`)),
    ]);
  });

  // CloudFormation, AWS::Connect::Rule RuleTriggerEventSource: "IntegrationAssociationArn is
  // required if TriggerEventSource is one of the following values: OnZendeskTicketCreate |
  // OnZendeskTicketStatusUpdate | OnSalesforceCaseCreate"; the sandbox refuses the same
  // (test/sandbox/fidelity.test.ts › rules on integration event sources).
  it.each(INTEGRATION_SOURCES)('a rule on %s needs TriggerEventSource.IntegrationAssociationId', (source) => {
    const task = [{ ActionType: 'CREATE_TASK', TaskAction: { Name: 't', ContactFlowId: { name: 'Escalation' } } }];
    expect(
      errorsOf({
        ...minimal(),
        TriggerEventSource: { EventSourceName: source },
        Function: exampleFunction(source),
        Actions: task,
      }),
    ).toEqual([
      expect.stringMatching(
        new RegExp(
          `^rules\\[0\\]\\.TriggerEventSource: rules on ${source} need TriggerEventSource\\.IntegrationAssociationId`,
        ),
      ),
    ]);
    expect(
      errorsOf({
        ...minimal(),
        TriggerEventSource: { EventSourceName: source, IntegrationAssociationId: 'ia-1' },
        Function: exampleFunction(source),
        Actions: task,
      }),
    ).toEqual([]);
    // Not required on the API reference's wider list (a known unknown, docs/FIDELITY.md).
    expect(
      errorsOf({
        ...minimal(),
        TriggerEventSource: { EventSourceName: 'OnContactEvaluationSubmit' },
        Function: exampleFunction('OnContactEvaluationSubmit'),
      }),
    ).toEqual([]);
  });

  // Connect: "Maximum number of tags per resource – 50", and CreateRule sends the marker too.
  it('leaves room for the marker in the 50 tags a rule holds', () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect(errorsOf({ ...minimal(), Tags: tags(49) })).toEqual([]);
    expect(errorsOf({ ...minimal(), Tags: tags(50) })).toEqual([
      "rules[0].Tags: 50 tags; a rule holds at most 50 and connectform's marker takes one, so at most 49",
    ]);
  });

  it('points at the YAML position of the offending node', () => {
    const text = [
      'rules:',
      '  - Name: r',
      '    TriggerEventSource: { EventSourceName: OnSlaBreach }',
      `    Function: '${JSON.stringify(exampleFunction('OnSlaBreach'))}'`,
      '    PublishStatus: PUBLISHED',
      '    Actions:',
      '      - ActionType: UPDATE_CASE',
      '        UpdateCaseAction: { Fields: [] }',
    ].join('\n');
    const [d] = declareYaml('rule', text, 'rules');
    const [problem] = kind.audit(d, { all: [d], flows });
    expect(problem.pos).toEqual({ file: 'connectform.yaml', line: 7, col: 21 });
  });
});

describe('rule kind: replaceReason', () => {
  it('a new TriggerEventSource is a replace', () => {
    expect(kind.replaceReason(minimal(), minimal(), ['TriggerEventSource', 'Function'])).toBe(
      'UpdateRule cannot change TriggerEventSource',
    );
  });

  it('a rename is a replace except on the Zendesk/Salesforce sources', () => {
    expect(kind.replaceReason(minimal(), { ...minimal(), Name: 's' }, ['Name'])).toMatch(
      /^UpdateRule renames only rules on OnZendeskTicketCreate/,
    );
    const zendesk = ruleFixture.base[2];
    expect(kind.replaceReason(zendesk, { ...zendesk, Name: 'renamed' }, ['Name'])).toBeUndefined();
  });

  it('anything else is an update', () => {
    expect(
      kind.replaceReason(minimal(), minimal(), [
        'Function',
        'Actions',
        'PublishStatus',
        'Tags',
        'PreEvaluationFilters',
      ]),
    ).toBeUndefined();
  });
});
