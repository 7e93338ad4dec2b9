#!/usr/bin/env node
/** Entry point: run the program, exit with its code (see program.ts for the codes). */
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2));
