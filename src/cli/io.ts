import type { Redactor } from '../sensitive.js';

/**
 * The CLI's only view of the process: output streams, stdin, environment and an exit-code slot.
 * `main(argv, io)` takes one, so tests run the real program in-process with captured streams
 * and a made-up environment; the commands pass `io.env` and `io.stdout` down. Below cli/, what
 * still reads the process: `resolveTarget`'s default `env` (config/resolve.ts, for callers that
 * pass none: the bench, tests; the CLI always passes io.env), the sandbox's loopback credentials
 * (aws/credentials.ts, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, defaulting to dummies), and
 * programs of their own (`npm run schemas` in config/generate-schemas.ts, src/bench/, the
 * sandbox server).
 */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /**
   * Set by scrubbedIO: the stream underneath and the scrubbing it applies. The spinner draws on
   * the real terminal stream (it moves the cursor), so it scrubs its own text with `scrub`.
   */
  underlying?: OutStream;
  scrub?: (text: string) => string;
}

export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: NodeJS.ProcessEnv;
  /** Ctrl-C / SIGTERM during apply (main.ts wires the real signals; tests abort it themselves). */
  interrupt?: Interrupt;
}

/** Aborted on the first signal; `applying` tells the signal handler whether changes are under way. */
export interface Interrupt {
  signal: AbortSignal;
  applying: boolean;
}

/** `io` whose stdout and stderr scrub `redactor()`'s values out of everything written. */
export function scrubbedIO(io: CliIO, redactor: () => Redactor): CliIO {
  const scrub = (text: string) => redactor().scrub(text);
  const wrap = (stream: OutStream): OutStream => ({
    write: (chunk: string) => stream.write(scrub(chunk)),
    isTTY: stream.isTTY,
    underlying: stream,
    scrub,
  });
  return { ...io, stdout: wrap(io.stdout), stderr: wrap(io.stderr) };
}

/** The real process. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** What one run of the program shares between its commands: the io and the exit code. */
export interface CliRun {
  /** The process's io, with stdout and stderr passed through `redactor` (see scrubbedIO). */
  io: CliIO;
  /**
   * Every sensitive value the run has resolved so far (grown as targets are validated): the
   * last line of defence for text no renderer structured, e.g. an AWS error echoing a value.
   */
  redactor: Redactor;
  /** Set by a command that succeeds with something to say (2: changes / drift). */
  exitCode: number;
  /** `--no-color` was given: never colour, whatever the terminal and environment say. */
  noColor?: boolean;
}
