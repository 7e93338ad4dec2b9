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
import { diffBlock } from '../../src/render/markdown.js';
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

/** HOSTILE without its line breaks: a long one-line value (a word diff). */
const HOSTILE_ONE_LINE = HOSTILE.replace(/\n/g, ' ');
/** A multi-line value whose lines are each hostile: one starts a command, one a fence, one a heading. */
const HOSTILE_LINES = [
  'first line',
  '::error file=y.yaml::forged in a line',
  '`````',
  '</details>',
  `# ${HOSTILE}`,
  '  ::warning::indented',
  'last',
].join('\n');

function hostilePlan(target = `dev\n\n# ${HOSTILE}`): Plan {
  return {
    version: 3,
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
        attribution: { at: HOSTILE, by: AT_START },
        fields: [
          { path: `Tags[${JSON.stringify(HOSTILE)}]`, op: 'change', before: HOSTILE, after: `${HOSTILE}!` },
          { path: HOSTILE, op: 'add', after: { nested: HOSTILE, list: [HOSTILE, HOSTILE], [HOSTILE]: 1 } }, // a YAML block
          { path: 'Function', op: 'remove', before: HOSTILE },
          { path: AT_START, op: 'add', after: AT_START },
          {
            path: 'Function',
            op: 'change',
            impact: 'replace',
            before: HOSTILE_LINES,
            after: HOSTILE_LINES.replace('first', `${HOSTILE}\n\`\`\``),
          },
          {
            path: 'Description',
            op: 'change',
            before: `${HOSTILE_ONE_LINE} `.repeat(3),
            after: `${HOSTILE_ONE_LINE} `.repeat(2) + AT_START,
          }, // a long line: word diff
          { path: `Fields[Id.Name=${JSON.stringify(HOSTILE)}]`, op: 'move', from: 0, to: 2 },
        ],
      },
      {
        kind: 'rule',
        name: AT_START,
        action: 'create',
        reason: AT_START,
        fields: [{ path: 'Name', op: 'add', after: AT_START }],
      },
      {
        kind: 'rule',
        name: `${HOSTILE}gone`,
        action: 'delete',
        reason: HOSTILE,
        fields: [{ path: 'Function', op: 'remove', before: HOSTILE_LINES }],
      },
    ],
    unmanaged: [
      { kind: 'rule', name: HOSTILE },
      { kind: 'rule', name: AT_START },
    ],
    blocked: [{ rule: 'threshold', kind: 'rule', name: HOSTILE, message: `deleting ${HOSTILE}` }],
    notes: [HOSTILE, AT_START],
    summary: { create: 1, update: 1, replace: 0, delete: 1, manual: 0, unchanged: 0, unmanaged: 2 },
  };
}

function hostileReport(target = HOSTILE): ApplyReport {
  return {
    target,
    results: [
      {
        kind: 'rule',
        name: HOSTILE,
        action: 'update',
        status: 'failed',
        message: `InvalidParameterException: Rule name ${HOSTILE} is invalid`,
      },
      {
        kind: 'rule',
        name: AT_START,
        action: 'replace',
        status: 'failed',
        message: AT_START,
        lostBody: { Name: HOSTILE },
      },
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
  /** Every line a text plan can have: ours, with values only after our own prefix. */
  const TEXT_LINE =
    /^(Target | {2}(\+|~|-|-\/\+|!) rule "| {6}|Not in the config, left alone| {2}rule: "| {2}\(settings\.prune|Note: |Blocked: |Plan: |No changes\.|Drift: |No drift\.|Changed outside connectform \(configured value → live value\):$)/;

  it('keeps every line one of ours when drift shows the rows the other way round', () => {
    const out = rendererFor('text', { color: false, command: 'drift' }).plan([hostilePlan()]);
    expect(rawDangerous(out)).toEqual([]);
    expect(commandLines(out)).toEqual([]);
    for (const line of out.trimEnd().split('\n')) {
      if (line) expect(line, line).toMatch(TEXT_LINE);
    }
    expect(out).toMatch(/^ {2}\+ rule "[^\n]*# added outside connectform$/m);
  });

  it('shows hostile names, keys, values and messages escaped, every line one of ours', () => {
    const out = rendererFor('text', { color: false }).plan([hostilePlan()]);
    expect(rawDangerous(out)).toEqual([]);
    expect(commandLines(out)).toEqual([]);
    for (const line of out.trimEnd().split('\n')) {
      if (line) expect(line, line).toMatch(TEXT_LINE);
    }
    expect(out).toContain('evil\\x1b[2J\\n::error file=x.yaml'); // mid-value, `::` is not a command
    expect(out).toContain('abc\\u202edef\\u2066');
    expect(out).toContain('#\\x23[error]legacy');
    expect(out).toContain('Note: \\x3a:error file=start.yaml::forged');
    // a multi-line value is its own lines, no more, no fewer: the deleted rule's body
    const lines = out.split('\n');
    const body = lines.slice(lines.findIndex((l) => l.startsWith('  - rule ')) + 2);
    expect(body.slice(0, body.indexOf(''))).toHaveLength(HOSTILE_LINES.split('\n').length);
    // the long one-line value is a word diff on one line
    expect(lines.filter((l) => l.startsWith('      ~ Description: '))).toHaveLength(1);
    expect(out).toMatch(/Description: … .*\[-.*-\]\{\+file=start\.yaml::forged\+\}$/m);
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
  /** Lines a diff block holds: our row signs, hunk markers, context under a header. */
  const DIFF_LINE = /^([-+!] \S|[-+ ] {3}| {2}\S|@@ \d+ unchanged lines? @@$)/;
  /** Lines outside diff blocks: blank, a table row, a heading, ours, or a quoted blocker. */
  const OUR_LINE =
    /^(\||## |### |<details><summary><b>|<\/details>$|> \*\*Blocked:\*\* |No changes\.$|No drift\.$|\*\*(delete|replace|added|changed|removed)\*\* rule |_|Note: |- rule: |\*\*Not in the config, left alone)/;

  /**
   * Fenced blocks as CommonMark reads them: an opening fence of n ≥ 3 backticks (up to 3 spaces
   * in), closed by a line of at least n backticks and nothing else. Returns the blocks found
   * and the lines outside them.
   */
  function fences(md: string): { blocks: { open: string; lines: string[]; close?: string }[]; outside: string[] } {
    const blocks: { open: string; lines: string[]; close?: string }[] = [];
    const outside: string[] = [];
    let open: { open: string; lines: string[]; close?: string; n: number } | undefined;
    for (const line of md.split('\n')) {
      if (open) {
        const close = /^ {0,3}(`{3,})\s*$/.exec(line);
        if (close && close[1].length >= open.n) {
          open.close = line;
          open = undefined;
        } else open.lines.push(line);
        continue;
      }
      const start = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (start) {
        open = { open: line, lines: [], n: start[1].length };
        blocks.push(open);
      } else outside.push(line);
    }
    return { blocks, outside };
  }

  /** The structure a pull-request comment must keep whatever the values: ours only. */
  function expectOnlyOurStructure(
    md: string,
    headings: string[],
    tableRows: number[],
    diffBlocks: number,
    collapsed: number,
  ): void {
    expect(rawDangerous(md)).toEqual([]);
    expect(commandLines(md)).toEqual([]);
    const { blocks, outside } = fences(md.trimEnd());
    // every fence is one of our diff blocks, closed by its own fence, its lines all ours
    expect(blocks).toHaveLength(diffBlocks);
    for (const b of blocks) {
      expect(b.open, b.open).toMatch(/^(`{3,})diff$/);
      expect(b.close).toBe(b.open.slice(0, -'diff'.length));
      for (const line of b.lines) expect(line, line).toMatch(DIFF_LINE);
    }
    const text = outside.join('\n');
    expect(outside.filter((l) => /^\s{0,3}#/.test(l))).toEqual(headings);
    // every table keeps its column count, and has exactly the lines we wrote (header, separator, rows)
    const tables: number[] = [];
    let columns = 0;
    for (const line of outside) {
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
    for (const tag of htmlTags(text)) expect(OUR_TAGS.has(tag), tag).toBe(true);
    expect(htmlTags(text).filter((t) => t === 'details')).toHaveLength(2 * collapsed);
    for (const line of outside) expect(line === '' || OUR_LINE.test(line), line).toBe(true);
  }

  it('keeps hostile values inside their cells, code spans, <summary> and diff blocks', () => {
    const md = rendererFor('markdown', { color: false }).plan([hostilePlan()]);
    // one summary table (header + separator + 1 target); a diff block per change; the delete open
    expectOnlyOurStructure(md, ['## connectform plan'], [2 + 1], 3, 2);
    expect(md).toContain('&lt;/details&gt;&lt;script&gt;');
    expect(md).toContain('\\u202e');
  });

  it('keeps the same structure when drift shows the rows the other way round', () => {
    const md = rendererFor('markdown', { color: false, command: 'drift' }).plan([hostilePlan()]);
    // the create reads as removed outside connectform and, like the delete, is shown open
    expectOnlyOurStructure(md, ['## connectform drift'], [2 + 1], 3, 1);
    expect(md).toContain('_Changed outside connectform (configured value → live value):_');
    expect(md).toContain('&lt;/details&gt;&lt;script&gt;');
  });

  it('escapes hostile target names in the summary table and the per-target headings', () => {
    const md = rendererFor('markdown', { color: false }).plan([hostilePlan(), hostilePlan(`# prod\n\n</details>|x`)]);
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    // the title, the changes both targets share (shown once, under both names), then each target
    expect(headings).toHaveLength(4);
    expect(headings[1]).toMatch(/^### .*, \\# prod\\\\n\\\\n\\<\/details\\>\\\|x$/);
    expect(headings[3]).toBe('### \\# prod\\\\n\\\\n\\</details\\>\\|x');
    expectOnlyOurStructure(md, headings, [2 + 2], 3, 2); // header + separator + rows
  });

  it('fences diff blocks with more backticks than any run in them, and code spans likewise', () => {
    const md = rendererFor('markdown', { color: false }).plan([hostilePlan()]);
    // HOSTILE_LINES holds a line of five backticks: its diff blocks are fenced with six
    expect(md).toContain('\n``````diff\n');
    expect(md).toContain('\n    `````\n'); // that line, inside, unable to close the fence
    expect(md).toContain('``tick`'); // the deleted rule's name in a code span
    // the fence does not rely on the row prefixes: a bare line of backticks cannot close it either
    const block = diffBlock(['```', '`````` x', 'a ```````````` b']);
    expect(block[1]).toBe(`${'`'.repeat(13)}diff`);
    expect(fences(block.join('\n')).blocks.map(({ open, lines, close }) => ({ open, lines, close }))).toEqual([
      { open: block[1], lines: block.slice(2, -1), close: '`'.repeat(13) },
    ]);
  });

  it('shows a hostile multi-line value line by line, each line escaped, none of them dropped', () => {
    const md = rendererFor('markdown', { color: false }).plan([hostilePlan()]);
    const { blocks } = fences(md);
    const deleted = blocks.find((b) => b.lines[0] === '- Function: |-')!;
    expect(deleted.lines.slice(1)).toHaveLength(HOSTILE_LINES.split('\n').length);
    expect(deleted.lines).toContain('-   \\x3a:error file=y.yaml::forged in a line');
    expect(deleted.lines).toContain('-     \\x3a:warning::indented');
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
      Actions: [
        {
          ActionType: 'CREATE_TASK',
          TaskAction: { Name: HOSTILE, Description: HOSTILE, ContactFlowId: { name: 'Escalation' } },
        },
      ],
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
    expectOnlyOurStructure(md, ['## connectform plan'], [3], 1, 1);
  });
});

describe('JSON output', () => {
  it('carries the very same data, with nothing hidden raw and no workflow command', () => {
    const plan = hostilePlan();
    const out = rendererFor('json', { color: false }).plan([plan]);
    expect(JSON.parse(out)).toEqual({
      version: 3,
      direction: 'apply',
      plans: [{ ...plan, redacted: true }],
      errors: [],
    }); // printable form: redactPlan marks it
    expect(rawDangerous(out)).toEqual([]);
    expect(commandLines(out)).toEqual([]);
  });
});

describe('problems and GitHub annotations', () => {
  const problems: Problem[] = [
    {
      severity: 'error',
      message: `unknown field '${HOSTILE}' in rules[0]`,
      hint: `remove '${HOSTILE}'`,
      pos: { file: `con\x1bfig\n::error file=x::forged,.yaml`, line: 3, col: 5 },
    },
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
      expect(
        Object.keys(c.props).every((k) => ['file', 'line', 'col'].includes(k)),
        JSON.stringify(c.props),
      ).toBe(true);
      expect(c.data).not.toMatch(DANGEROUS_OUTSIDE_LF);
    }
    const hostileFile = parsed.find((c) => c.props.file?.startsWith('con'));
    expect(hostileFile?.props).toEqual({ file: 'con\\x1bfig\\n::error file=x::forged,.yaml', line: '3', col: '5' });
  });

  it('keeps a line break in a message as %0A, so GitHub shows it on the annotation and nothing starts a new command', () => {
    const line = githubAnnotation({
      severity: 'error',
      message: 'first\n::error::second\x1b',
      pos: { file: 'a.yaml', line: 1, col: 1 },
    });
    expect(line).toBe('::error file=a.yaml,line=1,col=1::first%0A\\x3a:error::second\\x1b');
    expect(line.split('\n')).toHaveLength(1);
  });
});

describe('progress lines', () => {
  it('escapes names in phase and step lines of plain (CI) progress', () => {
    let written = '';
    const write = (s: string) => {
      written += s;
      return true;
    };
    const stream = { isTTY: false, write } as unknown as NodeJS.WriteStream;
    const progress = createProgress(stream, true, {});
    progress.phase(`Reading live state of ${HOSTILE}`);
    progress.step(`rule ${HOSTILE}`); // not logged in plain mode: repeated (escaped) on the done line
    progress.step(`done: update rule "${HOSTILE}"`, true);
    progress.step(AT_START, true);
    progress.stop();
    expect(rawDangerous(written)).toEqual([]);
    expect(commandLines(written)).toEqual([]);
    const lines = written.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('  \\x3a:error file=start.yaml::forged');
    expect(lines[3]).toMatch(/: 3 · \d+s · rule .+ done$/);
  });
});
