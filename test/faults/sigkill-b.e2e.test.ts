/**
 * A SIGKILL campaign (sigkill-campaign.ts): 6 kills at random points of an apply, each re-run to
 * convergence. Two files, two seeds, so the 12 kills of `npm test` run in two workers at once;
 * FAULTS_ITERATIONS=50 for a deep run.
 */
import { killCampaign } from './sigkill-campaign.js';

killCampaign(0x5eed + 2, Number(process.env.FAULTS_ITERATIONS ?? 6));
