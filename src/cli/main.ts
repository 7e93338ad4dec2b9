#!/usr/bin/env node
/** Entry point: run the program on the real process, exit with its code (see program.ts for the codes). */
import { writeSync } from 'node:fs';
import { processIO, type Interrupt } from './io.js';
import { main } from './program.js';

/**
 * After the first signal, changes under way get this long to finish before we exit anyway.
 * CONNECTFORM_INTERRUPT_GRACE_MS shortens it where the runner kills soon after its first signal
 * (a CI job's cancel sends SIGINT, then SIGTERM, then SIGKILL seconds apart).
 */
const INTERRUPT_GRACE_MS = interruptGrace(process.env.CONNECTFORM_INTERRUPT_GRACE_MS);

/** Whole milliseconds, 0 to 10 minutes; anything else is the default 30 s (the value is never printed). */
function interruptGrace(value: string | undefined): number {
  const ms = Number(value);
  return value !== undefined && /^\d+$/.test(value) && ms <= 600_000 ? ms : 30_000;
}

const controller = new AbortController();
const interrupt: Interrupt = { signal: controller.signal, applying: false };
const argv = process.argv.slice(2);

// Only apply has changes worth finishing; every other command (and `sandbox`, which handles its
// own signals) keeps Node's default: stop now.
if (argv.includes('apply')) {
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals++;
    if (signals > 1 || !interrupt.applying) {
      // writeSync: a write to a pipe is asynchronous, and process.exit would drop it.
      writeSync(
        2,
        `\n${name}: stopped${interrupt.applying ? ' at once; changes under way may not have finished' : ''}; run apply again to converge.\n`,
      );
      process.exit(130);
    }
    controller.abort();
    process.stderr.write(
      `\n${name}: finishing the changes under way (at most ${formatGrace(INTERRUPT_GRACE_MS)}), starting no new one; press Ctrl-C again to stop at once.\n`,
    );
    setTimeout(() => {
      writeSync(2, 'The changes under way did not finish in time; stopped. Run apply again to converge.\n');
      process.exit(130);
    }, INTERRUPT_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function formatGrace(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

process.exitCode = await main(argv, { ...processIO(), interrupt });
