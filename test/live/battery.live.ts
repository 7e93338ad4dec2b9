/**
 * The shared battery against a real account (`npm run test:live`; never part of `npm test`):
 * for every kind an API can create, the same steps as against the sandbox — apply from empty
 * and the second plan empty, one-field change, replace, set reorder, prune off/on, broken
 * config — on names under a prefix unique to the run, in the instance CONNECTFORM_LIVE_INSTANCE_ID
 * names. Each kind's afterAll deletes everything under the prefix, whether its steps passed or
 * not. Without the variables (live-env.ts) it skips, saying why, and exits 0.
 *
 * Lex V1 associations are not covered: no API creates one, and Lex V1 is past end of support.
 */
import { describe, it } from 'vitest';
import { runBattery, type BatteryFixture } from '../battery/battery.js';
import { customActionFixture } from '../battery/fixtures/custom-action.js';
import { lexChannelAssociationFixture } from '../battery/fixtures/lex-channel-association.js';
import { ruleFixture } from '../battery/fixtures/rule.js';
import { taskTemplateFixture } from '../battery/fixtures/task-template.js';
import { liveSetup } from './live-env.js';
import { liveFixture, liveKinds, liveWorld } from './live-world.js';

const FIXTURES = [
  ruleFixture,
  taskTemplateFixture,
  customActionFixture,
  lexChannelAssociationFixture,
] as unknown as BatteryFixture[];
const setup = liveSetup(process.env);

if (!setup.configured) {
  describe.skip('live battery', () => it.skip(setup.reason, () => {}));
} else {
  process.stderr.write(
    `live battery: instance ${setup.target.instanceId} in ${setup.target.region}, names under "${setup.target.prefix}"\n`,
  );
  for (const fx of liveKinds(FIXTURES)) runBattery(liveFixture(fx, setup.target), liveWorld(setup.target));
}
