/**
 * What the Connect model documents about which rule actions a rule on a given event source may
 * carry, read from the model's own text (src/aws/models/connect.json), so the sandbox follows
 * AWS's words and not connectform's table of them (src/kinds/rule.ts keeps its own;
 * test/sandbox/rule-actions.test.ts ties the two):
 * - a RuleAction member documented "Supported only for TriggerEventSource values: A | B" is
 *   refused on any other source;
 * - TaskAction: "This field is required if TriggerEventSource is one of the following values:
 *   OnZendeskTicketCreate | OnZendeskTicketStatusUpdate | OnSalesforceCaseCreate": a rule on one
 *   of those needs a CREATE_TASK action with its TaskAction (other actions, such as
 *   AssignContactCategoryAction, are supported there too, so "every action" cannot be meant);
 * - RuleActions has no `min` in the model, but a rule that does nothing is no rule: an empty
 *   `Actions` is refused (the stricter reading; docs/FIDELITY.md);
 * - UpdateRule's Name: "You can change the name only if TriggerEventSource is one of the
 *   following values: OnZendeskTicketCreate | OnZendeskTicketStatusUpdate | OnSalesforceCaseCreate".
 * The error is InvalidRequestException, the operations' validation error (not documented).
 */
import { loadModel } from '../../aws/models.js';
import type { OpContext } from '../server.js';

type Json = Record<string, unknown>;

/** The event source names in `<code>` elements after `marker` in a doc string. */
function sourcesAfter(doc: string | undefined, marker: RegExp): string[] | undefined {
  const at = doc?.search(marker) ?? -1;
  if (at < 0) return undefined;
  const rest = doc!.slice(at).split('</p>')[0];
  return [...rest.matchAll(/<code>(On[A-Za-z]+)<\/code>/g)].map((m) => m[1]);
}

interface RuleActionDocs {
  /** RuleAction member → the only sources it is supported on (members with no limit are absent). */
  supportedOnly: Map<string, string[]>;
  /** Sources on which a TaskAction is required. */
  taskRequiredOn: string[];
  /** Sources whose rules UpdateRule may rename. */
  renamableOn: string[];
}

let docs: RuleActionDocs | undefined;

export function ruleActionDocs(): RuleActionDocs {
  if (docs) return docs;
  const model = loadModel('connect');
  const members = model.shapes.RuleAction.members ?? {};
  const supportedOnly = new Map<string, string[]>();
  for (const [member, m] of Object.entries(members)) {
    const sources = sourcesAfter(m.documentation, /Supported only for/);
    if (sources?.length) supportedOnly.set(member, sources);
  }
  const taskRequiredOn = sourcesAfter(members.TaskAction?.documentation, /required if/) ?? [];
  const renamableOn =
    sourcesAfter(model.shapes.UpdateRuleRequest.members?.Name?.documentation, /change the name only if/) ?? [];
  docs = { supportedOnly, taskRequiredOn, renamableOn };
  return docs;
}

/** CreateRule and UpdateRule: the actions the model allows on the rule's event source. */
export function checkActionsForSource(source: string, actions: Json[], ctx: OpContext): void {
  const { supportedOnly, taskRequiredOn } = ruleActionDocs();
  if (!actions.length) ctx.invalid('Actions must contain at least one action.');
  actions.forEach((action, i) => {
    for (const [member, sources] of supportedOnly) {
      if (action[member] !== undefined && !sources.includes(source))
        ctx.invalid(`Actions[${i}]: ${member} is supported only for TriggerEventSource values ${sources.join(' | ')}.`);
    }
  });
  if (taskRequiredOn.includes(source) && !actions.some((a) => a.TaskAction !== undefined))
    ctx.invalid(`TaskAction is required when TriggerEventSource is ${source}.`);
}

/** UpdateRule: a new Name only on the sources its documentation names. */
export function checkRename(source: string, from: string, to: string, ctx: OpContext): void {
  const { renamableOn } = ruleActionDocs();
  if (from !== to && !renamableOn.includes(source))
    ctx.invalid(
      `You can change the name of a rule only if TriggerEventSource is one of ${renamableOn.join(' | ')}; this rule's is ${source}.`,
    );
}
