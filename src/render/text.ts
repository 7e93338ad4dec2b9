import { noteLine } from './note-label.js';
import { createColors } from 'picocolors';
import type { ApplyReport } from '../engine/apply.js';
import type { Action, Change, Plan } from '../engine/plan.js';
import {
  attributionText,
  bodyRows,
  DRIFT_HEADING,
  DRIFT_VERB,
  type Direction,
  driftChange,
  driftCounts,
  showsBody,
  UNMANAGED_HINT,
  unmanagedGroups,
} from './change-parts.js';
import { escapeTerminal as esc } from './escape.js';
import { fieldView, type FieldView } from './field-view.js';
import { selectorShortener } from './identity-path.js';
import type { Renderer } from './index.js';
import type { DiffPart, Skipped } from './line-diff.js';
import { plural } from './values.js';

const SYMBOL: Record<Action, string> = { create: '+', update: '~', replace: '-/+', delete: '-', manual: '!' };
/** Drift: what happened outside connectform (DRIFT_VERB): changed, removed, added. */
const DRIFT_SYMBOL: Record<Action, string> = { create: '-', update: '~', replace: '~', delete: '+', manual: '~' };

/** Field rows sit under the change header; a block value's lines under the row. */
const ROW = '      ';
const BLOCK = '          ';
const SIGNED = '        ';

/**
 * Terraform-like: one block per change, field rows under it, a summary line last. Values are
 * YAML-like (values.ts); colour is on the symbols only, so a line reads the same without it.
 * Every name, key, value and message is escaped (escapeTerminal) before colours are added.
 */
export class TextRenderer implements Renderer {
  private readonly c: ReturnType<typeof createColors>;
  private readonly paintSign: Record<string, (s: string) => string>;

  /** `drift` prints each row the way it happened (configured → live); `apply` the way apply would go. */
  constructor(
    color: boolean,
    private readonly direction: Direction = 'apply',
  ) {
    this.c = createColors(color);
    const c = this.c;
    this.paintSign = { '+': c.green, '-': c.red, '~': c.yellow, '-/+': c.magenta, '!': c.cyan, '↕': c.cyan };
  }

  plan(plans: Plan[]): string {
    return plans.map((p) => this.onePlan(p)).join('\n');
  }

  private onePlan(plan: Plan): string {
    const c = this.c;
    const lines: string[] = [
      c.bold(`Target ${esc(plan.target)} (${esc(plan.scope.region)}, instance ${esc(plan.scope.instanceId)})`),
    ];
    const drift = this.direction === 'drift';
    if (plan.changes.length === 0)
      lines.push('', drift ? 'No drift. Live state matches the config.' : 'No changes. Live state matches the config.');
    else if (drift) lines.push(DRIFT_HEADING);
    for (const change of plan.changes) lines.push('', ...this.change(change));
    const footer: string[] = [];
    if (plan.unmanaged.length) {
      footer.push(`Not in the config, left alone (${plan.unmanaged.length}):`);
      for (const g of unmanagedGroups(plan.unmanaged)) {
        const names = g.names.map((n) => `"${esc(n)}"`).join(', ');
        footer.push(`  ${esc(g.kind)}: ${names}${g.more ? `, and ${g.more} more` : ''}`);
      }
      footer.push(c.dim(`  (${UNMANAGED_HINT})`));
    }
    // At a terminal the log lines (the cache note) are notes like the others.
    for (const note of [...(plan.log ?? []), ...plan.notes]) footer.push(c.dim(noteLine(note, esc)));
    for (const b of plan.blocked) footer.push(`${c.red('Blocked:')} ${esc(b.message)}`);
    if (footer.length) lines.push('', ...footer);
    const s = plan.summary;
    if (drift) {
      const d = driftCounts(plan);
      lines.push(
        '',
        `Drift: ${d.changed} changed, ${d.removed} removed, ${d.added} added outside connectform; ${s.unchanged} unchanged.`,
      );
      return `${lines.join('\n')}\n`;
    }
    lines.push(
      '',
      `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete` +
        `${s.manual ? `, ${s.manual} needing a manual step` : ''}; ${s.unchanged} unchanged.`,
    );
    return `${lines.join('\n')}\n`;
  }

  private sign(symbol: string): string {
    return (this.paintSign[symbol] ?? ((s: string) => s))(symbol);
  }

  private change(planned: Change): string[] {
    const c = this.c;
    const drift = this.direction === 'drift';
    const change = drift ? driftChange(planned) : planned;
    const rename = change.renamedFrom ? ` (renamed from "${esc(change.renamedFrom)}")` : '';
    const verb = DRIFT_VERB[change.action];
    const said = drift && verb !== 'changed' ? `${verb} outside connectform` : change.reason;
    const reason = said ? c.dim(`  # ${esc(said)}`) : '';
    const symbol = (drift ? DRIFT_SYMBOL : SYMBOL)[change.action];
    const out = [`  ${this.sign(symbol)} ${esc(change.kind)} "${esc(change.name)}"${rename}${reason}`];
    const attribution = attributionText(change.attribution);
    if (attribution) out.push(c.dim(`${ROW}# ${esc(attribution)}`));
    const shown = selectorShortener(change.fields.map((f) => f.path));
    if (showsBody(change)) {
      for (const f of bodyRows(change)) out.push(...this.bodyRow(fieldView(f, shown)));
    } else {
      for (const f of change.fields) out.push(...this.row(fieldView(f, shown)));
    }
    return out;
  }

  /** A create's or delete's field as plain YAML: the header's symbol already says which. */
  private bodyRow(v: FieldView): string[] {
    if (v.shape === 'block')
      return [`${ROW}${v.path}:${v.header ? ` ${v.header}` : ''}`, ...v.lines.map((l) => `${ROW}  ${l}`)];
    if (v.shape === 'inline') return [`${ROW}${v.path}: ${v.after ?? v.before}`];
    return this.row(v);
  }

  private row(v: FieldView): string[] {
    const forces = v.forcesReplace ? this.c.dim('  # forces replacement') : '';
    switch (v.shape) {
      case 'move':
        return [`${ROW}${this.sign('↕')} ${v.path}: position ${v.from ?? '?'} → ${v.to ?? '?'}${forces}`];
      case 'inline':
        return [
          `${ROW}${this.sign(v.sign)} ${v.path}: ${v.sign === '~' ? `${v.before} → ${v.after}` : (v.after ?? v.before)}${forces}`,
        ];
      case 'block':
        return [
          `${ROW}${this.sign(v.sign)} ${v.path}:${v.header ? ` ${v.header}` : ''}${forces}`,
          ...v.lines.map((l) => `${BLOCK}${l}`),
        ];
      case 'lines':
        return [
          `${ROW}${this.sign('~')} ${v.path}:${v.header ? ` ${v.header}` : ''}${forces}`,
          ...v.parts.map((p) => this.diffLine(p)),
        ];
      case 'words':
        return [`${ROW}${this.sign('~')} ${v.path}: ${esc(wordDiff(v.parts))}${forces}`];
    }
  }

  private diffLine(p: DiffPart | Skipped): string {
    if (p.op === 'skip') return this.c.dim(`${BLOCK}# (${plural(p.count, 'unchanged line')} hidden)`);
    if (p.op === 'same') return `${BLOCK}${p.text}`;
    return `${SIGNED}${this.sign(p.op === 'add' ? '+' : '-')} ${p.text}`;
  }

  report(reports: ApplyReport[]): string {
    const c = this.c;
    const lines: string[] = [];
    for (const r of reports) {
      lines.push(c.bold(`Apply on ${esc(r.target)}:`));
      for (const res of r.results) {
        const mark = {
          ok: c.green('ok'),
          failed: c.red('FAILED'),
          restored: c.yellow('RESTORED'),
          skipped: c.cyan('manual'),
          interrupted: c.yellow('NOT RUN'),
        }[res.status];
        lines.push(
          `  ${mark.padEnd(8)} ${esc(res.action)} ${esc(res.kind)} "${esc(res.name)}"${res.message ? `: ${esc(res.message)}` : ''}`,
        );
        if (res.lostBody) lines.push(`           previous body: ${esc(JSON.stringify(res.lostBody))}`);
      }
      const s = r.summary;
      lines.push(
        `Apply: ${plural(s.ok, 'change')} applied, ${s.failed} failed, ${s.restored} restored, ${s.skipped} left for a manual step${s.interrupted ? `, ${s.interrupted} not started (interrupted)` : ''}.`,
      );
    }
    return `${lines.join('\n')}\n`;
  }
}

/**
 * git's plain word diff: `[-removed-]{+added+}`; a long unchanged run shows as ` … `. The tokens
 * are escaped; the caller escapes the joined line again (idempotent), since a token ending in `##`
 * and a `[-` marker would together start a workflow command.
 */
function wordDiff(parts: (DiffPart | Skipped)[]): string {
  return parts
    .map((p, i) => {
      if (p.op === 'skip') return `${i > 0 ? ' ' : ''}…${i < parts.length - 1 ? ' ' : ''}`;
      if (p.op === 'remove') return `[-${p.text}-]`;
      if (p.op === 'add') return `{+${p.text}+}`;
      // the context next to a skip loses its white space there: the skip brings its own
      let text = p.text;
      if (parts[i - 1]?.op === 'skip') text = text.trimStart();
      if (parts[i + 1]?.op === 'skip') text = text.trimEnd();
      return text;
    })
    .join('');
}
