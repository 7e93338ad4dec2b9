/**
 * The name of a variable made for one resource field (`pull --per-target` turns a literal targets
 * disagree on into `${var.NAME}`, and export names the vars of the values targets differ in). Chosen from the resource's name
 * and the field's path only, so the same field gets the same name on every run: lower case,
 * words joined by `_`, list positions left out (`Refund request` + `Fields[2].Description` →
 * `refund_request_fields_description`), at most 64 characters.
 */
const MAX_LENGTH = 64;

export function varNameFor(resourceName: string, path: readonly (string | number)[]): string {
  const snake = (w: string) =>
    w
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
  const resource = snake(resourceName);
  const fields = path
    .filter((s): s is string => typeof s === 'string')
    .map(snake)
    .filter(Boolean);
  // Too long: the field's outer words go first, so the name still ends with what the value is
  // (`…_recipient_user_tags_role`, not `…_send_notification_action_reci`).
  let kept = fields;
  while (kept.length > 1 && [resource, ...kept].filter(Boolean).join('_').length > MAX_LENGTH) kept = kept.slice(1);
  const name = [resource, ...kept].filter(Boolean).join('_').slice(0, MAX_LENGTH).replace(/_+$/, '');
  // A var name starts with a letter (VAR_NAME accepts more; a letter reads as a name everywhere).
  return /^[a-z]/.test(name) ? name : `v_${name}`;
}

/**
 * Hands out var names for one run: `varNameFor`'s name, or `_2`, `_3`... after it when the config
 * already defines it or this run gave it to another field (fields are visited in a fixed order,
 * so the same config and state give the same names).
 */
export class VarNames {
  private readonly taken: Set<string>;

  constructor(taken: Iterable<string> = []) {
    this.taken = new Set(taken);
  }

  claim(resourceName: string, path: readonly (string | number)[]): string {
    const base = varNameFor(resourceName, path);
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    return name;
  }
}

/** Every var name any of `targets` defines (a new var never takes one). */
export function definedVarNames(targets: readonly { raw: Record<string, unknown> }[]): string[] {
  return targets.flatMap((t) => {
    const vars = t.raw.vars;
    return vars && typeof vars === 'object' && !Array.isArray(vars) ? Object.keys(vars) : [];
  });
}
