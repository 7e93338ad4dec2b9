import type { ApplyReport } from '../engine/apply.js';
import type { Change, Plan } from '../engine/plan.js';
import type { Renderer } from './index.js';
import { showValue } from './values.js';

/** GitHub caps a comment at 65,536 characters; keep room for the caller's own text. */
export const MARKDOWN_BUDGET = 60_000;

const VERB = { create: 'create', update: 'update', replace: 'replace', delete: 'delete', manual: 'manual step' } as const;

/** For pull-request comments: a summary table, then one collapsible section per change. */
export class MarkdownRenderer implements Renderer {
  plan(plans: Plan[]): string {
    const out: string[] = ['## connectform plan', '', '| target | create | update | replace | delete | manual | unchanged |', '|---|---:|---:|---:|---:|---:|---:|'];
    for (const p of plans) {
      const s = p.summary;
      out.push(`| ${p.target} | ${s.create} | ${s.update} | ${s.replace} | ${s.delete} | ${s.manual} | ${s.unchanged} |`);
    }
    let size = out.join('\n').length;
    let omitted = 0;
    for (const p of plans) {
      if (plans.length > 1) out.push('', `### ${p.target}`);
      if (!p.changes.length) out.push('', 'No changes.');
      for (const b of p.blocked) out.push('', `> **Blocked:** ${escapeCell(b.message)}`);
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
    const head = `<details><summary><b>${VERB[c.action]}</b> ${c.kind} <code>${escapeHtml(c.name)}</code>${c.reason ? ` — ${escapeHtml(c.reason)}` : ''}</summary>`;
    const rows = c.fields.map((f) => `| \`${f.path}\` | ${cell(f.before)} | ${cell(f.after)} |`);
    return [head, '', '| field | before | after |', '|---|---|---|', ...rows, '', '</details>'];
  }

  report(reports: ApplyReport[]): string {
    const out: string[] = ['## connectform apply', '', '| target | applied | failed | restored | manual |', '|---|---:|---:|---:|---:|'];
    for (const r of reports) out.push(`| ${r.target} | ${r.summary.ok} | ${r.summary.failed} | ${r.summary.restored} | ${r.summary.skipped} |`);
    for (const r of reports) {
      for (const res of r.results.filter((x) => x.status !== 'ok')) {
        out.push(`- **${res.status}** ${res.action} ${res.kind} \`${res.name}\`${res.message ? `: ${escapeCell(res.message)}` : ''}`);
      }
    }
    return `${out.join('\n')}\n`;
  }
}

function cell(v: unknown): string {
  return v === undefined ? '' : `\`${escapeCell(showValue(v, 80)).replace(/`/g, "'")}\``;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
