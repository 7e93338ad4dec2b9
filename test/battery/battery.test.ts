/**
 * The shared battery (battery.ts) for the four built-in kinds, against the sandbox: once as it
 * is, once under a 1,500 ms consistency delay (AWS's eventual consistency; docs/FIDELITY.md).
 * fifth-kind.test.ts runs the same battery for a kind defined in the test.
 */
import { runBattery, sandboxWorld, type BatteryFixture } from './battery.js';
import { ruleFixture } from './fixtures/rule.js';
import { taskTemplateFixture } from './fixtures/task-template.js';
import { customActionFixture } from './fixtures/custom-action.js';
import { lexChannelAssociationFixture } from './fixtures/lex-channel-association.js';

const FIXTURES = [
  ruleFixture,
  taskTemplateFixture,
  customActionFixture,
  lexChannelAssociationFixture,
] as unknown as BatteryFixture[];

/** The delay issue #12 names: a new task template invisible to TagResource for 1.5 s. */
const CONSISTENCY_DELAY_MS = 1500;

for (const fx of FIXTURES) runBattery(fx);
for (const fx of FIXTURES) runBattery(fx, sandboxWorld, { consistencyDelayMs: CONSISTENCY_DELAY_MS });
