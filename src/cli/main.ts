#!/usr/bin/env node
/** Entry point: run the program on the real process, exit with its code (see program.ts for the codes). */
import { main } from './program.js';

// Node 20 is our supported runtime and the lockfile pins the SDK; the SDK's notice that future
// releases will need Node 22 is noise on every run (shown with --debug).
if (!process.argv.includes('--debug')) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await main(process.argv.slice(2));
