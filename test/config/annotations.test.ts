import { describe, expect, it } from 'vitest';
import {
  countLine,
  formatPath,
  formatProblems,
  githubAnnotation,
  githubAnnotations,
  joinPath,
  nearest,
} from '../../src/config/annotations.js';
import { MAX_SHOWN_PROBLEMS } from '../../src/config/bounds.js';
import type { Problem } from '../../src/errors.js';

const problems: Problem[] = [
  { severity: 'warning', message: 'unresolved tag', pos: { file: 'b.yaml', line: 1, col: 4 } },
  {
    severity: 'error',
    message: "unknown field 'Actoins' in rules[0]; did you mean 'Actions'?",
    pos: { file: 'a.yaml', line: 12, col: 5 },
  },
  {
    severity: 'error',
    message: 'rules[0].Name: must be a string (got an integer)',
    hint: "quote it: '7'",
    pos: { file: 'a.yaml', line: 3, col: 11 },
  },
  { severity: 'error', message: 'no targets', hint: 'add a targets: mapping' },
];

describe('formatProblems', () => {
  it('prints one line per problem, sorted, with hints and a count line', () => {
    expect(formatProblems(problems, {})).toBe(
      [
        '<config>: error: no targets (add a targets: mapping)',
        "a.yaml:3:11: error: rules[0].Name: must be a string (got an integer) (quote it: '7')",
        "a.yaml:12:5: error: unknown field 'Actoins' in rules[0]; did you mean 'Actions'?",
        'b.yaml:1:4: warning: unresolved tag',
        '3 errors, 1 warning',
        '',
      ].join('\n'),
    );
    expect(formatProblems([], {})).toBe('no problems\n');
  });

  it('prints the same problem once even when several targets found it', () => {
    expect(formatProblems([problems[1], { ...problems[1] }], {}).split('\n')).toHaveLength(3);
    expect(countLine([problems[1]])).toBe('1 error');
  });

  it('adds GitHub workflow commands when GITHUB_ACTIONS is set', () => {
    const out = formatProblems(problems, { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: '/repo' }).trimEnd().split('\n');
    expect(out.slice(5)).toEqual([
      '::error::no targets (add a targets: mapping)',
      "::error file=a.yaml,line=3,col=11::rules[0].Name: must be a string (got an integer) (quote it: '7')",
      "::error file=a.yaml,line=12,col=5::unknown field 'Actoins' in rules[0]; did you mean 'Actions'?",
      '::warning file=b.yaml,line=1,col=4::unresolved tag',
    ]);
  });
});

describe('GitHub escaping', () => {
  // escapeWorkflowData / escapeWorkflowProperty themselves: test/render/escape.test.ts
  it('escapes %, CR and LF in data, and also : and , in properties', () => {
    expect(
      githubAnnotation({
        severity: 'error',
        message: 'a,b: 100%\nnext',
        pos: { file: 'odd:name,1.yaml', line: 2, col: 3 },
      }),
    ).toBe('::error file=odd%3Aname%2C1.yaml,line=2,col=3::a,b: 100%25%0Anext');
  });

  it('makes absolute paths inside the workspace repository-relative', () => {
    expect(
      githubAnnotation(
        { severity: 'error', message: 'm', pos: { file: '/repo/config/a.yaml', line: 1, col: 1 } },
        '/repo',
      ),
    ).toBe('::error file=config/a.yaml,line=1,col=1::m');
    expect(
      githubAnnotation(
        { severity: 'error', message: 'm', pos: { file: '/elsewhere/a.yaml', line: 1, col: 1 } },
        '/repo',
      ),
    ).toBe('::error file=/elsewhere/a.yaml,line=1,col=1::m');
  });
});

describe('hostile config text', () => {
  it('prints problem lines and annotations with control and bidi characters made visible', () => {
    const p: Problem = {
      severity: 'error',
      message: "unknown field 'a\x1b[2J\u202e'",
      hint: 'x\ny',
      pos: { file: 'c\rd.yaml', line: 1, col: 2 },
    };
    expect(formatProblems([p], {})).toBe("c\\rd.yaml:1:2: error: unknown field 'a\\x1b[2J\\u202e' (x\\ny)\n1 error\n");
    expect(githubAnnotation(p)).toBe("::error file=c\\rd.yaml,line=1,col=2::unknown field 'a\\x1b[2J\\u202e' (x%0Ay)");
  });
});

describe('message helpers', () => {
  it('formats paths', () => {
    expect(formatPath(['Actions', 0, 'TaskAction', 'References', 'my key'])).toBe(
      'Actions[0].TaskAction.References["my key"]',
    );
    expect(joinPath('rules[3]', ['Name'])).toBe('rules[3].Name');
    expect(joinPath('rules', [3])).toBe('rules[3]');
    expect(joinPath('', [])).toBe('');
  });

  it('suggests the nearest name: typos, case, swapped letters, prefixes', () => {
    const fields = ['Name', 'TriggerEventSource', 'Function', 'Actions', 'PublishStatus'];
    expect(nearest('Actoins', fields)).toBe('Actions');
    expect(nearest('publishstatus', fields)).toBe('PublishStatus');
    expect(nearest('Functoin', fields)).toBe('Function');
    expect(nearest('Zzzzzz', fields)).toBeUndefined();
    expect(nearest('OnPostCallAnalysis', ['OnPostChatAnalysisAvailable', 'OnPostCallAnalysisAvailable'])).toBe(
      'OnPostCallAnalysisAvailable',
    );
    expect(nearest('Name', fields)).toBeUndefined();
  });
});

describe('at most MAX_SHOWN_PROBLEMS problems are shown', () => {
  const many = (n: number): Problem[] =>
    Array.from({ length: n }, (_, i) => ({
      severity: 'error',
      message: `problem ${i}`,
      pos: { file: 'a.yaml', line: i + 1, col: 1 },
    }));

  it('shows all of them up to the limit, with no "more" line', () => {
    const lines = formatProblems(many(MAX_SHOWN_PROBLEMS), {}).trimEnd().split('\n');
    expect(lines).toHaveLength(MAX_SHOWN_PROBLEMS + 1);
    expect(lines.at(-1)).toBe(`${MAX_SHOWN_PROBLEMS} errors`);
  });

  it('shows the first ones, then one line counting the rest, then the count of all', () => {
    const lines = formatProblems(many(MAX_SHOWN_PROBLEMS + 1), {})
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(MAX_SHOWN_PROBLEMS + 2);
    expect(lines[MAX_SHOWN_PROBLEMS - 1]).toBe(
      `a.yaml:${MAX_SHOWN_PROBLEMS}:1: error: problem ${MAX_SHOWN_PROBLEMS - 1}`,
    );
    expect(lines.slice(MAX_SHOWN_PROBLEMS)).toEqual(['… and 1 more problem', `${MAX_SHOWN_PROBLEMS + 1} errors`]);
    expect(formatProblems(many(1000), {})).toContain(
      `\n… and ${1000 - MAX_SHOWN_PROBLEMS} more problems\n1000 errors\n`,
    );
  });

  it('annotates as many on GitHub, then a notice counting the rest', () => {
    const annotations = githubAnnotations(many(MAX_SHOWN_PROBLEMS + 5));
    expect(annotations).toHaveLength(MAX_SHOWN_PROBLEMS + 1);
    expect(annotations[0]).toBe('::error file=a.yaml,line=1,col=1::problem 0');
    expect(annotations.at(-1)).toBe('::notice::… and 5 more problems');
    const out = formatProblems(many(MAX_SHOWN_PROBLEMS + 5), { GITHUB_ACTIONS: 'true' });
    expect(out.split('\n').filter((l) => l.startsWith('::'))).toEqual(annotations);
  });
});
