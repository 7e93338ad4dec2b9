/**
 * The shared battery (battery.ts) for the four built-in kinds, against the sandbox.
 * fifth-kind.test.ts runs the same battery for a kind defined in the test.
 */
import { runBattery, type BatteryFixture } from './battery.js';
import { ruleFixture } from './fixtures/rule.js';
import { taskTemplateFixture } from './fixtures/task-template.js';
import { customActionFixture } from './fixtures/custom-action.js';
import { lexChannelAssociationFixture } from './fixtures/lex-channel-association.js';

const FIXTURES = [ruleFixture, taskTemplateFixture, customActionFixture, lexChannelAssociationFixture] as unknown as BatteryFixture[];

for (const fx of FIXTURES) runBattery(fx);
