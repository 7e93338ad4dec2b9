import type { ApplyReport } from '../engine/apply.js';
import type { PLAN_VERSION, Plan } from '../engine/plan.js';
import { escapeJsonText } from './escape.js';
import type { Renderer } from './index.js';

/**
 * The plan contract's version, without a runtime import of the engine (render/ reads types
 * only): typed by the contract's own constant, so a bump of PLAN_VERSION fails to compile here.
 */
const DOCUMENT_VERSION: typeof PLAN_VERSION = 3;

/** A target that has no plan (it failed to plan) or whose apply ended in an error. */
export interface TargetError {
  target: string;
  /** One line (or a short list) saying what went wrong, as stderr says it without "Error: ". */
  message: string;
}

/** `apply`: what happened to each chosen target, in the order they were applied. */
export interface TargetStatus {
  target: string;
  status: 'applied' | 'no changes' | 'failed' | 'refused' | 'cancelled' | 'interrupted' | 'not started';
}

/**
 * The one JSON document a command prints (docs/PLAN-FORMAT.md, schemas/plan-output.schema.json),
 * the same shape for one target or many: `plan`, `drift` and `show` fill `plans` and `errors`;
 * `apply` adds `targets` and `reports`.
 */
export interface PlanDocument {
  version: typeof PLAN_VERSION;
  /**
   * Which way the field rows read: always apply's (before = live, after = configured), drift's
   * too, so one reader serves every command; drift's human outputs reverse them (change-parts.ts).
   */
  direction: 'apply';
  plans: Plan[];
  errors: TargetError[];
  targets?: TargetStatus[];
  reports?: ApplyReport[];
}

export interface PlanDocumentParts {
  plans: Plan[];
  errors?: TargetError[];
  apply?: { targets: TargetStatus[]; reports: ApplyReport[] };
}

/** The document around printable plans (callers pass them redacted: see render/index.ts). */
export function planDocument(parts: PlanDocumentParts): PlanDocument {
  const doc: PlanDocument = {
    version: DOCUMENT_VERSION,
    direction: 'apply',
    plans: parts.plans,
    errors: parts.errors ?? [],
  };
  if (parts.apply) {
    doc.targets = parts.apply.targets;
    doc.reports = parts.apply.reports;
  }
  return doc;
}

/**
 * Printed through escapeJsonText: the same data, but no raw bidi/C1 characters or `##[`
 * workflow commands reach a terminal or CI log.
 */
export function jsonDocumentText(doc: PlanDocument): string {
  return `${escapeJsonText(JSON.stringify(doc, null, 2))}\n`;
}

export class JsonRenderer implements Renderer {
  plan(plans: Plan[]): string {
    return jsonDocumentText(planDocument({ plans }));
  }

  /** Reports alone (the CLI prints apply's whole document instead: renderApplyDocument). */
  report(reports: ApplyReport[]): string {
    return jsonDocumentText(planDocument({ plans: [], apply: { targets: [], reports } }));
  }
}
