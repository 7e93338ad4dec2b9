import { noteLine } from './note-label.js';
import type { ApplyReport } from '../engine/apply.js';
import type { Change, Plan } from '../engine/plan.js';
import {
  attributionText,
  bodyRows,
  DRIFT_HEADING,
  DRIFT_VERB,
  driftChange,
  driftCounts,
  showsBody,
  UNMANAGED_HINT,
  unmanagedGroups,
} from './change-parts.js';
import { escapeHtml, escapeMarkdownInline as md, markdownCode, markdownCodeCell } from './escape.js';
import { fieldView, type FieldView } from './field-view.js';
import { selectorShortener } from './identity-path.js';
import { type SharedChange, sharedChanges } from './shared-changes.js';
import type { Renderer } from './index.js';
import type { DiffPart, Skipped } from './line-diff.js';
import { plural } from './values.js';

/** GitHub caps a comment at 65,536 characters; keep room for the caller's own text. */
export const MARKDOWN_BUDGET = 60_000;

const VERB = {
  create: 'create',
  update: 'update',
  replace: 'replace',
  delete: 'delete',
  manual: 'manual step',
} as const;

const TOO_LONG = '_Its differences do not fit in a pull-request comment; see `connectform plan --format json`._';

/** Deletes and replaces destroy a live resource: shown open, and first, never behind a click. */
const destructive = (c: Change) => c.action === 'delete' || c.action === 'replace';

/**
 * For pull-request comments: a summary table (with each target's region and instance), then
 * each change: destructive ones open, the others in a collapsible section; field differences as
 * ```diff blocks of YAML-like lines, long values as line hunks (unchanged context trimmed, never
 * a changed line). Names, keys, values and messages come from the pull request and AWS: each
 * goes through the escape.ts function for where it lands (markdown text, code span, raw HTML in
 * `<summary>`); a diff block's lines are escaped for the terminal and fenced by more backticks
 * than any run in them, so no value can close the fence.
 */
export class MarkdownRenderer implements Renderer {
  /** `drift` titles the comment "connectform drift" (the cron job's issue), otherwise "plan". */
  constructor(private readonly command: 'plan' | 'drift' = 'plan') {}

  /** Shown open and first: what destroys a live resource, and in drift a resource removed outside connectform. */
  private open(c: Change): boolean {
    return destructive(c) || (this.drift && c.action === 'create');
  }

  private get drift(): boolean {
    return this.command === 'drift';
  }

  plan(plans: Plan[]): string {
    const out: string[] = [`## connectform ${this.command}`, '', ...this.table(plans)];
    if (this.drift && plans.some((p) => p.changes.length)) out.push('', `_${md(DRIFT_HEADING)}_`);
    const tails = plans.map((p) => this.tail(p));
    const budget = new Budget(out.join('\n').length + tails.flat().join('\n').length);
    // The same change on several targets is shown once, under all their names, before each target's own.
    const { groups, grouped } = plans.length > 1 ? sharedChanges(plans) : { groups: [], grouped: new Set<Change>() };
    for (const g of groups) {
      out.push('', `### ${g.targets.map(md).join(', ')}`, '', `_The same on ${plural(g.targets.length, 'target')}:_`);
      for (const s of [
        ...g.changes.filter((x) => this.open(x.change)),
        ...g.changes.filter((x) => !this.open(x.change)),
      ])
        out.push(...this.fitted(s.change, budget, sharedAttribution(s)));
    }
    plans.forEach((p, i) => {
      if (plans.length > 1) out.push('', `### ${md(p.target)}`);
      if (!p.changes.length) out.push('', this.drift ? 'No drift.' : 'No changes.');
      for (const b of p.blocked) out.push('', `> **Blocked:** ${md(b.message)}`);
      const own = p.changes.filter((c) => !grouped.has(c));
      if (own.length < p.changes.length)
        out.push('', `_${plural(p.changes.length - own.length, 'change')} shown above with other targets._`);
      for (const c of [...own.filter((x) => this.open(x)), ...own.filter((x) => !this.open(x))])
        out.push(...this.fitted(c, budget));
      out.push(...tails[i]);
    });
    if (budget.omitted)
      out.push(
        '',
        `_${budget.omitted} more change(s) not shown to fit a pull-request comment; see \`connectform plan --format json\`._`,
      );
    return `${out.join('\n')}\n`;
  }

  /** One row per target: apply's counts, or drift's (changed, removed, added outside connectform). */
  private table(plans: Plan[]): string[] {
    const where = (p: Plan) => `| ${md(p.target)} | ${md(p.scope.region)} | ${markdownCodeCell(p.scope.instanceId)} |`;
    if (this.drift)
      return [
        '| target | region | instance | changed | removed | added | unchanged | unmanaged |',
        '|---|---|---|---:|---:|---:|---:|---:|',
        ...plans.map((p) => {
          const d = driftCounts(p);
          return `${where(p)} ${d.changed} | ${d.removed} | ${d.added} | ${p.summary.unchanged} | ${p.unmanaged.length} |`;
        }),
      ];
    return [
      '| target | region | instance | create | update | replace | delete | manual | unchanged | unmanaged |',
      '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
      ...plans.map((p) => {
        const s = p.summary;
        return `${where(p)} ${s.create} | ${s.update} | ${s.replace} | ${s.delete} | ${s.manual} | ${s.unchanged} | ${p.unmanaged.length} |`;
      }),
    ];
  }

  /**
   * A change's section if it fits the budget. A delete or replace is never left out silently:
   * when its section does not fit, its header stays and says its differences are left out.
   */
  private fitted(c: Change, budget: Budget, attribution?: string[]): string[] {
    const section = ['', ...this.change(c, attribution)];
    if (budget.take(section)) return section;
    const head = ['', section[1], '', TOO_LONG];
    if (this.open(c) && budget.take(head)) return head;
    budget.omitted++;
    return [];
  }

  /**
   * Unmanaged resources (named, capped) and the notes: short, always shown. The plan's `log`
   * (the cache note) is not for reviewers: the CLI writes it to stderr.
   */
  private tail(p: Plan): string[] {
    const out: string[] = [];
    if (p.unmanaged.length) {
      out.push('', `**Not in the config, left alone (${p.unmanaged.length}):**`, '');
      for (const g of unmanagedGroups(p.unmanaged)) {
        out.push(`- ${md(g.kind)}: ${g.names.map(markdownCode).join(', ')}${g.more ? `, and ${g.more} more` : ''}`);
      }
      out.push('', `_${md(UNMANAGED_HINT)}_`);
    }
    for (const note of p.notes) out.push('', noteLine(note, md));
    return out;
  }

  /** `attribution`: the lines to show instead of the change's own (a shared change: each target's). */
  private change(planned: Change, attribution?: string[]): string[] {
    const c = this.drift ? driftChange(planned) : planned;
    const verb = this.drift ? DRIFT_VERB[c.action] : VERB[c.action];
    const rename = c.renamedFrom ? ' (renamed from ' : '';
    // drift's verb and heading already say a resource was removed or added outside connectform
    const said = this.drift && verb !== 'changed' ? undefined : c.reason;
    const reason = said ? ` — ${said}` : '';
    const saidBy = attribution ?? [attributionText(c.attribution)].filter((x) => x !== undefined);
    const body = [...saidBy.flatMap((a) => ['', `_${md(a)}_`]), ...diffBlock(this.diffLines(c))];
    if (this.open(c)) {
      const head = `**${verb}** ${md(c.kind)} ${markdownCode(c.name)}${c.renamedFrom ? `${rename}${markdownCode(c.renamedFrom)})` : ''}${md(reason)}`;
      return [head, ...body];
    }
    const summary = `<b>${verb}</b> ${escapeHtml(c.kind)} <code>${escapeHtml(c.name)}</code>${c.renamedFrom ? `${rename}<code>${escapeHtml(c.renamedFrom)}</code>)` : ''}${escapeHtml(reason)}`;
    return [`<details><summary>${summary}</summary>`, ...body, '', '</details>'];
  }

  /** The change as diff lines: a create's or delete's body all `+` or `-`, else its field rows. */
  private diffLines(c: Change): string[] {
    const shown = selectorShortener(c.fields.map((f) => f.path));
    if (!showsBody(c)) return c.fields.flatMap((f) => rowLines(fieldView(f, shown)));
    // drift reads the other way round: a create is a resource removed outside connectform
    const sign = (c.action === 'create') !== this.drift ? '+' : '-';
    return bodyRows(c).flatMap((f) => {
      const v = fieldView(f, shown);
      if (v.shape === 'block')
        return [`${sign} ${v.path}:${v.header ? ` ${v.header}` : ''}`, ...v.lines.map((l) => `${sign}   ${l}`)];
      if (v.shape === 'inline') return [`${sign} ${v.path}: ${v.after ?? v.before}`];
      return rowLines(v);
    });
  }

  report(reports: ApplyReport[]): string {
    const out: string[] = [
      '## connectform apply',
      '',
      '| target | applied | failed | restored | manual | not started |',
      '|---|---:|---:|---:|---:|---:|',
    ];
    for (const r of reports)
      out.push(
        `| ${md(r.target)} | ${r.summary.ok} | ${r.summary.failed} | ${r.summary.restored} | ${r.summary.skipped} | ${r.summary.interrupted} |`,
      );
    for (const r of reports) {
      for (const res of r.results.filter((x) => x.status !== 'ok')) {
        out.push(
          `- **${md(res.status)}** ${md(res.action)} ${md(res.kind)} ${markdownCode(res.name)}${res.message ? `: ${md(res.message)}` : ''}`,
        );
      }
    }
    return `${out.join('\n')}\n`;
  }
}

/** A shared change's attribution: once when every target says the same, else per target. */
function sharedAttribution(s: SharedChange): string[] {
  const texts = s.byTarget.map((t) => ({ target: t.target, text: attributionText(t.change.attribution) }));
  const said = texts.filter((t): t is { target: string; text: string } => t.text !== undefined);
  if (!said.length) return [];
  if (said.length === texts.length && said.every((t) => t.text === said[0].text)) return [said[0].text];
  return said.map((t) => `${t.target}: ${t.text}`);
}

/** Characters left for a comment's sections. */
class Budget {
  omitted = 0;
  constructor(private used: number) {}

  /** True (and counted) when `lines` still fit. */
  take(lines: string[]): boolean {
    const length = lines.join('\n').length;
    if (this.used + length > MARKDOWN_BUDGET) return false;
    this.used += length;
    return true;
  }
}

const FORCES = '  # forces replacement';

/** One field row in diff syntax: `-`/`+` lines GitHub colours, `!` for a move, hunk markers. */
function rowLines(v: FieldView): string[] {
  const forces = v.forcesReplace ? FORCES : '';
  const header = (h: string) => `  ${v.path}:${h ? ` ${h}` : ''}${forces}`;
  switch (v.shape) {
    case 'move':
      return [`! ${v.path}: moved, position ${v.from ?? '?'} → ${v.to ?? '?'}${forces}`];
    case 'inline':
      if (v.sign === '+') return [`+ ${v.path}: ${v.after}${forces}`];
      if (v.sign === '-') return [`- ${v.path}: ${v.before}${forces}`];
      return [`- ${v.path}: ${v.before}`, `+ ${v.path}: ${v.after}${forces}`];
    case 'words':
      return [`- ${v.path}: ${v.before}`, `+ ${v.path}: ${v.after}${forces}`];
    case 'block':
      return [
        `${v.sign} ${v.path}:${v.header ? ` ${v.header}` : ''}${forces}`,
        ...v.lines.map((l) => `${v.sign}   ${l}`),
      ];
    case 'lines':
      return [header(v.header), ...v.parts.map(hunkLine)];
  }
}

function hunkLine(p: DiffPart | Skipped): string {
  if (p.op === 'skip') return `@@ ${plural(p.count, 'unchanged line')} @@`;
  return `${p.op === 'same' ? ' ' : p.op === 'add' ? '+' : '-'}   ${p.text}`;
}

/**
 * A fenced ```diff block. Its content is literal, so only the fence matters: longer than any
 * backtick run inside (CommonMark: a closing fence is at least as long as the opening one).
 */
export function diffBlock(lines: string[]): string[] {
  if (!lines.length) return [];
  const longest = Math.max(0, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((run) => run.length)));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return ['', `${fence}diff`, ...lines, fence];
}
