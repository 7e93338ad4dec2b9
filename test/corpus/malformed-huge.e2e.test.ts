/**
 * The biggest malformed configs, each in a process of its own: the real CLI in a child with a
 * 500 MB heap and a time budget of its own, so memory, the native stack and work that grows
 * faster than the input (minutes instead of seconds) show as a crash or a kill, not as a slow
 * test among others. Each must still end in exit 1 and a clear positioned error. The cases
 * themselves are in corpus.ts; the small ones run in this process (malformed.test.ts).
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_RESOURCES, MAX_YAML_WEIGHT, VALUE_WEIGHT } from '../../src/config/bounds.js';
import { tempDir } from '../helpers/cli.js';
import { BIN } from '../helpers/spawn-cli.js';
import { type Case, EMPTY_ITEMS, expectPositioned, generatedCases, TARGET_LINES } from './corpus.js';

/**
 * Per case: ample for linear work on 5 MiB on a loaded machine (seconds idle), far too little for
 * quadratic work (hours on these sizes).
 */
const LIMIT_MS = 120_000;

interface Spawned {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** The real CLI with a 500 MB heap: a run that needs more dies with "heap out of memory". */
function validateInChild(file: string): Promise<Spawned> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--max-old-space-size=500', BIN, 'validate', file],
      {
        env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' },
        maxBuffer: 64 * 1024 * 1024,
        timeout: LIMIT_MS,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: string }) | null;
        done({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}

describe('the biggest inputs, in a process of their own: within 500 MB, exit 1, no crash', () => {
  const dir = tempDir('corpus-huge-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Weight per `{},`: `{` and `,` open a value or entry, `}` is light.
  const itemWeight = 2 * VALUE_WEIGHT + 1;
  const huge: Case[] = [
    ...generatedCases(dir, 'child'),
    ...[
      // 1.3 million items, 3.9 MB: parsing it whole took 1.5 GB and minutes; refused while lexing.
      {
        name: 'flow-1.3m-empty-items',
        content: () => EMPTY_ITEMS('rules', 1_300_000),
        expect: [{ line: TARGET_LINES + 1, re: /file holds more YAML than one file may/ }],
      },
      // The heaviest file the lexer lets through (just under MAX_YAML_WEIGHT), under a key the
      // schema refuses: parsed, composed and checked in full.
      {
        name: 'heaviest-accepted',
        content: () => EMPTY_ITEMS('leftovers', Math.floor((MAX_YAML_WEIGHT - 200) / itemWeight)),
        expect: [{ line: TARGET_LINES + 1, col: 1, re: /unknown top-level key 'leftovers'/ }],
      },
      // 25,000 items: once a stack overflow (125,000 problems spread into one push).
      {
        name: 'flow-25k-empty-items',
        content: () => EMPTY_ITEMS('rules', 25_000),
        expect: [
          {
            line: TARGET_LINES + 1,
            re: new RegExp(`rules\\[${MAX_RESOURCES}\\]: the config declares more than ${MAX_RESOURCES} resources`),
          },
        ],
      },
    ].map((c) => {
      const file = join(dir, `${c.name}.yaml`);
      writeFileSync(file, c.content());
      return { name: c.name, file, expect: c.expect };
    }),
  ];

  it.each(huge.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const o = await validateInChild(c.file);
      const shown = `exit ${o.code}${o.signal ? ` (${o.signal})` : ''}\n--- stderr ---\n${o.stderr.slice(0, 3000)}`;
      expect(o.signal, `killed after ${LIMIT_MS} ms\n${shown}`).toBeNull();
      expect(o.code, shown).toBe(1);
      expect(o.stdout, shown).toBe('');
      expectPositioned(c, o.stderr);
    },
    LIMIT_MS + 5_000,
  );
});
