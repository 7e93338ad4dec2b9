/**
 * A rule's Function in the Rules Function language: the catalog's checks (one test per kind of
 * catalog entry and per error class), the two written forms, and the plan's condition rows.
 */
import { describe, expect, it } from 'vitest';
import { ruleKind as kind } from '../../src/kinds/rule.js';
import { EVENT_SOURCES, UNDOCUMENTED_SOURCES } from '../../src/kinds/rule-function/catalog.js';
import { checkFunction } from '../../src/kinds/rule-function/check.js';
import { EXAMPLE_SOURCES, exampleFunction } from '../../src/kinds/rule-function/examples.js';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import type { Body } from '../../src/kinds/types.js';
import { diffDetailed } from '../../src/engine/diff.js';
import { declareBodies, declareYaml } from '../helpers/declare.js';

const flows = new ContactFlowDirectory([]);
const norm = (b: Body) => kind.normalize(b, { flows });
const doc = (...conditions: unknown[]) => ({
  Version: '2022-11-25',
  RuleFunction: { Operator: 'AND', Operands: conditions },
});
const problems = (source: string, fn: unknown, unknownConditions?: 'warn') =>
  checkFunction(fn, source, unknownConditions ? { unknownConditions } : {}).map(
    (p) => `${p.severity} ${p.path.join('.')}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`,
  );
const errors = (source: string, fn: unknown) => problems(source, fn).filter((p) => p.startsWith('error'));

const rule = (source: string, fn: unknown): Body => ({
  Name: 'r',
  TriggerEventSource: { EventSourceName: source },
  Function: fn,
  PublishStatus: 'PUBLISHED',
  Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'ev' } }],
});

describe('the condition catalog', () => {
  it('cites a page for every event source and condition', () => {
    for (const [source, s] of Object.entries(EVENT_SOURCES)) {
      expect(s.page, source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/connect\/latest\//);
      for (const c of s.conditions) expect(c.page, c.comparisonValue).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });

  it('has a documented example Function for every documented source, valid for it', () => {
    expect([...EXAMPLE_SOURCES].sort()).toEqual(Object.keys(EVENT_SOURCES).sort());
    for (const source of EXAMPLE_SOURCES) expect(problems(source, exampleFunction(source, 3)), source).toEqual([]);
  });

  it('keeps the undocumented sources apart from the documented ones', () => {
    for (const source of Object.keys(UNDOCUMENTED_SOURCES)) expect(EVENT_SOURCES[source]).toBeUndefined();
  });
});

describe('checks by kind of catalog entry', () => {
  it('string operands: a list of phrases, with the FilterClause the page shows', () => {
    const transcript = (fc: unknown) => ({
      Operator: 'CONTAINS_ANY',
      Operands: ['refund'],
      ComparisonValue: '$.ContactLens.PostCall.ExactMatch.Transcript',
      ...(fc === undefined ? {} : { FilterClause: fc }),
      Negate: true,
    });
    const role = { Type: 'ParticipantRole', Data: 'AGENT' };
    expect(errors('OnPostCallAnalysisAvailable', doc(transcript({ LogicOperator: 'AND', Filters: [role] })))).toEqual(
      [],
    );
    expect(
      errors(
        'OnPostCallAnalysisAvailable',
        doc(
          transcript({
            LogicOperator: 'AND',
            Filters: [role, { Type: 'PostCallContactPeriodSeconds', Data: { Last: 30 } }],
          }),
        ),
      ),
    ).toEqual([]);
    expect(errors('OnPostCallAnalysisAvailable', doc(transcript(undefined)))).toEqual([
      expect.stringMatching(/^error RuleFunction\.Operands\.0: .* needs a FilterClause/),
    ]);
  });

  it('number range: one integer from 0 to 100', () => {
    const pct = (v: unknown, op = 'NumberGreaterOrEqualTo') => ({
      Operator: op,
      Operands: [v],
      ComparisonValue: '$.ContactLens.PostCall.Agent.NonTalkTimePct',
      Negate: false,
    });
    expect(errors('OnPostCallAnalysisAvailable', doc(pct(20)))).toEqual([]);
    expect(errors('OnPostCallAnalysisAvailable', doc(pct(120)))).toEqual([
      expect.stringMatching(/^error RuleFunction\.Operands\.0\.Operands\.0: 120 is out of range \(0 to 100\)/),
    ]);
    expect(errors('OnPostCallAnalysisAvailable', doc(pct('20')))).toEqual([
      expect.stringMatching(/are numbers, not "20" \(write it unquoted\)/),
    ]);
    expect(errors('OnPostCallAnalysisAvailable', doc(pct(2.5)))).toEqual([expect.stringMatching(/must be an integer/)]);
  });

  it('enum: the documented values, with did-you-mean', () => {
    const priority = (v: string) => ({
      Operator: 'EQUALS',
      Operands: [v],
      ComparisonValue: '$.ThirdParty.Zendesk.TicketCreate.Priority',
      Negate: false,
    });
    expect(errors('OnZendeskTicketCreate', doc(priority('urgent')))).toEqual([]);
    expect(errors('OnZendeskTicketCreate', doc(priority('urgnet')))).toEqual([
      'error RuleFunction.Operands.0.Operands.0: "urgnet" is not a value of $.ThirdParty.Zendesk.TicketCreate.Priority (did you mean "urgent"?)',
    ]);
  });

  it('routing profile: the email page condition, CONTAINS_ANY of routing profile ARNs, Negate false, names in the mapping form', () => {
    const arn = 'arn:aws:connect:us-east-1:123456789012:instance/i-1/routing-profile/rp-1';
    const profile = (operands: unknown[], extra: Record<string, unknown> = {}) =>
      doc({
        Operator: 'CONTAINS_ANY',
        Operands: operands,
        ComparisonValue: '$.ContactLens.Email.Agent.RoutingProfile',
        Negate: false,
        ...extra,
      });
    expect(problems('OnEmailAnalysisAvailable', profile([arn]))).toEqual([]);
    expect(errors('OnEmailAnalysisAvailable', profile([arn], { Operator: 'EQUALS', Negate: true }))).toEqual([
      expect.stringMatching(
        /"EQUALS" is not an operator of \$\.ContactLens\.Email\.Agent\.RoutingProfile \(CONTAINS_ANY\)/,
      ),
      expect.stringMatching(
        /takes Negate false only \(see https:\/\/docs\.aws\.amazon\.com\/connect\/latest\/devguide\/OnEmailAnalysisAvailable\.html\)/,
      ),
    ]);
    // A name only where the mapping form allows names (the audit passes `names` for a mapping).
    expect(
      checkFunction(profile([{ name: 'Basic Routing Profile' }]), 'OnEmailAnalysisAvailable', { names: true }),
    ).toEqual([]);
    expect(errors('OnEmailAnalysisAvailable', profile([{ name: 'Basic Routing Profile' }]))).toEqual([
      expect.stringMatching(/operands of \$\.ContactLens\.Email\.Agent\.RoutingProfile are non-empty strings/),
    ]);
    // Documented for email contacts only: no other source's page shows it.
    expect(errors('OnPostCallAnalysisAvailable', profile([arn]))).toEqual([
      expect.stringMatching(/is a condition of OnEmailAnalysisAvailable, not of OnPostCallAnalysisAvailable/),
    ]);
  });

  it('filter clause: allowed types and data, no duplicates', () => {
    const fc = (...filters: unknown[]) =>
      doc({
        Operator: 'CONTAINS_ANY',
        Operands: ['cancel'],
        ComparisonValue: '$.ContactLens.RealTimeCall.ExactMatch.Transcript',
        FilterClause: { LogicOperator: 'AND', Filters: filters },
        Negate: false,
      });
    expect(errors('OnRealTimeCallAnalysisAvailable', fc({ Type: 'ParticipantRole', Data: 'CUSTOMR' }))).toEqual([
      expect.stringMatching(/Data is one of CUSTOMER \| AGENT \| ANY, not "CUSTOMR" \(did you mean "CUSTOMER"\?\)/),
    ]);
    expect(
      errors(
        'OnRealTimeCallAnalysisAvailable',
        fc({ Type: 'ParticipantRole', Data: 'ANY' }, { Type: 'PostCallContactPeriodSeconds', Data: { First: 3 } }),
      ),
    ).toEqual([expect.stringMatching(/"PostCallContactPeriodSeconds" is not a filter of/)]);
  });

  it('compound: the evaluation form score is AND of the form and its score', () => {
    expect(errors('OnContactEvaluationSubmit', exampleFunction('OnContactEvaluationSubmit'))).toEqual([]);
    const scoreAlone = doc({
      Operator: 'NumberLessOrEqualTo',
      Operands: [50],
      ComparisonValue: '$.ContactLens.ContactEvaluation.Form.Score',
      Negate: false,
    });
    expect(errors('OnContactEvaluationSubmit', scoreAlone)).toEqual([
      expect.stringMatching(/Form\.Score is documented only as a part of a compound condition/),
    ]);
  });
});

describe('error classes', () => {
  it('not the language: an expression string, or a mapping that is no document, with the documented form', () => {
    const [d] = declareBodies('rule', [rule('OnPostCallAnalysisAvailable', '$.x > 1')]);
    const [p] = kind.audit(d, { all: [d] });
    expect(p.message).toMatch(/not the Rules Function language AWS documents/);
    expect(p.hint).toMatch(/Version: "2022-11-25".*docs\/KINDS\.md/);
    const [bad] = declareBodies('rule', [rule('OnPostCallAnalysisAvailable', '{"Version": ')]);
    expect(kind.audit(bad, { all: [bad] })[0].message).toMatch(/holds no valid JSON/);
  });

  it('structure: version, top operator, unknown members, empty operands', () => {
    expect(
      errors('OnSlaBreach', { Version: '2022-11-24', RuleFunction: { Operator: 'XOR', Operands: [] }, Extra: 1 }),
    ).toEqual([
      expect.stringMatching(/^error Extra: "Extra" is not a member/),
      expect.stringMatching(/^error Version: Version "2022-11-24" is not one AWS documents/),
      expect.stringMatching(/^error RuleFunction\.Operator: the top Operator must be AND or OR/),
      expect.stringMatching(/^error RuleFunction\.Operands: .*non-empty list/),
    ]);
  });

  it('unknown ComparisonValue: the nearest known paths; a warning with unknownConditions: warn', () => {
    const fn = doc({
      Operator: 'CONTAINS_ANY',
      Operands: ['x'],
      ComparisonValue: '$.ContactLens.PostCall.ExactMatch.Transcrpt',
      Negate: false,
    });
    expect(errors('OnPostCallAnalysisAvailable', fn)).toEqual([
      expect.stringMatching(
        /is not a documented condition of OnPostCallAnalysisAvailable \(nearest known: \$\.ContactLens\.PostCall\.ExactMatch\.Transcript,/,
      ),
    ]);
    const warned = problems('OnPostCallAnalysisAvailable', fn, 'warn');
    expect(warned).toEqual([
      expect.stringMatching(/^warning .*allowed by settings\.ruleFunction\.unknownConditions: warn/),
    ]);
  });

  it('a condition of another event source', () => {
    expect(errors('OnPostChatAnalysisAvailable', exampleFunction('OnPostCallAnalysisAvailable'))).toEqual([
      expect.stringMatching(/is a condition of OnPostCallAnalysisAvailable, not of OnPostChatAnalysisAvailable/),
    ]);
  });

  it('operator, Negate and operand count', () => {
    const fn = doc({ Operator: 'EQUAL', Operands: ['a', 'b'], ComparisonValue: '$.Case.Fields.status', Negate: true });
    expect(errors('OnCaseUpdate', fn)).toEqual([
      expect.stringMatching(
        /"EQUAL" is not an operator of \$\.Case\.Fields\.status \(EQUALS\) \(did you mean "EQUALS"\?\)/,
      ),
      expect.stringMatching(/takes Negate false only/),
      expect.stringMatching(/takes exactly 1 operand\(s\), not 2/),
    ]);
  });

  it('an undocumented event source: structure only, and one warning', () => {
    const fn = doc({ Operator: 'NumberGreaterOrEqualTo', Operands: [5], ComparisonValue: '$.Anything', Negate: false });
    expect(problems('OnMetricDataUpdate', fn)).toEqual([
      expect.stringMatching(/^warning : the conditions of OnMetricDataUpdate are unverified/),
    ]);
  });

  it('positions: the operand in the YAML mapping; the Function and a JSON path in the string form', () => {
    const text = [
      'rules:',
      '  - Name: r',
      '    TriggerEventSource: { EventSourceName: OnZendeskTicketCreate, IntegrationAssociationId: ia }',
      '    Function:',
      '      Version: "2022-11-25"',
      '      RuleFunction:',
      '        Operator: AND',
      '        Operands:',
      '          - Operator: EQUALS',
      '            Operands: [urgnet]',
      '            ComparisonValue: $.ThirdParty.Zendesk.TicketCreate.Priority',
      '  - Name: s',
      '    TriggerEventSource: { EventSourceName: OnZendeskTicketCreate, IntegrationAssociationId: ia }',
      `    Function: '{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"EQUALS","Operands":["urgnet"],"ComparisonValue":"$.ThirdParty.Zendesk.TicketCreate.Priority"}]}}'`,
    ].join('\n');
    const all = declareYaml('rule', text, 'rules');
    const fnProblem = (i: number) => kind.audit(all[i], { all }).find((p) => /urgnet/.test(p.message))!;
    expect(fnProblem(0).pos).toMatchObject({ line: 10, col: 24 });
    expect(fnProblem(0).path).toBe('rules[0].Function.RuleFunction.Operands[0].Operands[0]');
    expect(fnProblem(1).pos).toMatchObject({ line: 14, col: 15 });
    expect(fnProblem(1).message).toMatch(/\(at RuleFunction\.Operands\[0\]\.Operands\[0\] in the Function's JSON\)/);
  });
});

describe('one value in either form', () => {
  const mapping = exampleFunction('OnPostCallAnalysisAvailable');
  it('a mapping and a string of its JSON (any spacing, key order, number spelling) are no change', () => {
    const reordered = `{ "RuleFunction": { "Operands": [ { "Negate": false, "FilterClause": { "Filters": [ { "Data": "CUSTOMER", "Type": "ParticipantRole" } ], "LogicOperator": "AND" }, "ComparisonValue": "$.ContactLens.PostCall.ExactMatch.Transcript", "Operands": [ "refund" ], "Operator": "CONTAINS_ANY" } ], "Operator": "AND" },\n  "Version": "2022-11-25" }\n`;
    const a = norm(rule('OnPostCallAnalysisAvailable', mapping));
    const b = norm(rule('OnPostCallAnalysisAvailable', reordered));
    expect(diffDetailed(a, b, kind.lists).map((r) => r.field)).toEqual([]);
    const score = (text: string) =>
      norm(
        rule(
          'OnContactEvaluationSubmit',
          text.replace('__', JSON.stringify(exampleFunction('OnContactEvaluationSubmit', 10))),
        ),
      );
    const spelled = JSON.stringify(exampleFunction('OnContactEvaluationSubmit', 10)).replace(
      '"Operands":[50]',
      '"Operands":[5.0e1]',
    );
    expect(spelled).toContain('5.0e1');
    expect(diffDetailed(score('__'), norm(rule('OnContactEvaluationSubmit', spelled)), kind.lists)).toEqual([]);
  });

  it('the wire form is compact JSON, Negate spelled out', () => {
    const n = norm(
      rule('OnSlaBreach', {
        Version: '2022-11-25',
        RuleFunction: {
          Operator: 'OR',
          Operands: [
            { Operator: 'CONTAINS_ANY', Operands: ['b', 'a'], ComparisonValue: '$.RelatedItem.SlaConfiguration.Name' },
          ],
        },
      }),
    );
    expect(JSON.stringify(n.Function)).toBe(
      '{"Version":"2022-11-25","RuleFunction":{"Operator":"OR","Operands":[{"Operator":"CONTAINS_ANY","Operands":["a","b"],"ComparisonValue":"$.RelatedItem.SlaConfiguration.Name","Negate":false}]}}',
    );
  });
});

describe('plans by condition', () => {
  const queue = (...ids: string[]) => ({
    Operator: 'CONTAINS_ANY',
    Operands: ids,
    ComparisonValue: '$.ContactLens.PostCall.Queue.QueueId',
    Negate: false,
  });
  const phrase = exampleFunction('OnPostCallAnalysisAvailable').RuleFunction.Operands[0];
  const rows = (live: unknown, desired: unknown) =>
    diffDetailed(
      norm(rule('OnPostCallAnalysisAvailable', live)),
      norm(rule('OnPostCallAnalysisAvailable', desired)),
      kind.lists,
    ).map((r) => `${r.field.op} ${r.field.path}`);
  const Q =
    'Function.RuleFunction.Operands[ComparisonValue="$.ContactLens.PostCall.Queue.QueueId",Operator="CONTAINS_ANY"]';

  it('an operand added to a condition is one row under that condition', () => {
    expect(rows(doc(phrase, queue('1111')), doc(queue('1111', '2222'), phrase))).toEqual([
      `add ${Q}.Operands[="2222"]`,
    ]);
  });

  it('operands are sets: order is no change', () => {
    expect(rows(doc(queue('1111', '2222')), doc(queue('2222', '1111')))).toEqual([]);
  });

  it('a changed operator or Negate is a change of that condition, not a new one', () => {
    expect(rows(doc(queue('1111')), doc({ ...queue('1111'), Negate: true }))).toEqual([`change ${Q}.Negate`]);
  });

  it('a condition added or removed is one row', () => {
    expect(rows(doc(phrase), doc(phrase, queue('1111')))).toEqual([`add ${Q}`]);
  });
});

describe('the bench generator', () => {
  it('writes documented Functions: the mapping in the config, the same document in the seed', async () => {
    const { rule: generated } = await import('../../src/bench/generate.js');
    for (let i = 0; i < 16; i++) {
      const { config, seed } = generated(i, i % 2 === 1);
      const source = (config.TriggerEventSource as { EventSourceName: string }).EventSourceName;
      expect(problems(source, config.Function), String(config.Name)).toEqual([]);
      expect(norm(seed).Function).toEqual(norm(config).Function);
    }
  });
});
