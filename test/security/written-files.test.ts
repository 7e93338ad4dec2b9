/**
 * Attack (issue 23): a value in live state (typed in the console, or by a rogue principal) with
 * a bidi override, terminal controls or a `##[warning]` line, hoping `export` writes it raw into
 * a YAML file that a reviewer reads in a diff or CI prints with `cat`. Export writes such a
 * scalar double-quoted with YAML escapes (`"\u202E"`, `#\x23[`), and the file reads back to the
 * very same value. (pull's side: test/pull/pull.test.ts, "escapes what it prints".)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED, type FullSeed } from '../../src/sandbox/world.js';
import { INSTANCE, runCliInProcess as run, tempDir } from '../helpers/cli.js';
import { commandLines, rawDangerous } from '../render/dangerous.js';
import { exampleFunctionJson } from '../../src/kinds/rule-function/examples.js';

// Tags cannot hold these (their pattern refuses them); free-text fields can.
const HOSTILE_NAME = 'abc\u202edef\u2066 \u001b[31mred\u0085\u2028x\ufeff\u{e0041}';
const HOSTILE_TEXT = 'line one\n##[warning]forged\n  ::error file=x::forged\u202e';

function seed(): FullSeed {
  const s = structuredClone(DEFAULT_SEED);
  s.connect.instances[0].rules = [
    {
      Name: 'hostile-live',
      TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
      Function: exampleFunctionJson('OnPostCallAnalysisAvailable'),
      PublishStatus: 'PUBLISHED',
      Actions: [
        {
          ActionType: 'CREATE_TASK',
          TaskAction: {
            Name: HOSTILE_NAME,
            Description: HOSTILE_TEXT,
            ContactFlowId: '3a9d7c2b-4e5f-4a6b-9ca3-d4e5f6a7b8c9',
          },
        },
      ],
    },
  ];
  return s;
}

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: seed(), quotas: false });
});
afterAll(async () => sandbox?.stop());

describe('export writes hidden characters and workflow commands as YAML escapes', () => {
  it('no raw control, bidi or ##[ in the file; it reads back to the live values', async () => {
    const dir = tempDir('written-');
    writeFileSync(
      join(dir, 'connectform.yaml'),
      `targets:\n  dev:\n    region: us-east-2\n    instanceId: ${INSTANCE}\n    endpoint: ${sandbox.endpoint}\n`,
    );
    const out = join(dir, 'out');
    for (const args of [
      ['export', dir, '--kinds', 'rule', '--out', out],
      ['export', dir, '--kinds', 'rule'],
    ]) {
      const r = await run(args, { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const texts = args.includes('--out')
        ? readdirSync(out).map((n) => readFileSync(join(out, n), 'utf8'))
        : [r.stdout];
      const all = texts.join('\n');
      expect(rawDangerous(all)).toEqual([]);
      expect(commandLines(all)).toEqual([]);
      expect(all).toContain('\\u202E');
      const rulesText = texts.find((t) => t.includes('hostile-live'))!;
      const rule = parse(rulesText).rules.find((x: { Name: string }) => x.Name === 'hostile-live');
      expect(rule.Actions[0].TaskAction.Description).toBe(HOSTILE_TEXT);
      expect(rule.Actions[0].TaskAction.Name).toBe(HOSTILE_NAME);
    }
  });
});
