import type { ApplyReport } from '../engine/apply.js';
import { PLAN_VERSION, type Plan } from '../engine/plan.js';
import { escapeJsonText } from './escape.js';
import type { Renderer } from './index.js';

/**
 * The documented, versioned plan document (docs/PLAN-FORMAT.md). One target → the plan itself;
 * several (`--target all`) → `{ version, plans: [...] }`. Printed through escapeJsonText: the same
 * data, but no raw bidi/C1 characters or `##[` workflow commands reach a terminal or CI log.
 */
export class JsonRenderer implements Renderer {
  plan(plans: Plan[]): string {
    const doc = plans.length === 1 ? plans[0] : { version: PLAN_VERSION, plans };
    return `${escapeJsonText(JSON.stringify(doc, null, 2))}\n`;
  }

  report(reports: ApplyReport[]): string {
    const doc = reports.length === 1 ? { version: PLAN_VERSION, ...reports[0] } : { version: PLAN_VERSION, reports };
    return `${escapeJsonText(JSON.stringify(doc, null, 2))}\n`;
  }
}
