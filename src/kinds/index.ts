/**
 * The registry: one line per kind. Order here is the order of plans and of apply phases.
 */
import { customActionKind } from './custom-action.js';
import { lexChannelAssociationKind } from './lex-channel-association.js';
import { ruleKind } from './rule.js';
import { taskTemplateKind } from './task-template.js';
import type { KindName, ResourceKind } from './types.js';

export const KINDS: readonly ResourceKind[] = [ruleKind, taskTemplateKind, customActionKind, lexChannelAssociationKind];

export function kindByName(name: string): ResourceKind | undefined {
  return KINDS.find((k) => k.name === name || k.configKey === name);
}

export const KIND_NAMES: readonly KindName[] = KINDS.map((k) => k.name);
