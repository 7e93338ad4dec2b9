/** vitest globalSetup of the live battery: say up front whether it runs, and why not. */
import { liveSetup } from './live-env.js';

export default function reportSkip(): void {
  const setup = liveSetup(process.env);
  if (!setup.configured) process.stderr.write(`${setup.reason}\n`);
}
