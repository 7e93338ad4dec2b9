/**
 * The bounds every config input has (src/config/bounds.ts): resources per config, the parser's
 * weight per file, problems collected and settings ranges. Each limit is tested on both sides.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BURST,
  MAX_COLLECTED_PROBLEMS,
  MAX_RESOURCES,
  MAX_VAR_DEPTH,
  MAX_VAR_EXPANSION,
  MAX_VAR_VALUES,
  MAX_YAML_WEIGHT,
  PARALLELISM,
  RATE_PER_SECOND,
  VALUE_WEIGHT,
} from '../../src/config/bounds.js';
import { loadConfig, MAX_FILE_BYTES, tooHeavy } from '../../src/config/load.js';
import { resolveTarget } from '../../src/config/resolve.js';
import { schemaProblems, validateResources } from '../../src/config/validate.js';
import { FAKE_KINDS, TARGETS_YAML, at, loadFailure, loadText, tempConfig } from './helpers.js';

/** `key: [{},{},...]`: n empty items on one line. */
const emptyItems = (key: string, n: number) => `${key}: [${Array(n).fill('{}').join(',')}]\n`;

describe('MAX_RESOURCES', () => {
  it(`accepts ${MAX_RESOURCES} resources across files and refuses one more, where the list crosses the cap`, async () => {
    const half = MAX_RESOURCES / 2;
    const files = {
      'a.yaml': `${TARGETS_YAML}${emptyItems('rules', half)}`,
      'b.yaml': emptyItems('taskTemplates', half),
    };
    const config = await loadConfig(tempConfig(files));
    expect(config.items).toHaveLength(MAX_RESOURCES);

    // One more in b.yaml: the problem is at b.yaml's item number `half`, the 20,001st overall;
    // c.yaml (not even YAML) is not read.
    const dir = tempConfig({
      ...files,
      'b.yaml': emptyItems('taskTemplates', half + 1),
      'c.yaml': Buffer.from([0xff, 0xfe, 0]),
    });
    const problems = await loadFailure(dir);
    expect(problems).toEqual([
      {
        severity: 'error',
        message: `taskTemplates[${half}]: the config declares more than ${MAX_RESOURCES} resources (this is resource ${MAX_RESOURCES + 1}, counting every file)`,
        hint: 'split the config: one config per Connect instance or team, each with its own target',
        pos: { file: join(dir, 'b.yaml'), line: 1, col: 17 + 3 * half },
        path: `taskTemplates[${half}]`,
      },
    ]);
  });
});

describe('MAX_YAML_WEIGHT', () => {
  /** A text's weight: the least limit it stays within. */
  const weightOf = (text: string) => {
    let limit = 0;
    while (tooHeavy(text, limit) !== undefined) limit++;
    return limit;
  };
  // Counted, not timed: the weighing is exact on small texts with a small limit (the same function,
  // the limit as a parameter); at the real limit only the lexer runs, never the parser, so no test
  // here builds a 2.5-million-token document (what such a file costs in memory is checked by
  // test/corpus/malformed-huge.e2e.test.ts, in a child with a 500 MB heap).
  it('weighs each comment line 2 (the comment and its line break), and a text exactly at the limit passes', () => {
    const lines = (n: number) => '#\n'.repeat(n);
    expect(tooHeavy(lines(1000), 2000)).toBeUndefined();
    // One more line: its comment, at offset 2000 (a line start), is where the limit is crossed.
    expect(tooHeavy(lines(1001), 2000)).toBe(2000);
    expect(tooHeavy(lines(1000), 1999)).toBe(1999);
  });

  it('weighs an opening bracket, entry or separator VALUE_WEIGHT, a closing bracket 1', () => {
    // One more `{}` item: `,` and `{` weigh VALUE_WEIGHT each, `}` weighs 1.
    expect(weightOf('x: [{},{}]\n') - weightOf('x: [{}]\n')).toBe(2 * VALUE_WEIGHT + 1);
    expect(weightOf('#\n'.repeat(7))).toBe(14);
  });

  it('refuses a file over the limit, where it crosses, with the lexer alone', async () => {
    // `- {}` lines: the most weight per token, so the fewest tokens to lex (about a million).
    const item = '  - {}\n';
    const perLine = weightOf(`rules:\n${item}${item}`) - weightOf(`rules:\n${item}`);
    const lines = Math.ceil(MAX_YAML_WEIGHT / perLine) + 100;
    const dir = tempConfig({ 'heavy.yaml': `${TARGETS_YAML}rules:\n${item.repeat(lines)}` });
    const [problem, ...rest] = await loadFailure(join(dir, 'heavy.yaml'));
    expect(rest).toEqual([]);
    expect(problem.message).toMatch(
      /^file holds more YAML than one file may \(about 500,000 values and entries\); the limit is reached here$/,
    );
    expect(problem.hint).toBe('split it into several files in one directory');
    // Within the last hundred and some item lines, not at the file's end.
    const header = TARGETS_YAML.split('\n').length;
    expect(problem.pos!.line).toBeGreaterThan(header + lines - 120);
    expect(problem.pos!.line).toBeLessThan(header + lines - 90);
  });

  it('binds before the size limit: a file of one byte per unit of weight at the limit is smaller than MAX_FILE_BYTES', () => {
    expect(weightOf('#\n'.repeat(100))).toBe(Buffer.byteLength('#\n'.repeat(100)));
    expect(MAX_YAML_WEIGHT).toBeLessThan(MAX_FILE_BYTES);
  });
});

describe('MAX_COLLECTED_PROBLEMS', () => {
  it('stops validating resources once that many problems are found, and says where', async () => {
    // Each empty rule has 5 problems (missing fields); the cap is reached at rule cap/5.
    const n = MAX_COLLECTED_PROBLEMS / 5 + 50;
    const { config, file } = await loadText(`${TARGETS_YAML}${emptyItems('rules', n)}`);
    const { resources } = resolveTarget(config, undefined, {});
    const problems = validateResources(resources, FAKE_KINDS);
    expect(problems).toHaveLength(MAX_COLLECTED_PROBLEMS + 1);
    const stop = MAX_COLLECTED_PROBLEMS / 5;
    expect(problems.at(-1)).toEqual({
      severity: 'error',
      message: `rules[${stop}]: not checked, nor 49 more rules: validation stops after ${MAX_COLLECTED_PROBLEMS} problems`,
      hint: 'fix the problems above and validate again',
      pos: { file, line: 5, col: 9 + 3 * stop },
      path: `rules[${stop}]`,
    });
  });

  it('keeps that many schema errors of one value, and says how many more there are', () => {
    const schema = { type: 'object', additionalProperties: false, properties: {} };
    const data = Object.fromEntries(Array.from({ length: MAX_COLLECTED_PROBLEMS + 500 }, (_, i) => [`k${i}`, i]));
    const pos = { file: 'f.yaml', line: 1, col: 1 };
    const problems = schemaProblems(schema, data, { label: 'x', positionOf: () => pos });
    expect(problems).toHaveLength(MAX_COLLECTED_PROBLEMS + 1);
    expect(problems[0].message).toBe("unknown field 'k0' in x");
    expect(problems.at(-1)!.message).toBe(
      `500 more schema errors from here on are not listed (${MAX_COLLECTED_PROBLEMS + 500} in all)`,
    );
  });
});

describe('problems while reading a file', () => {
  it(`lists ${MAX_COLLECTED_PROBLEMS} per file and counts the rest`, async () => {
    // One key, then MAX_COLLECTED_PROBLEMS + 3 duplicates of it.
    const dir = tempConfig({ 'dup.yaml': `${TARGETS_YAML}x:\n${'  a: 1\n'.repeat(MAX_COLLECTED_PROBLEMS + 4)}` });
    const problems = await loadFailure(join(dir, 'dup.yaml'));
    expect(problems).toHaveLength(MAX_COLLECTED_PROBLEMS + 1);
    expect(problems[0]).toMatchObject({ message: "duplicate key 'a'", pos: { line: 7, col: 3 } });
    expect(problems.at(-1)).toEqual({
      severity: 'error',
      message: '3 more problems from here on are not listed',
      hint: 'fix the ones listed and validate again',
      pos: { file: join(dir, 'dup.yaml'), line: 7 + MAX_COLLECTED_PROBLEMS, col: 3 },
    });
  });
});

describe('settings ranges', () => {
  const settings = (body: string) => loadText(`${TARGETS_YAML}settings:\n${body}`).then(({ config }) => config);

  it('accepts the ends of each range and keeps them', async () => {
    const config = await settings(
      `  parallelism: ${PARALLELISM.max}\n  quotas:\n    connect:*: { ratePerSecond: ${RATE_PER_SECOND.min}, burst: ${BURST.max} }\n    chatbot:*: { ratePerSecond: ${RATE_PER_SECOND.max}, burst: ${BURST.min} }\n`,
    );
    expect(config.problems).toEqual([]);
    expect(config.settings).toEqual({
      parallelism: PARALLELISM.max,
      quotas: {
        'connect:*': { ratePerSecond: RATE_PER_SECOND.min, burst: BURST.max },
        'chatbot:*': { ratePerSecond: RATE_PER_SECOND.max, burst: BURST.min },
      },
    });
  });

  it('refuses values outside, positioned at the value, and does not keep them', async () => {
    const config = await settings(
      `  parallelism: ${PARALLELISM.max + 1}\n  quotas:\n    connect:*: { ratePerSecond: 0.0001, burst: ${BURST.max + 1} }\n`,
    );
    expect(config.problems.map((p) => [p.message, p.pos!.line, p.pos!.col])).toEqual([
      [`settings.parallelism: must be <= ${PARALLELISM.max} (got ${PARALLELISM.max + 1})`, 6, 16],
      [`settings.quotas["connect:*"].ratePerSecond: must be >= ${RATE_PER_SECOND.min} (got 0.0001)`, 8, 33],
      [`settings.quotas["connect:*"].burst: must be <= ${BURST.max} (got ${BURST.max + 1})`, 8, 48],
    ]);
    expect(config.settings).toEqual({ quotas: {} });
  });
});

describe('interpolation problems', () => {
  it(`lists ${MAX_COLLECTED_PROBLEMS} per target, counts the rest, and names at most 10 vars each`, async () => {
    const vars = Array.from({ length: 12 }, (_, i) => `      v${i}: ${i}\n`).join('');
    const tags = Array.from(
      { length: MAX_COLLECTED_PROBLEMS + 5 },
      (_, i) => `      t${i}: \${var.missing${i}}\n`,
    ).join('');
    const { config, file } = await loadText(`${TARGETS_YAML}    vars:\n${vars}rules:\n  - Name: r\n    Tags:\n${tags}`);
    const { problems } = resolveTarget(config, undefined, {});
    expect(problems).toHaveLength(MAX_COLLECTED_PROBLEMS + 1);
    // Sorted by position: the count, at the item, comes before the listed ones inside it.
    expect(problems[1].message).toBe(
      "rules[0].Tags.t0: undefined variable 'missing0'; target 'dev' defines v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, … (12 in all)",
    );
    expect(problems[0]).toEqual({
      severity: 'error',
      message: 'rules[0]: 5 more ${...} problems from here on are not listed',
      hint: 'fix the ones listed and validate again',
      pos: { file, line: 19, col: 5 },
      path: 'rules[0]',
    });
  });
});

describe('list and mapping vars', () => {
  /** A config whose target defines `big: <value>` and whose one rule uses it `uses` times, whole. */
  const withVar = (value: string, uses = 1) =>
    `${TARGETS_YAML}    vars:\n      big: ${value}\nrules:\n  - Name: r\n    Tags:\n${Array.from({ length: uses }, (_, i) => `      t${i}: \${var.big}\n`).join('')}`;
  const list = (items: number) => `[${Array(items).fill('x').join(',')}]`;

  it(`hold at most ${MAX_VAR_VALUES} values, the list itself counting one`, async () => {
    const ok = await loadText(withVar(list(MAX_VAR_VALUES - 1)));
    const r = resolveTarget(ok.config, undefined, {});
    expect(r.problems).toEqual([]);
    expect(r.resources[0].body.Tags).toEqual({ t0: Array(MAX_VAR_VALUES - 1).fill('x') });
    const text = withVar(list(MAX_VAR_VALUES));
    const over = await loadText(text);
    expect(resolveTarget(over.config, undefined, {}).problems).toEqual([
      {
        severity: 'error',
        message: `targets.dev.vars.big: a var holds at most ${MAX_VAR_VALUES} values (lists, mappings and scalars each count one)`,
        hint: 'split it into several vars',
        pos: at(over.file, text, '[x,'),
        path: 'targets.dev.vars.big',
      },
    ]);
  });

  it(`nest at most ${MAX_VAR_DEPTH} levels, and the error points at the value too deep`, async () => {
    const nested = (levels: number) => `${'['.repeat(levels)}deepest${']'.repeat(levels)}`;
    const ok = await loadText(withVar(nested(MAX_VAR_DEPTH)));
    expect(resolveTarget(ok.config, undefined, {}).problems).toEqual([]);
    const text = withVar(nested(MAX_VAR_DEPTH + 1));
    const over = await loadText(text);
    expect(resolveTarget(over.config, undefined, {}).problems.map((p) => [p.message, p.pos])).toEqual([
      [
        `targets.dev.vars.big${'[0]'.repeat(MAX_VAR_DEPTH + 1)}: a var nests at most ${MAX_VAR_DEPTH} levels deep`,
        at(over.file, text, 'deepest'),
      ],
    ]);
  });

  it(`copy at most ${MAX_VAR_EXPANSION} values into one target's resources, all uses together`, async () => {
    const uses = MAX_VAR_EXPANSION / MAX_VAR_VALUES;
    const ok = await loadText(withVar(list(MAX_VAR_VALUES - 1), uses));
    expect(resolveTarget(ok.config, undefined, {}).problems).toEqual([]);
    const text = withVar(list(MAX_VAR_VALUES - 1), uses + 1);
    const over = await loadText(text);
    const r = resolveTarget(over.config, undefined, {});
    expect(r.problems).toEqual([
      {
        severity: 'error',
        message: `rules[0].Tags.t${uses}: \${var.big} would copy more than ${MAX_VAR_EXPANSION} values of list and mapping vars into this target's resources`,
        hint: 'use big list or mapping vars in fewer places, or make them smaller',
        pos: at(over.file, text, '${var.big}', uses + 1),
        path: `rules[0].Tags.t${uses}`,
      },
    ]);
    // The budget is per target resolution: resolving again starts afresh.
    expect(resolveTarget(ok.config, undefined, {}).problems).toEqual([]);
  });
});
