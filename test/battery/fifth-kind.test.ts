/**
 * A fifth kind, defined entirely in this file and registered through the same API as the four
 * built-in ones (registerKind), runs the same shared battery through the same CLI (in this
 * process) and ends, like them, in "the second plan is empty". Its "AWS" is an in-memory store
 * with create/update/delete/list, not an SDK mock; its schema comes from a model of its own.
 * Nothing outside src/kinds/ knows it exists: if the engine, the loader, validation, schema
 * generation or export named kinds, this file would fail.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ServiceModel } from '../../src/aws/models.js';
import { buildDocumentSchema, buildKindSchema } from '../../src/config/generate-schemas.js';
import { MARKER_TAG_KEY, MARKER_TAG_VALUE, canonicalJson, sha256, userTags } from '../../src/kinds/common.js';
import { allKinds, kindNames, registerKind } from '../../src/kinds/index.js';
import type { Problem } from '../../src/errors.js';
import type { Body, LiveResource, ResourceKind } from '../../src/kinds/types.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { runCliInProcess, tempDir, writeConfig } from '../helpers/cli.js';
import { runBattery, sandboxWorld, type BatteryFixture } from './battery.js';

// The compiler checks the fifth kind's name like the built-in ones (see RegisteredKindNames).
declare module '../../src/kinds/index.js' {
  interface RegisteredKindNames {
    memo: true;
  }
}

// ---------------------------------------------------------------------------------------------
// The kind's "AWS": memos in a map, each call counted, calls overlapping as real ones would.

interface StoredMemo {
  id: string;
  body: Body;
  version: number;
}

class MemoStore {
  private readonly memos = new Map<string, StoredMemo>();
  private readonly byToken = new Map<string, string>();
  private nextId = 1;
  calls = 0;
  writeCalls = 0;
  inFlight = 0;
  maxInFlight = 0;

  /** One API call: counted, and it yields, so concurrent callers really overlap. */
  private async call<T>(write: boolean, run: () => T): Promise<T> {
    this.calls++;
    if (write) this.writeCalls++;
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      return run();
    } finally {
      this.inFlight--;
    }
  }

  list(): Promise<StoredMemo[]> {
    return this.call(false, () => [...this.memos.values()].map((m) => structuredClone(m)));
  }

  /** Idempotent by token, like a ClientToken: a retried create returns the same memo. */
  create(body: Body, token: string): Promise<string> {
    return this.call(true, () => {
      const known = this.byToken.get(token);
      if (known && this.memos.has(known)) return known;
      if ([...this.memos.values()].some((m) => m.body.Name === body.Name))
        throw new Error(`memo "${String(body.Name)}" already exists`);
      const id = `memo-${this.nextId++}`;
      this.memos.set(id, { id, body: structuredClone(body), version: 1 });
      this.byToken.set(token, id);
      return id;
    });
  }

  update(id: string, body: Body): Promise<void> {
    return this.call(true, () => {
      const memo = this.memos.get(id);
      if (!memo) throw new Error(`memo ${id} does not exist`);
      if (memo.body.Topic !== body.Topic) throw new Error('UpdateMemo cannot change Topic');
      memo.body = structuredClone(body);
      memo.version++;
    });
  }

  delete(id: string): Promise<void> {
    return this.call(true, () => void this.memos.delete(id));
  }

  resetStats(): void {
    this.calls = this.writeCalls = this.maxInFlight = 0;
  }
}

const store = new MemoStore();

// ---------------------------------------------------------------------------------------------
// The kind

/** The memo API's model: its schema is generated from this exactly as the built-in kinds' are. */
const MEMO_MODEL: ServiceModel = {
  _source: 'fifth-kind.test.ts',
  metadata: { serviceId: 'Memo', endpointPrefix: 'memo', signingName: 'memo', protocol: 'rest-json' },
  operations: {
    CreateMemo: {
      name: 'CreateMemo',
      http: { method: 'PUT', requestUri: '/memos' },
      input: { shape: 'CreateMemoRequest' },
      documentation: '<p>Creates a memo.</p>',
    },
  },
  shapes: {
    CreateMemoRequest: {
      type: 'structure',
      required: ['Name', 'Topic', 'Text'],
      members: {
        Name: { shape: 'MemoName', documentation: '<p>The memo&apos;s unique name.</p>' },
        Topic: { shape: 'Topic' },
        Text: { shape: 'MemoText' },
        Labels: { shape: 'LabelList', documentation: '<p>Labels; their order does not matter.</p>' },
        Tags: { shape: 'TagMap' },
        ClientToken: { shape: 'MemoName', idempotencyToken: true },
      },
    },
    MemoName: { type: 'string', min: 1, max: 64, pattern: '^[a-z0-9-]+$' },
    Topic: { type: 'string', enum: ['ops', 'sales', 'support'] },
    MemoText: { type: 'string', min: 1, max: 500 },
    LabelList: { type: 'list', member: { shape: 'Label' }, max: 10 },
    Label: { type: 'string', min: 1, max: 32 },
    TagMap: { type: 'map', key: { shape: 'TagKey' }, value: { shape: 'TagValue' }, max: 50 },
    TagKey: { type: 'string', min: 1, max: 128 },
    TagValue: { type: 'string', max: 256 },
  },
};

const sorted = (xs: unknown): string[] | undefined =>
  Array.isArray(xs) && xs.length ? [...(xs as string[])].sort() : undefined;

function normalize(body: Body): Body {
  const out: Body = { Name: body.Name, Topic: body.Topic, Text: body.Text };
  const labels = sorted(body.Labels);
  if (labels) out.Labels = labels;
  const tags = userTags(body.Tags as Record<string, string> | undefined);
  if (tags) out.Tags = tags;
  return out;
}

/** What the API stores: the declared memo plus connectform's marker. */
function wire(desired: Body): Body {
  return {
    ...normalize(desired),
    Tags: { ...((desired.Tags as Record<string, string> | undefined) ?? {}), [MARKER_TAG_KEY]: MARKER_TAG_VALUE },
  };
}

function toLive(m: StoredMemo): LiveResource {
  const tags = (m.body.Tags as Record<string, string> | undefined) ?? {};
  return {
    kind: 'memo',
    key: String(m.body.Name),
    id: m.id,
    body: m.body,
    managed: tags[MARKER_TAG_KEY] === MARKER_TAG_VALUE,
    version: `${m.version}:${sha256(canonicalJson(m.body)).slice(0, 8)}`,
  };
}

const memoKind: ResourceKind<'memo'> = {
  name: 'memo',
  configKey: 'memos',
  title: 'memo',
  schemaSpec: {
    title: 'Memo',
    service: 'memo',
    model: MEMO_MODEL,
    shape: 'CreateMemoRequest',
    operation: 'CreateMemo',
    omit: ['ClientToken'],
  },
  exportOrder: ['Name', 'Topic', 'Text', 'Labels', 'Tags'],
  capabilities: { create: true, update: true, delete: true, marker: true, usesContactFlows: false },
  key: (body) => String(body.Name ?? ''),
  audit(d): Problem[] {
    if (typeof d.body.Text === 'string' && d.body.Text.startsWith('TODO'))
      return [
        {
          severity: 'error',
          message: 'a memo is not a to-do list: Text may not start with TODO',
          pos: d.positionOf(['Text']),
        },
      ];
    return [];
  },
  async *read() {
    for (const m of await store.list()) yield toLive(m);
  },
  normalize,
  replaceReason: (_live, _desired, changed) =>
    changed.includes('Topic') ? 'UpdateMemo cannot change Topic' : undefined,
  async create(_ctx, desired, token) {
    return { id: await store.create(wire(desired), token) };
  },
  async update(_ctx, live, desired) {
    await store.update(live.id, wire(desired));
  },
  async delete(_ctx, live) {
    await store.delete(live.id);
  },
};

const unregister = registerKind(memoKind);
afterAll(() => unregister());

// ---------------------------------------------------------------------------------------------
// The battery, as for every kind

const base: Body[] = [
  {
    Name: 'on-call-rota',
    Topic: 'ops',
    Text: 'Who carries the pager this week.',
    Labels: ['pager', 'weekly', 'ops'],
    Tags: { team: 'sre', env: 'test' },
  },
  { Name: 'quarter-targets', Topic: 'sales', Text: 'Targets for the quarter.' },
  { Name: 'refund-policy', Topic: 'support', Text: 'Refunds within 30 days.', Labels: ['policy'] },
];

const memoFixture: BatteryFixture = {
  kind: 'memo',
  configKey: 'memos',
  base,
  oneFieldChange(bodies) {
    const out = structuredClone(bodies);
    out[1].Text = 'Targets for the quarter, revised.';
    return { bodies: out, name: 'quarter-targets', expectPath: 'Text' };
  },
  replaceChange(bodies) {
    const out = structuredClone(bodies);
    out[2].Topic = 'ops';
    return { bodies: out, name: 'refund-policy' };
  },
  reorderSet(bodies) {
    const out = structuredClone(bodies);
    (out[0].Labels as string[]).reverse();
    out[0].Tags = Object.fromEntries(Object.entries(out[0].Tags as Record<string, string>).reverse());
    return out;
  },
  broken: {
    yaml: [
      'memos:', //                          1
      '  - Name: Has Spaces', //            2  pattern
      '    Topic: marketing', //            3  enum
      '    Text: hello', //                 4
      '  - Name: fine', //                  5
      '    Topic: ops', //                  6
      '    Text: "TODO: write this"', //    7  the kind's audit
      '    Colour: red', //                 8  unknown field
    ].join('\n'),
    lines: [2, 3, 7, 8],
  },
};

/** The target still needs an endpoint (the sandbox); the memos live in the store. Both are counted. */
runBattery(memoFixture, async (dir, fx) => {
  const sandbox = await sandboxWorld(dir, fx);
  return {
    endpoint: sandbox.endpoint,
    stats: () => {
      const s = sandbox.stats();
      return {
        calls: s.calls + store.calls,
        writeCalls: s.writeCalls + store.writeCalls,
        maxInFlight: Math.max(s.maxInFlight, store.maxInFlight),
      };
    },
    resetStats: () => {
      sandbox.resetStats();
      store.resetStats();
    },
    stop: () => sandbox.stop(),
  };
});

// ---------------------------------------------------------------------------------------------
// What the registry gives the rest of the program

describe('the fifth kind through the registry', () => {
  it('joins every list of kinds: names, the document schema, prune, and its own item schema from its model', () => {
    expect(allKinds().at(-1)).toBe(memoKind);
    expect(kindNames()).toContain('memo');
    const doc = buildDocumentSchema() as {
      properties: Record<string, { items: unknown; description: string }> & {
        settings: { properties: { prune: { oneOf: { items?: { enum: string[] } }[] } } };
      };
    };
    expect(doc.properties.memos).toMatchObject({ description: 'Memos.', items: { $ref: 'memo.schema.json' } });
    expect(doc.properties.settings.properties.prune.oneOf[1].items?.enum).toContain('memo');
    const item = buildKindSchema('memo') as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
      description: string;
    };
    expect(item.required).toEqual(['Name', 'Topic', 'Text']);
    expect(item.properties.Topic).toEqual({ type: 'string', enum: ['ops', 'sales', 'support'] });
    expect(item.properties.Name).toMatchObject({
      description: "The memo's unique name.",
      pattern: '^[a-z0-9-]+$',
      maxLength: 64,
    });
    expect(item.properties.ClientToken).toBeUndefined();
    expect(item.description).toBe('Creates a memo.');
  });

  it('refuses a second kind with a name or config key already taken', () => {
    expect(() => registerKind({ ...memoKind })).toThrow(/clashes with the registered kind "memo"/);
    expect(() => registerKind({ ...memoKind, name: 'rule' as 'memo', configKey: 'notes' })).toThrow(
      /clashes with the registered kind "rule"/,
    );
    expect(() => registerKind({ ...memoKind, name: 'note' as 'memo', configKey: 'settings' })).toThrow(/reserved/);
    expect(allKinds().filter((k) => k.configKey === 'memos')).toHaveLength(1);
  });

  it('export writes it in its own key order, and the config loader forgets it once unregistered', async () => {
    const sandbox = await startSandbox({});
    const dir = tempDir('fifth-kind-export-');
    try {
      writeConfig(
        dir,
        { test: { endpoint: sandbox.endpoint } },
        {},
        {
          memos: [
            { Tags: { b: '1' }, Labels: ['z', 'a'], Text: 'Keys out of order.', Topic: 'ops', Name: 'export-me' },
          ],
        },
      );
      const applied = await runCliInProcess(['apply', dir, '--auto-approve'], { cwd: dir });
      expect(applied.code, applied.stderr).toBe(0);
      const exported = await runCliInProcess(['export', dir, '--kinds', 'memos'], { cwd: dir });
      expect(exported.code, exported.stderr).toBe(0);
      const memo = (parseYaml(exported.stdout) as { memos: Body[] }).memos.find((m) => m.Name === 'export-me')!;
      expect(Object.keys(memo)).toEqual(['Name', 'Topic', 'Text', 'Labels', 'Tags']);
      expect(memo.Labels).toEqual(['a', 'z']);

      unregister();
      const unknown = await runCliInProcess(['plan', dir], { cwd: dir });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/resources\.yaml:1:1: error: .*memos/);
    } finally {
      registerKind(memoKind);
      await sandbox.stop();
    }
  });
});
