/**
 * Names, keys, values and messages come from untrusted pull requests (and AWS echoes them back):
 * every output must show them, not act on them. A plan and an apply report full of hostile text go
 * through the text, markdown and JSON renderers, the problem list with its GitHub annotations, and
 * the progress lines; each output is checked for raw control/bidi characters, forged workflow
 * commands, and (markdown) blocks, table rows and HTML that came from a value.
 */
import { describe, expect, it } from 'vitest';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { formatProblems, githubAnnotation } from '../../src/config/annotations.js';
import { createProgress } from '../../src/cli/progress.js';
import type { ApplyReport } from '../../src/engine/apply.js';
import type { Plan } from '../../src/engine/plan.js';
import { buildPlan } from '../../src/engine/planner.js';
import type { Problem } from '../../src/errors.js';
import { ruleKind } from '../../src/kinds/rule.js';
import { rendererFor } from '../../src/render/index.js';
import { cellCount, commandLines, DANGEROUS, htmlTags, rawDangerous } from './dangerous.js';

/** Everything the issue reproduced, in one value. */
const HOSTILE = [
  'evil\x1b[2J',
  '\n::error file=x.yaml,line=1::forged',
  '\n\n# heading',
  '\n| forged | row |',
  '</details><script>alert(1)</script>',
  '| pipe',
  'abc\u202edef\u2066',
  '\r##[error]legacy',
  '``tick`',
  '\u2028- list',
  '\x9b31m',
].join('');
/** A value that is itself a workflow command when printed at a line start. */
const AT_START = '::error file=start.yaml::forged';

function hostilePlan(target = `dev\n\n# ${HOSTILE}`): Plan {
  return {
    version: 2,
    target,
    scope: { region: `us-east-2${HOSTILE}`, instanceId: `i\u202e${HOSTILE}` },
    createdAt: '1970-01-01T00:00:00.000Z',
    configFingerprint: 'f',
    changes: [
      {
        kind: 'rule',
        name: HOSTILE,
        action: 'update',
        renamedFrom: HOSTILE,
        reason: HOSTILE,
        fields: [
          { path: `Tags[${JSON.stringify(HOSTILE)}]`, op: 'change', before: HOSTILE, after: `${HOSTILE}!` },
          { path: HOSTILE, op: 'add', after: { nested: HOSTILE, list: [HOSTILE, HOSTILE], [HOSTILE]: 1 } }, // long: a YAML block
          { path: 'Function', op: 'remove', before: HOSTILE },
          { path: AT_START, op: 'add', after: AT_START },
        ],
      },
      { kind: 'rule', name: AT_START, action: 'create', reason: AT_START, fields: [{ path: 'Name', op: 'add', after: AT_START }] },
    ],
    unmanaged: [],
    blocked: [{ rule: 'threshold', kind: 'rule', name: HOSTILE, message: `deleting ${HOSTILE}` }],
    notes: [HOSTILE, AT_START],
    summary: { create: 1, update: 1, replace: 0, delete: 0, manual: 0, unchanged: 0, unmanaged: 0 },
  };
}

function hostileReport(target = HOSTILE): ApplyReport {
  return {
    target,
    results: [
      { kind: 'rule', name: HOSTILE, action: 'update', status: 'failed', message: `InvalidParameterException: Rule name ${HOSTILE} is invalid` },
      { kind: 'rule', name: AT_START, action: 'replace', status: 'failed', message: AT_START, lostBody: { Name: HOSTILE } },
      { kind: 'rule', name: HOSTILE, action: 'create', status: 'ok' },
    ],
    summary: { ok: 1, failed: 2, restored: 0, skipped: 0, interrupted: 0 },
  };
}

/** An annotation's decoded message may hold line breaks (GitHub shows them), nothing else hidden. */
const DANGEROUS_OUTSIDE_LF = new RegExp(`(?!\\n)${DANGEROUS.source}`, 'u');

/** Our own ANSI colours (SGR), the only escape sequences a coloured output may contain. */
const SGR = /\x1b\[[0-9;]*m/g;

describe('text output', () => {
  const TEXT_LINE_STARTS = ['Target ', '  ~ ', '  + ', '      ~ ', '      + ', '      - ', 'Note: ', 'Blocked: ', 'Plan: '];

  it('shows hostile names, keys, values and messages escaped, every line one of ours', () => {
    const out = rendererFor('text', { color: false }).plan([hostilePlan()]);
    expect(rawDangerous(out)).toEqual([]);
    expect(commandLines(out)).toEqual([]);
    for (const line of out.trimEnd().split('\n')) {
      if (line) expect(TEXT_LINE_STARTS.some((start) => line.startsWith(start)), line).toBe(true);
    }
    expect(out).toContain('evil\\x1b[2J\\n::error file=x.yaml'); // mid-value, `::` is not a command
    expect(out).toContain('abc\\u202edef\\u2066');
    expect(out).toContain('#\\x23[error]legacy');
    expect(out).toContain('Note: \\x3a:error file=start.yaml::forged');
  });

  it('keeps its own colours: the only escape sequences left are SGR colour codes', () => {
    const out = rendererFor('text', { color: true }).plan([hostilePlan()]);
    expect(out).toMatch(SGR);
    const plain = out.replace(SGR, '');
    expect(rawDangerous(plain)).toEqual([]);
    expect(commandLines(plain)).toEqual([]);
  });

  it('reports apply results with AWS messages escaped', () => {
    const out = rendererFor('text', { color: false }).report([hostileReport()]);
    expect(rawDangerous(out)).toEqual([]);
    expect(commandLines(out)).toEqual([]);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 3 + 1 + 1); // header, three results, the lost body, the summary
    expect(lines[2]).toContain(': \\x3a:error file=start.yaml::forged');
  });
});

describe('markdown output', () => {
  const OUR_TAGS = new Set(['details', 'summary', 'b', 'code']);

  /** The structure a pull-request comment must keep whatever the values: ours only. */
  function expectOnlyOurStructure(md: string, headings: string[], tableRows: number[]): void {
    expect(rawDangerous(md)).toEqual([]);
    expect(commandLines(md)).toEqual([]);
    const lines = md.trimEnd().split('\n');
    expect(lines.filter((l) => /^\s{0,3}#/.test(l))).toEqual(headings);
    // every table keeps its column count, and has exactly the lines we wrote (header, separator, rows)
    const tables: number[] = [];
    let columns = 0;
    for (const line of lines) {
      if (!line.startsWith('|')) {
        columns = 0;
        continue;
      }
      if (!columns) {
        columns = cellCount(line);
        tables.push(1);
      } else tables[tables.length - 1]++;
      expect(cellCount(line), line).toBe(columns);
    }
    expect(tables).toEqual(tableRows);
    for (const tag of htmlTags(md)) expect(OUR_TAGS.has(tag), tag).toBe(true);
    expect(htmlTags(md).filter((t) => t === 'details')).toHaveLength(2 * (tableRows.length - 1));
    // no other block can open: each line is blank, a table row, ours, or a quoted blocker
    for (const line of lines) expect(line === '' || /^(\||## |### |<details>|<\/details>|> \*\*Blocked:\*\* |No changes\.)/.test(line), line).toBe(true);
  }

  it('keeps hostile values inside their cells, code spans and <summary>', () => {
    const md = rendererFor('markdown', { color: false }).plan([hostilePlan()]);
    // summary table: header + separator + 1 target; change tables: header + separator + fields
    expectOnlyOurStructure(md, ['## connectform plan'], [2 + 1, 2 + 4, 2 + 1]);
    expect(md).toContain('&lt;/details&gt;&lt;script&gt;');
    expect(md).toContain('\\u202e');
  });

  it('escapes hostile target names in the summary table and the per-target headings', () => {
    const md = rendererFor('markdown', { color: false }).plan([hostilePlan(), hostilePlan(`# prod\n\n</details>|x`)]);
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toHaveLength(3);
    expect(headings[2]).toBe('### \\# prod\\\\n\\\\n\\</details\\>\\|x');
    expectOnlyOurStructure(md, headings, [2 + 2, 2 + 4, 2 + 1, 2 + 4, 2 + 1]); // header + separator + rows
  });

  it('uses fences longer than any backtick run, instead of rewriting backticks', () => {
    const md = rendererFor('markdown', { color: false }).plan([hostilePlan()]);
    expect(md).toContain('```Tags[');
    expect(md).toContain('``tick`');
  });

  it('reports apply results with names in code spans and AWS messages as escaped text', () => {
    const md = rendererFor('markdown', { color: false }).report([hostileReport()]);
    expect(rawDangerous(md)).toEqual([]);
    expect(commandLines(md)).toEqual([]);
    expect(htmlTags(md)).toEqual([]);
    const lines = md.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('- '))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('|')).map(cellCount)).toEqual([6, 6, 6]);
    expect(lines.every((l) => l === '' || /^(## connectform apply|\||- \*\*failed\*\* )/.test(l))).toBe(true);
  });

  it('renders a plan the planner made from a hostile config the same safe way', () => {
    const flows = new ContactFlowDirectory([{ id: 'f-1', name: 'Escalation' }]);
    const pos = { file: 'c.yaml', line: 1, col: 1 };
    const body = {
      Name: HOSTILE,
      TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
      Function: HOSTILE,
      PublishStatus: 'PUBLISHED',
      Actions: [{ ActionType: 'CREATE_TASK', TaskAction: { Name: HOSTILE, Description: HOSTILE, ContactFlowId: { name: 'Escalation' } } }],
    };
    const plan = buildPlan({
      target: 't',
      scope: { region: 'us-east-2', instanceId: 'i' },
      configFingerprint: 'f',
      kinds: [ruleKind],
      declared: [{ kind: 'rule', body, lifecycle: {}, pos, positionOf: () => pos }],
      live: new Map([['rule', []]]),
      flows,
      prune: () => false,
      now: new Date(0),
    });
    expect(plan.changes.map((c) => c.name)).toEqual([HOSTILE]);
    const text = rendererFor('text', { color: false }).plan([plan]);
    expect(rawDangerous(text)).toEqual([]);
    expect(commandLines(text)).toEqual([]);
    const md = rendererFor('markdown', { color: false }).plan([plan]);
    expectOnlyOurStructure(md, ['## connectform plan'], [3, 2 + plan.changes[0].fields.length]);
  });
});

describe('JSON output', () => {
  it('carries the very same data, with nothing hidden raw and no workflow command', () => {
    const plan = hostilePlan();
    const out = rendererFor('json', { color: false }).plan([plan]);
    expect(JSON.parse(out)).toEqual({ version: 2, plans: [{ ...plan, redacted: true }], errors: [] }); // printable form: redactPlan marks it
    expect(rawDangerous(out)).toEqual([]);
    expect(commandLines(out)).toEqual([]);
  });
});

describe('problems and GitHub annotations', () => {
  const problems: Problem[] = [
    { severity: 'error', message: `unknown field '${HOSTILE}' in rules[0]`, hint: `remove '${HOSTILE}'`, pos: { file: `con\x1bfig\n::error file=x::forged,.yaml`, line: 3, col: 5 } },
    { severity: 'warning', message: AT_START, pos: { file: 'a.yaml', line: 1, col: 1 } },
    { severity: 'error', message: `rules[1].Name: '${HOSTILE}' too long` },
  ];

  /** The runner's parse of `::name k=v,k=v::data` (ActionCommand.TryParseV2): split, then unescape. */
  function runnerParse(line: string): { name: string; props: Record<string, string>; data: string } {
    const body = line.trimStart();
    const end = body.indexOf('::', 2);
    const info = body.slice(2, end);
    const space = info.indexOf(' ');
    const name = space < 0 ? info : info.slice(0, space);
    const props: Record<string, string> = {};
    if (space > 0) {
      for (const pair of info.slice(space + 1).split(',')) {
        const eq = pair.indexOf('='); // C#'s Split('=', count: 2): the value keeps later '='
        props[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
      }
    }
    return { name, props, data: unescapeData(body.slice(end + 2)) };
  }
  const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const unescapeProperty = (s: string) => unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));

  it('prints problem lines escaped, one line each', () => {
    const out = formatProblems(problems, {});
    expect(rawDangerous(out)).toEqual([]);
    expect(commandLines(out)).toEqual([]);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(problems.length + 1);
    expect(lines[lines.length - 1]).toBe('2 errors, 1 warning');
  });

  it('emits exactly one well-formed workflow command per problem; the runner reads back the escaped text', () => {
    const out = formatProblems(problems, { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: '/repo' });
    expect(rawDangerous(out)).toEqual([]);
    const commands = out.split('\n').filter((l) => l.trimStart().startsWith('::'));
    expect(commands).toHaveLength(problems.length);
    expect(out).not.toContain('##[');
    const parsed = commands.map(runnerParse);
    expect(parsed.map((c) => c.name).sort()).toEqual(['error', 'error', 'warning']);
    for (const c of parsed) {
      expect(Object.keys(c.props).every((k) => ['file', 'line', 'col'].includes(k)), JSON.stringify(c.props)).toBe(true);
      expect(c.data).not.toMatch(DANGEROUS_OUTSIDE_LF);
    }
    const hostileFile = parsed.find((c) => c.props.file?.startsWith('con'));
    expect(hostileFile?.props).toEqual({ file: 'con\\x1bfig\\n::error file=x::forged,.yaml', line: '3', col: '5' });
  });

  it('keeps a line break in a message as %0A, so GitHub shows it on the annotation and nothing starts a new command', () => {
    const line = githubAnnotation({ severity: 'error', message: 'first\n::error::second\x1b', pos: { file: 'a.yaml', line: 1, col: 1 } });
    expect(line).toBe('::error file=a.yaml,line=1,col=1::first%0A\\x3a:error::second\\x1b');
    expect(line.split('\n')).toHaveLength(1);
  });
});

describe('progress lines', () => {
  it('escapes names in phase and step lines of plain (CI) progress', () => {
    let written = '';
    const stream = { isTTY: false, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
    const progress = createProgress(stream, true, {});
    progress.phase(`Reading live state of ${HOSTILE}`);
    progress.step(`rule ${HOSTILE}`); // not logged in plain mode
    progress.step(`done: update rule "${HOSTILE}"`, true);
    progress.step(AT_START, true);
    progress.stop();
    expect(rawDangerous(written)).toEqual([]);
    expect(commandLines(written)).toEqual([]);
    const lines = written.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('  \\x3a:error file=start.yaml::forged');
    expect(lines[3]).toMatch(/: 3 · \d+s done$/);
  });
});
