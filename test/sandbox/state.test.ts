import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import {
  CreateRuleCommand,
  DescribeRuleCommand,
  ListContactFlowsCommand,
  ListRulesCommand,
  ListTaskTemplatesCommand,
} from '@aws-sdk/client-connect';
import { GetBotChannelAssociationsCommand } from '@aws-sdk/client-lex-model-building-service';
import { ListAssociationsCommand } from '../../src/aws/chatbot-custom-actions.js';
import { DEFAULT_SEED, SeedError, startSandbox } from '../../src/sandbox/index.js';
import { registerSandboxCommand, sandboxCommand, sandboxOptionsFrom } from '../../src/cli/sandbox.js';
import { UsageError } from '../../src/errors.js';
import { processIO } from '../../src/cli/io.js';
import { Redactor } from '../../src/sensitive.js';
import { FLOW_ESCALATION, INSTANCE, clients, ruleInput } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'cf-sandbox-'));

describe('persistence', () => {
  it('keeps the world across runs in an atomically written state file', async () => {
    const dir = tmp();
    const statePath = join(dir, 'state.json');
    const first = await startSandbox({ quotas: false, statePath });
    const { RuleId } = await clients(first.endpoint).connect.send(
      new CreateRuleCommand(ruleInput('persisted', { ClientToken: 'persisted-token' })),
    );
    await first.stop();
    expect(JSON.parse(readFileSync(statePath, 'utf8')).format).toBe('connectform-sandbox-state/1');
    expect(readdirSync(dir)).toEqual(['state.json']);

    // A seed is ignored once state exists; the ClientToken record survived too.
    const second = await startSandbox({ quotas: false, statePath, seed: { connect: { instances: [] } } });
    const connect = clients(second.endpoint).connect;
    const { Rule } = await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId }));
    expect(Rule!.Name).toBe('persisted');
    const replay = await connect.send(
      new CreateRuleCommand(ruleInput('persisted', { ClientToken: 'persisted-token' })),
    );
    expect(replay.RuleId).toBe(RuleId);
    await second.stop();
  });
});

describe('seeds', () => {
  it('accepts the documented YAML format, including pre-created resources', async () => {
    const dir = tmp();
    const seedPath = join(dir, 'seed.yaml');
    writeFileSync(
      seedPath,
      `connect:
  instances:
    - id: 11111111-2222-4333-8444-555555555555
      contactFlows:
        - { id: 0d6a4f9e-1b2c-4d3e-8f70-a1b2c3d4e5f6, name: Escalation }
        - { id: aaaaaaaa-1b2c-4d3e-8f70-a1b2c3d4e5f6, name: Hold music, type: CUSTOMER_HOLD, status: SAVED }
      rules:
        - Name: seeded-rule
          TriggerEventSource: { EventSourceName: OnCaseCreate }
          Function: '{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"EQUALS","Operands":["closed"],"ComparisonValue":"$.Case.Fields.status","Negate":false}]}}'
          Actions: [ { ActionType: END_ASSOCIATED_TASKS } ]
          PublishStatus: PUBLISHED
      taskTemplates:
        - Name: Seeded template
          ContactFlowId: 0d6a4f9e-1b2c-4d3e-8f70-a1b2c3d4e5f6
          Fields: [ { Id: { Name: Name }, Type: NAME } ]
chatbot:
  chatConfigurations: [ "arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops" ]
  customActions:
    - ActionName: seeded-action
      Definition: { CommandText: "cloudwatch describe-alarms" }
  associations:
    - { customAction: seeded-action, chatConfiguration: "arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops" }
lex:
  bots:
    - name: OrderFlowers
      aliases: [ prod ]
      channelAssociations:
        - { name: orders_slack, botAlias: prod, type: Slack, description: "Slack", botConfiguration: { clientId: "1" } }
`,
    );
    const sb = await startSandbox({ quotas: false, seed: seedPath, randomSeed: 3 });
    try {
      const { connect, chatbot, lex } = clients(sb.endpoint);
      const id = '11111111-2222-4333-8444-555555555555';
      const flows = await connect.send(new ListContactFlowsCommand({ InstanceId: id }));
      expect(flows.ContactFlowSummaryList!.map((f) => [f.Name, f.ContactFlowType, f.ContactFlowStatus])).toEqual([
        ['Escalation', 'CONTACT_FLOW', 'PUBLISHED'],
        ['Hold music', 'CUSTOMER_HOLD', 'SAVED'],
      ]);
      expect(
        (await connect.send(new ListRulesCommand({ InstanceId: id }))).RuleSummaryList!.map((r) => r.Name),
      ).toEqual(['seeded-rule']);
      expect(
        (await connect.send(new ListTaskTemplatesCommand({ InstanceId: id }))).TaskTemplates!.map((t) => t.Name),
      ).toEqual(['Seeded template']);
      const assoc = await chatbot.send(
        new ListAssociationsCommand({
          ChatConfiguration: 'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops',
        }),
      );
      expect(assoc.Associations).toEqual([{ Resource: 'arn:aws:chatbot::123456789012:custom-action/seeded-action' }]);
      const channels = await lex.send(
        new GetBotChannelAssociationsCommand({ botName: 'OrderFlowers', botAlias: 'prod' }),
      );
      expect(channels.botChannelAssociations!.map((c) => c.name)).toEqual(['orders_slack']);
      // The default instance is not there: the seed replaces the default seed.
      expect(sb.world.connect.instances[INSTANCE]).toBeUndefined();
      // randomSeed makes server-generated ids reproducible.
      const again = await startSandbox({ quotas: false, seed: seedPath, randomSeed: 3 });
      expect(Object.keys(again.world.connect.instances[id].rules)).toEqual(
        Object.keys(sb.world.connect.instances[id].rules),
      );
      await again.stop();
    } finally {
      await sb.stop();
    }
  });

  it('refuses invalid seeds with every problem listed', async () => {
    const bad = {
      connect: { instances: [{ id: INSTANCE, contactFlows: [{ id: 'f', name: 'F', type: 'NOT_A_TYPE' }] }] },
      lex: {
        bots: [{ name: 'Bot', aliases: ['prod'], channelAssociations: [{ name: 'c', botAlias: 'qa', type: 'Fax' }] }],
      },
    };
    const err = (await startSandbox({ seed: bad }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(SeedError);
    expect(err.message).toMatch(/contactFlows\[0\]\.type/);
    expect(err.message).toMatch(/channelAssociations\[0\]\.type/);
    expect(err.message).toMatch(/botAlias "qa"/);
    const badRule = { connect: { instances: [{ id: INSTANCE, rules: [{ Name: 'x' }] }] } };
    await expect(startSandbox({ seed: badRule })).rejects.toThrow(/rules\[0\].*InvalidRequestException/);
  });

  it('DEFAULT_SEED has the documented world', () => {
    const inst = DEFAULT_SEED.connect.instances[0];
    expect(inst.id).toBe('6f1c2a7e-8a39-4f5e-9d0b-3c2e1a4b5c6d');
    expect(inst.contactFlows!.map((f) => f.name)).toEqual(
      expect.arrayContaining(['Escalation', 'Default agent transfer', 'Callback', 'VIP routing', 'Task routing']),
    );
    expect(inst.contactFlows!.find((f) => f.name === 'Escalation')!.id).toBe(FLOW_ESCALATION);
    expect(DEFAULT_SEED.chatbot.chatConfigurations).toEqual([
      'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops',
      'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/oncall',
    ]);
    const [order, trip] = DEFAULT_SEED.lex.bots;
    expect(order.aliases).toEqual(['prod', 'staging']);
    expect(order.channelAssociations!.map((c) => c.type)).toEqual(['Slack', 'Facebook', 'Twilio-Sms']);
    expect(trip.channelAssociations!.map((c) => c.type)).toEqual(['Kik']);
  });
});

describe('CLI', () => {
  it('prints the endpoint first and serves until stopped', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    const dir = tmp();
    const done = sandboxCommand({
      port: '0',
      state: join(dir, 's.json'),
      quotas: false,
      latency: '0-1',
      randomSeed: '5',
      print: (l) => lines.push(l),
      signal: stop.signal,
    });
    while (!lines.length) await new Promise((r) => setTimeout(r, 5));
    expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${lines[0]}/_sandbox/health`);
    expect(await res.json()).toEqual({ ok: true });
    stop.abort();
    await done;
    expect(existsSync(join(dir, 's.json'))).toBe(true);
    expect(lines.at(-1)).toMatch(/stopped after/);
  });

  it('parses and checks flags', () => {
    expect(
      sandboxOptionsFrom({
        latency: '20-200',
        errorRate: '0.1',
        resetRate: '0',
        quotas: false,
        port: '8080',
        randomSeed: '9',
        quotaScale: '4',
      }),
    ).toMatchObject({
      latencyMs: [20, 200],
      errorRate: 0.1,
      resetRate: 0,
      quotas: false,
      port: 8080,
      randomSeed: 9,
      quotaScale: 4,
    });
    expect(sandboxOptionsFrom({ latency: '50' }).latencyMs).toBe(50);
    expect(() => sandboxOptionsFrom({ latency: 'fast' })).toThrow(UsageError);
    expect(() => sandboxOptionsFrom({ latency: '200-20' })).toThrow(UsageError);
    expect(() => sandboxOptionsFrom({ errorRate: '1.5' })).toThrow(UsageError);
    expect(() => sandboxOptionsFrom({ port: 'x' })).toThrow(UsageError);
  });

  it('registers the sandbox subcommand with its flags', () => {
    const program = new Command();
    registerSandboxCommand(program, { io: processIO(), exitCode: 0, redactor: new Redactor() });
    const cmd = program.commands.find((c) => c.name() === 'sandbox')!;
    const flags = cmd.options.map((o) => o.long);
    expect(flags).toEqual(
      expect.arrayContaining([
        '--host',
        '--port',
        '--state',
        '--seed',
        '--random-seed',
        '--no-quotas',
        '--latency',
        '--error-rate',
        '--reset-rate',
        '--quota-scale',
      ]),
    );
  });
});
