/**
 * The registry: one line per kind, and the only place that lists them. Order is the order of
 * plans and of apply phases. The engine, the config loader, validation, export and schema
 * generation all ask the registry (allKinds, kindByName, kindNames) and never name a kind.
 */
import { customActionKind } from './custom-action.js';
import { lexChannelAssociationKind } from './lex-channel-association.js';
import { ruleKind } from './rule.js';
import { taskTemplateKind } from './task-template.js';
import type { ResourceKind } from './types.js';

const BUILTIN_KINDS = [ruleKind, taskTemplateKind, customActionKind, lexChannelAssociationKind] as const;

/**
 * Names of kinds registered outside this file (a test's kind): such a file adds its name here by
 * declaration merging (`declare module '.../kinds/index.js' { interface RegisteredKindNames {
 * memo: true } }`), so the compiler checks its name like the built-in ones.
 */
// biome-ignore lint/suspicious/noEmptyInterface: kinds defined elsewhere add their names by declaration merging
export interface RegisteredKindNames {}

/** Every kind's name: derived from the registry, never written out. */
export type KindName = (typeof BUILTIN_KINDS)[number]['name'] | (keyof RegisteredKindNames & string);

/** Config keys that are not resource lists. */
const RESERVED_KEYS = ['targets', 'settings'];

/** Replaced (never mutated) on each change, so a caller may memoize on the array's identity. */
let registered: readonly ResourceKind[] = [];

/**
 * Add a kind to the registry (the built-in ones are added below, through this same call). Its
 * name and config key must be new. Returns a function that removes it again (tests).
 */
export function registerKind(kind: ResourceKind): () => void {
  const clash = registered.find(
    (k) =>
      k.name === kind.name || k.configKey === kind.configKey || k.name === kind.configKey || k.configKey === kind.name,
  );
  if (clash)
    throw new Error(
      `resource kind "${kind.name}" (${kind.configKey}) clashes with the registered kind "${clash.name}" (${clash.configKey})`,
    );
  if (RESERVED_KEYS.includes(kind.configKey))
    throw new Error(`resource kind "${kind.name}": config key "${kind.configKey}" is reserved`);
  registered = [...registered, kind];
  return () => {
    registered = registered.filter((k) => k !== kind);
  };
}

for (const kind of BUILTIN_KINDS) registerKind(kind);

/** Every registered kind, in registry order. */
export function allKinds(): readonly ResourceKind[] {
  return registered;
}

/** Names of every registered kind, in registry order. */
export function kindNames(): KindName[] {
  return registered.map((k) => k.name);
}

/** A kind by its name (`taskTemplate`) or its config key (`taskTemplates`). */
export function kindByName(name: string): ResourceKind | undefined {
  return registered.find((k) => k.name === name || k.configKey === name);
}
