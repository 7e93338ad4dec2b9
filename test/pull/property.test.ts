/**
 * Issue 22, item 4: pull as a property. Each run writes a config in random YAML styles (flow and
 * block collections, every scalar style and block chomping, comments, an anchor and its aliases,
 * CRLF, a BOM), applies it to the in-process sandbox, makes random console edits of every sort
 * of rules, task templates and custom actions (a value changed, added, removed; list elements
 * added, removed, replaced, reordered, every one replaced; tags added,
 * removed, changed), pulls, and checks that
 *   - the file parses, and pull reported nothing it left unwritten,
 *   - the next plan is empty (the file's value is the live one, as the planner compares them),
 *   - every byte outside the edited resources is as it was (unedited items, comments before them),
 *   - a second pull has nothing to write.
 * Seeded: PULL_PROPERTY_SEED=<n> replays a run, PULL_PROPERTY_RUNS=<n> runs longer (default 6,
 * a few seconds in `npm test`). A failure names its seed.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeRuleCommand,
  GetTaskTemplateCommand,
  ListRulesCommand,
  ListTaskTemplatesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateRuleCommand,
  UpdateTaskTemplateCommand,
  type ConnectClient,
  type TaskTemplateField,
} from '@aws-sdk/client-connect';
import { Document, isMap, isSeq, parseDocument, visit, type YAMLMap, type YAMLSeq } from 'yaml';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { INSTANCE, planOf, runCliInProcess, tempDir } from '../helpers/cli.js';
import { clients } from '../sandbox/helpers.js';
import { exampleFunctionJson } from '../../src/kinds/rule-function/examples.js';
import { prng, type Rng } from '../helpers/prng.js';

const RUNS = Number(process.env.PULL_PROPERTY_RUNS ?? 6);
const SEED = Number(process.env.PULL_PROPERTY_SEED ?? 22);
const QUOTA = ['--parallelism', '3', '--quota-scale', '25'];

/** Text a console user might type: YAML indicators, quotes, line breaks, trailing blank lines. */
function text(rng: Rng, multiLine: boolean): string {
  const words = [
    'refund',
    'call back',
    'a: b',
    '# not a comment',
    "it's",
    '"quoted"',
    '{ braces }',
    '[x]',
    '- dash',
    'ok,',
  ];
  const lines = Array.from({ length: multiLine ? 1 + rng.int(3) : 1 }, () =>
    Array.from({ length: 1 + rng.int(3) }, () => rng.pick(words)).join(' '),
  );
  return lines.join('\n') + (multiLine ? rng.pick(['', '\n', '\n\n']) : '');
}

interface Model {
  rules: Record<string, unknown>[];
  taskTemplates: Record<string, unknown>[];
  customActions: Record<string, unknown>[];
}

/** A documented Rules Function (the catalog's OnPostCallAnalysisAvailable example), as DescribeRule returns it. */
const FUNCTION = exampleFunctionJson('OnPostCallAnalysisAvailable');
const event = (name: string) => ({
  ActionType: 'GENERATE_EVENTBRIDGE_EVENT' as const,
  EventBridgeAction: { Name: name },
});

function model(rng: Rng, prefix: string): Model {
  const taskTemplates = Array.from({ length: 2 + rng.int(2) }, (_, i) => {
    const extra = Array.from({ length: 1 + rng.int(3) }, (_, k) => ({
      Id: { Name: `F${k}` },
      Type: rng.pick(['TEXT', 'NUMBER', 'DESCRIPTION']),
      ...(rng.chance(0.5) ? { Description: text(rng, false) } : {}),
    }));
    return {
      Name: `${prefix}-t${i}`,
      ...(rng.chance(0.7) ? { Description: text(rng, rng.chance(0.5)) } : {}),
      ContactFlowId: { name: 'Task routing' },
      Fields: [{ Id: { Name: 'Title' }, Type: 'NAME' }, ...extra],
      Constraints: { RequiredFields: [{ Id: { Name: 'Title' } }] },
      ...(rng.chance(0.6)
        ? { Tags: { team: rng.pick(['care', 'billing']), ...(rng.chance(0.5) ? { tier: 'one' } : {}) } }
        : {}),
    };
  });
  const customActions = Array.from({ length: rng.int(2) + 1 }, (_, i) => ({
    ActionName: `${prefix}-a${i}`,
    Definition: { CommandText: `lambda invoke --function-name f${i}` },
    ...(rng.chance(0.5) ? { AliasName: `alias${i}` } : {}),
    Attachments: Array.from({ length: 1 + rng.int(2) }, (_, k) => ({
      NotificationType: 'AWSHealth',
      ButtonText: `Run ${k}`,
      Variables: { svc: 'event.detail.service', region: 'event.region' },
      Criteria: [
        { Operator: 'HAS_VALUE', VariableName: 'svc' },
        ...(rng.chance(0.5) ? [{ Operator: 'HAS_VALUE', VariableName: 'region' }] : []),
      ],
    })),
  }));
  const rules = Array.from({ length: rng.int(2) + 1 }, (_, i) => ({
    Name: `${prefix}-r${i}`,
    TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
    Function: FUNCTION,
    PublishStatus: rng.pick(['PUBLISHED', 'DRAFT']),
    Actions: Array.from({ length: 1 + rng.int(3) }, (_, k) => event(`e${i}-${k}`)),
    ...(rng.chance(0.5) ? { Tags: { team: 'care' } } : {}),
  }));
  return { rules, taskTemplates, customActions };
}

/** The model as YAML in random styles; `ContactFlowId` an anchor on the first template, aliased after. */
function render(rng: Rng, m: Model): string {
  const doc = new Document(m);
  const styles = ['PLAIN', 'QUOTE_SINGLE', 'QUOTE_DOUBLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'] as const;
  visit(doc, {
    // Collections inside an item (below the root mapping, the kind's list and the item).
    Map(_, map, path) {
      const depth = path.filter((n) => isMap(n) || isSeq(n)).length;
      if (depth >= 3 && rng.chance(0.35)) map.flow = true;
      if (depth >= 2 && rng.chance(0.15)) map.commentBefore = ' a comment';
    },
    Seq(_, seq, path) {
      if (path.filter((n) => isMap(n) || isSeq(n)).length >= 3 && rng.chance(0.3)) seq.flow = true;
    },
    Scalar(key, scalar) {
      if (key === 'key') return;
      if (typeof scalar.value === 'string') scalar.type = rng.pick(styles);
      if (rng.chance(0.1)) scalar.comment = ' trailing comment';
    },
  });
  // The Function is JSON text: one quoted or block string (the style picked above, never flow).
  const templates = doc.get('taskTemplates') as YAMLSeq<YAMLMap>;
  const flow = templates.items[0].get('ContactFlowId', true) as unknown as YAMLMap;
  flow.anchor = 'flow';
  for (const t of templates.items.slice(1)) t.set('ContactFlowId', doc.createAlias(flow));
  (doc.contents as YAMLMap).commentBefore = ' Written by the property test.';
  let out = doc.toString({ lineWidth: rng.pick([0, 40]) });
  if (rng.chance(0.3)) out = out.replace(/\n/g, '\r\n');
  if (rng.chance(0.2)) out = `\uFEFF${out}`;
  return out;
}

describe('pull (property: random console edits on random YAML styles)', () => {
  let sandbox: SandboxHandle;
  let root: string;
  let connect: ConnectClient;

  beforeAll(() => {
    root = tempDir('pull-property-');
  });
  // A world per run: each run reads only its own resources, however many runs there are.
  beforeEach(async () => {
    sandbox = await startSandbox({ quotas: false });
    connect = clients(sandbox.endpoint).connect;
  });
  afterEach(async () => sandbox?.stop());

  const cli = (...args: string[]) => runCliInProcess([...args, ...QUOTA], { cwd: root, env: {} });

  /** Random console edits; returns the names of the resources changed. */
  async function consoleEdits(rng: Rng, m: Model): Promise<Set<string>> {
    const edited = new Set<string>();
    const list = await connect.send(new ListTaskTemplatesCommand({ InstanceId: INSTANCE, MaxResults: 100 }));
    for (const [i, tm] of m.taskTemplates.entries()) {
      if (i > 0 && !rng.chance(0.6)) continue; // the first always: every run edits something
      const id = list.TaskTemplates!.find((t) => t.Name === tm.Name)!.Id!;
      const t = await connect.send(new GetTaskTemplateCommand({ InstanceId: INSTANCE, TaskTemplateId: id }));
      let fields = [...t.Fields!] as TaskTemplateField[];
      let description = t.Description;
      const edit = rng.pick(['description', 'add', 'remove', 'replace', 'reorder', 'field', 'tags', 'tags']);
      const [title, ...rest] = fields;
      if (edit === 'description') description = rng.chance(0.2) ? undefined : text(rng, rng.chance(0.5));
      else if (edit === 'add')
        fields.splice(1 + rng.int(fields.length), 0, { Id: { Name: `N${rng.int(99)}` }, Type: 'TEXT' });
      else if (edit === 'remove' && rest.length) fields = [title, ...rest.filter((_, i) => i !== rng.int(rest.length))];
      else if (edit === 'replace' && rest.length) {
        const at = rng.int(rest.length);
        rest[at] = { Id: { Name: `R${rng.int(99)}` }, Type: 'NUMBER' };
        fields = [title, ...rest];
      } else if (edit === 'reorder' && rest.length > 1) fields = [title, ...rest.reverse()];
      else if (edit === 'field' && rest.length) {
        const at = rng.int(rest.length);
        rest[at] = { ...rest[at], Description: text(rng, false) };
        fields = [title, ...rest];
      } else if (edit.startsWith('tags')) {
        const tags = (tm.Tags ?? {}) as Record<string, string>;
        const key = rng.pick([...Object.keys(tags), 'owner']);
        if (key in tags && rng.chance(0.5))
          await connect.send(new UntagResourceCommand({ resourceArn: t.Arn!, tagKeys: [key] }));
        else
          await connect.send(
            new TagResourceCommand({
              resourceArn: t.Arn!,
              tags: { [key]: text(rng, false).replace(/[^\w .:/=+@-]/g, '') || 'x' },
            }),
          );
        edited.add(String(tm.Name));
        continue;
      }
      await connect.send(
        new UpdateTaskTemplateCommand({
          InstanceId: INSTANCE,
          TaskTemplateId: id,
          Name: t.Name,
          ContactFlowId: t.ContactFlowId,
          Constraints: t.Constraints,
          Status: t.Status,
          Fields: fields,
          ...(description === undefined ? {} : { Description: description }),
        }),
      );
      edited.add(String(tm.Name));
    }
    const rules = await connect.send(new ListRulesCommand({ InstanceId: INSTANCE, MaxResults: 100 }));
    for (const rm of m.rules) {
      if (!rng.chance(0.5)) continue;
      const RuleId = rules.RuleSummaryList!.find((r) => r.Name === rm.Name)!.RuleId!;
      const { Rule: rule } = await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId }));
      const edit = rng.pick(['status', 'add', 'remove', 'replace', 'all', 'tags']);
      let actions = [...rule!.Actions!];
      let status = rule!.PublishStatus!;
      if (edit === 'status') status = status === 'PUBLISHED' ? 'DRAFT' : 'PUBLISHED';
      else if (edit === 'add') actions.splice(rng.int(actions.length + 1), 0, event(`new${rng.int(99)}`));
      else if (edit === 'remove' && actions.length > 1) actions.splice(rng.int(actions.length), 1);
      else if (edit === 'replace') actions[rng.int(actions.length)] = event(`other${rng.int(99)}`);
      else if (edit === 'all') actions = actions.map((_, k) => event(`all${k}-${rng.int(99)}`));
      else if (edit === 'tags') {
        await connect.send(new TagResourceCommand({ resourceArn: rule!.RuleArn!, tags: { owner: `o${rng.int(9)}` } }));
        edited.add(String(rm.Name));
        continue;
      }
      await connect.send(
        new UpdateRuleCommand({
          InstanceId: INSTANCE,
          RuleId,
          Name: rule!.Name,
          Function: rule!.Function,
          PublishStatus: status,
          Actions: actions,
        }),
      );
      edited.add(String(rm.Name));
    }
    const { chatbot } = clients(sandbox.endpoint);
    const arns = (await chatbot.send('ListCustomActions', {})).CustomActions as string[];
    const actions = await Promise.all(arns.map((a) => chatbot.send('GetCustomAction', { CustomActionArn: a })));
    for (const am of m.customActions) {
      if (!rng.chance(0.5)) continue;
      const action = actions.find((a) => a.CustomAction?.ActionName === am.ActionName)!.CustomAction!;
      let attachments = [...(action.Attachments ?? [])];
      const edit = rng.pick(['command', 'alias', 'add', 'remove', 'replace']);
      let definition = action.Definition;
      let alias = action.AliasName;
      if (edit === 'command') definition = { CommandText: `lambda invoke --function-name g${rng.int(99)}` };
      else if (edit === 'alias') alias = `renamed${rng.int(99)}`;
      else if (edit === 'add')
        attachments.push({
          NotificationType: 'AWSHealth',
          ButtonText: `New ${rng.int(99)}`,
          Variables: { svc: 'event.detail.service' },
        });
      else if (edit === 'remove' && attachments.length > 1) attachments = attachments.slice(1);
      else if (edit === 'replace')
        attachments[0] = {
          ...attachments[0],
          ButtonText: `Other ${rng.int(99)}`,
          Criteria: [{ Operator: 'EQUALS', VariableName: 'svc', Value: 'EC2' }],
        };
      await chatbot.send('UpdateCustomAction', {
        CustomActionArn: action.CustomActionArn,
        Definition: definition,
        ...(alias ? { AliasName: alias } : {}),
        Attachments: attachments,
      });
      edited.add(String(am.ActionName));
    }
    return edited;
  }

  /** Each item's source text by its name (`Name` or `ActionName`), and the text before the first. */
  function itemTexts(source: string): { head: string; items: Map<string, string> } {
    const doc = parseDocument(source);
    const items = new Map<string, string>();
    let head = source.length;
    for (const key of ['rules', 'taskTemplates', 'customActions']) {
      const seq = doc.get(key, true);
      if (!isSeq(seq)) continue;
      for (const item of seq.items) {
        if (!isMap(item)) continue;
        const name = `${key}:${item.get('Name') ?? item.get('ActionName')}`;
        items.set(String(name), source.slice(item.range![0], item.range![1]));
        head = Math.min(head, item.range![0]);
      }
    }
    return { head: source.slice(0, source.lastIndexOf('\n', head) + 1), items };
  }

  for (let run = 0; run < RUNS; run++) {
    const seed = SEED + run;
    it(`holds for a random config and console edits (seed ${seed})`, { timeout: 30_000 }, async () => {
      const rng = prng(seed);
      const m = model(rng, `s${seed}`);
      const dir = join(root, `seed-${seed}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'connectform.yaml'),
        `targets:\n  dev:\n    region: us-east-1\n    instanceId: ${INSTANCE}\n    endpoint: ${sandbox.endpoint}\n`,
      );
      const file = join(dir, 'resources.yaml');
      const before = render(rng, m);
      writeFileSync(file, before);
      const where = `seed ${seed} (PULL_PROPERTY_SEED=${seed} PULL_PROPERTY_RUNS=1 replays it)\n--- file before:\n${before}`;
      const apply = await cli('apply', dir, '-t', 'dev', '--auto-approve');
      expect(apply.code, `${where}\n${apply.stdout}${apply.stderr}`).toBe(0);

      const edited = await consoleEdits(rng, m);
      const pull = await cli('pull', dir, '-t', 'dev');
      const after = readFileSync(file, 'utf8');
      const context = `${where}\n--- file after:\n${after}\n--- pull:\n${pull.stdout}${pull.stderr}`;
      expect(pull.code, context).toBe(0);
      expect(parseDocument(after).errors, context).toEqual([]);
      expect(pull.stdout, context).not.toContain('Not written');

      const plan = await cli('plan', dir, '-t', 'dev', '-f', 'json');
      expect(planOf(plan).changes, context).toEqual([]);

      const [was, is] = [itemTexts(before), itemTexts(after)];
      expect(is.head, context).toBe(was.head);
      for (const [name, source] of was.items)
        if (!edited.has(name.replace(/^[^:]+:/, ''))) expect(is.items.get(name), `${name}\n${context}`).toBe(source);
      expect(after.startsWith('\uFEFF'), context).toBe(before.startsWith('\uFEFF'));
      expect(after.includes('\r\n'), context).toBe(before.includes('\r\n'));

      if (process.env.PULL_PROPERTY_DUMP) console.log(context);
      const again = await cli('pull', dir, '-t', 'dev');
      expect(again.stdout, context).toContain('No change to write');
    });
  }
});
