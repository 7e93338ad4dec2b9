import type { ApplyReport } from '../engine/apply.js';
import type { Change, Plan } from '../engine/plan.js';
import { escapeHtml, escapeMarkdownInline as md, markdownCode, markdownCodeCell } from './escape.js';
import type { Renderer } from './index.js';
import { showValue } from './values.js';

/** GitHub caps a comment at 65,536 characters; keep room for the caller's own text. */
export const MARKDOWN_BUDGET = 60_000;

const VERB = { create: 'create', update: 'update', replace: 'replace', delete: 'delete', manual: 'manual step' } as const;

/**
 * For pull-request comments: a summary table, then one collapsible section per change. Names,
 * keys, values and messages come from the pull request and AWS: each goes through the escape.ts
 * function for where it lands (markdown text, code span, or raw HTML inside `<summary>`).
 */
export class MarkdownRenderer implements Renderer {
  plan(plans: Plan[]): string {
    const out: string[] = ['## connectform plan', '', '| target | create | update | replace | delete | manual | unchanged |', '|---|---:|---:|---:|---:|---:|---:|'];
    for (const p of plans) {
      const s = p.summary;
      out.push(`| ${md(p.target)} | ${s.create} | ${s.update} | ${s.replace} | ${s.delete} | ${s.manual} | ${s.unchanged} |`);
    }
    let size = out.join('\n').length;
    let omitted = 0;
    for (const p of plans) {
      if (plans.length > 1) out.push('', `### ${md(p.target)}`);
      if (!p.changes.length) out.push('', 'No changes.');
      for (const b of p.blocked) out.push('', `> **Blocked:** ${md(b.message)}`);
      for (const c of p.changes) {
        const section = ['', ...this.change(c)];
        const length = section.join('\n').length;
        if (size + length > MARKDOWN_BUDGET) {
          omitted++;
          continue;
        }
        size += length;
        out.push(...section);
      }
    }
    if (omitted) out.push('', `_${omitted} more change(s) not shown to fit a pull-request comment; see \`connectform plan --format json\`._`);
    return `${out.join('\n')}\n`;
  }

  private change(c: Change): string[] {
    const head = `<details><summary><b>${VERB[c.action]}</b> ${escapeHtml(c.kind)} <code>${escapeHtml(c.name)}</code>${c.reason ? ` — ${escapeHtml(c.reason)}` : ''}</summary>`;
    const rows = c.fields.map((f) => `| ${markdownCodeCell(f.path)} | ${cell(f.before)} | ${cell(f.after)} |`);
    return [head, '', '| field | before | after |', '|---|---|---|', ...rows, '', '</details>'];
  }

  report(reports: ApplyReport[]): string {
    const out: string[] = ['## connectform apply', '', '| target | applied | failed | restored | manual | not started |', '|---|---:|---:|---:|---:|---:|'];
    for (const r of reports) out.push(`| ${md(r.target)} | ${r.summary.ok} | ${r.summary.failed} | ${r.summary.restored} | ${r.summary.skipped} | ${r.summary.interrupted} |`);
    for (const r of reports) {
      for (const res of r.results.filter((x) => x.status !== 'ok')) {
        out.push(`- **${md(res.status)}** ${md(res.action)} ${md(res.kind)} ${markdownCode(res.name)}${res.message ? `: ${md(res.message)}` : ''}`);
      }
    }
    return `${out.join('\n')}\n`;
  }
}

function cell(v: unknown): string {
  return v === undefined ? '' : markdownCodeCell(showValue(v, 80));
}
