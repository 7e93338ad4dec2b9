import { createColors } from 'picocolors';
import { stringify } from 'yaml';
import type { ApplyReport } from '../engine/apply.js';
import type { Action, Change, Plan } from '../engine/plan.js';
import { escapeTerminal as esc } from './escape.js';
import type { Renderer } from './index.js';
import { plural, showValue } from './values.js';

const SYMBOL: Record<Action, string> = { create: '+', update: '~', replace: '-/+', delete: '-', manual: '!' };

/**
 * Terraform-like: one block per change, field rows under it, a summary line last. Every name,
 * key, value and message goes through escapeTerminal (`esc`) before colours are added.
 */
export class TextRenderer implements Renderer {
  private readonly c: ReturnType<typeof createColors>;

  constructor(color: boolean) {
    this.c = createColors(color);
  }

  plan(plans: Plan[]): string {
    return plans.map((p) => this.onePlan(p)).join('\n');
  }

  private onePlan(plan: Plan): string {
    const c = this.c;
    const lines: string[] = [c.bold(`Target ${esc(plan.target)} (${esc(plan.scope.region)}, instance ${esc(plan.scope.instanceId)})`)];
    if (plan.changes.length === 0) lines.push('', c.green('No changes. Live state matches the config.'));
    for (const change of plan.changes) lines.push('', ...this.change(change));
    if (plan.unmanaged.length) {
      const byKind = new Map<string, number>();
      for (const u of plan.unmanaged) byKind.set(u.kind, (byKind.get(u.kind) ?? 0) + 1);
      const list = [...byKind].map(([k, n]) => `${n} ${esc(k)}`).join(', ');
      lines.push('', c.dim(`Not in the config, left alone: ${list} (settings.prune deletes those connectform created)`));
    }
    for (const note of plan.notes) lines.push(c.dim(`Note: ${esc(note)}`));
    for (const b of plan.blocked) lines.push(c.red(`Blocked: ${esc(b.message)}`));
    const s = plan.summary;
    lines.push(
      '',
      `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete` +
        `${s.manual ? `, ${s.manual} needing a manual step` : ''}; ${s.unchanged} unchanged.`,
    );
    return `${lines.join('\n')}\n`;
  }

  private change(change: Change): string[] {
    const c = this.c;
    const paint = { create: c.green, update: c.yellow, replace: c.magenta, delete: c.red, manual: c.cyan }[change.action];
    const rename = change.renamedFrom ? ` (renamed from "${esc(change.renamedFrom)}")` : '';
    const reason = change.reason ? c.dim(`  # ${esc(change.reason)}`) : '';
    const out = [paint(`  ${SYMBOL[change.action]} ${esc(change.kind)} "${esc(change.name)}"${rename}`) + reason];
    for (const f of change.fields) {
      if (f.before === undefined) out.push(...this.field('+', f.path, f.after, c.green));
      else if (f.after === undefined) out.push(...this.field('-', f.path, f.before, c.red));
      else out.push(c.yellow(`      ~ ${esc(f.path)}: ${showValue(f.before)} → ${showValue(f.after)}`));
    }
    return out;
  }

  /** A value added or removed whole: one line when short, an indented YAML block when not. */
  private field(sign: string, rawPath: string, value: unknown, paint: (s: string) => string): string[] {
    const path = esc(rawPath);
    const line = `      ${sign} ${path}: ${showValue(value, Infinity)}`;
    if (line.length <= 110 || value === null || typeof value !== 'object') return [paint(`      ${sign} ${path}: ${showValue(value)}`)];
    const block = stringify(value, { lineWidth: 0 }).trimEnd().split('\n');
    return [paint(`      ${sign} ${path}:`), ...block.map((l) => paint(`      ${sign}   ${esc(l)}`))];
  }

  report(reports: ApplyReport[]): string {
    const c = this.c;
    const lines: string[] = [];
    for (const r of reports) {
      lines.push(c.bold(`Apply on ${esc(r.target)}:`));
      for (const res of r.results) {
        const mark = { ok: c.green('ok'), failed: c.red('FAILED'), restored: c.yellow('RESTORED'), skipped: c.cyan('manual'), interrupted: c.yellow('NOT RUN') }[res.status];
        lines.push(`  ${mark.padEnd(8)} ${esc(res.action)} ${esc(res.kind)} "${esc(res.name)}"${res.message ? `: ${esc(res.message)}` : ''}`);
        if (res.lostBody) lines.push(`           previous body: ${esc(JSON.stringify(res.lostBody))}`);
      }
      const s = r.summary;
      lines.push(`Apply: ${plural(s.ok, 'change')} applied, ${s.failed} failed, ${s.restored} restored, ${s.skipped} left for a manual step${s.interrupted ? `, ${s.interrupted} not started (interrupted)` : ''}.`);
    }
    return `${lines.join('\n')}\n`;
  }
}
