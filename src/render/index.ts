/**
 * Plan outputs as small pluggable renderers (octoDNS's PlanLogger/PlanMarkdown idea): the
 * engine produces data, a renderer only formats it. Add a format = add a file and a line here.
 */
import type { Format } from './formats.js';
import type { Plan } from '../engine/plan.js';
import type { ApplyReport } from '../engine/apply.js';
import { redactPlan } from '../engine/redact.js';
import { JsonRenderer, jsonDocumentText, planDocument, type PlanDocumentParts } from './json.js';
import { MarkdownRenderer } from './markdown.js';
import { TextRenderer } from './text.js';

export interface RenderOptions {
  color: boolean;
  /** Which command the plan answers: markdown titles a drift report "connectform drift". */
  command?: 'plan' | 'drift';
}

export interface Renderer {
  plan(plans: Plan[]): string;
  report(reports: ApplyReport[]): string;
}

export { FORMATS, type Format } from './formats.js';

/**
 * A renderer that only ever sees printable plans: it redacts them itself (see redact.ts), so no
 * caller can print a sensitive value by forgetting to.
 */
export function rendererFor(format: Format, options: RenderOptions): Renderer {
  // Text no plan structure knows about (a name from a sensitive value, an AWS message echoing
  // one) is scrubbed by the CLI's output streams (cli/io.ts scrubbedIO), for every output alike.
  const inner = formatRenderer(format, options);
  return {
    plan: (plans) => inner.plan(plans.map(redactPlan)),
    report: (reports) => inner.report(reports),
  };
}

/**
 * The one JSON document of a run (docs/PLAN-FORMAT.md): plans, the targets that failed, and for
 * apply each target's outcome and report. Its plans are made printable here, like plan()'s.
 */
export function renderJsonDocument(parts: PlanDocumentParts): string {
  return jsonDocumentText(planDocument({ ...parts, plans: parts.plans.map(redactPlan) }));
}

function formatRenderer(format: Format, options: RenderOptions): Renderer {
  switch (format) {
    case 'json':
      return new JsonRenderer();
    case 'markdown':
      return new MarkdownRenderer(options.command);
    default:
      return new TextRenderer(options.color, options.command === 'drift' ? 'drift' : 'apply');
  }
}

/** Colour only on a TTY, never with NO_COLOR (https://no-color.org), FORCE_COLOR to insist. */
export function colorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}
