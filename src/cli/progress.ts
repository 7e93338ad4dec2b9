/**
 * Progress for long plans and applies: a spinner with counts on a TTY (ora), plain lines
 * otherwise (CI logs, cron mail). Always on stderr, so stdout stays the plan/report.
 */
import ora, { type Ora } from 'ora';
import { escapeTerminal } from '../render/escape.js';
import type { OutStream } from './io.js';

export interface Progress {
  /** A new phase: "Reading live state", "Applying 12 changes". */
  phase(text: string): void;
  /**
   * Something finished inside the phase. `logged` steps (a change applied) also get a line in
   * plain logs; the others (each resource read) only move the spinner's count.
   */
  step(text: string, logged?: boolean): void;
  stop(): void;
}

export function createProgress(stream: OutStream, enabled: boolean, env: NodeJS.ProcessEnv): Progress {
  if (!enabled) return { phase() {}, step() {}, stop() {} };
  // The spinner redraws in place: only on a real terminal stream, never in CI logs.
  if (stream.isTTY && !env.CI && 'columns' in stream) return escaping(new SpinnerProgress(ora({ stream: stream as NodeJS.WriteStream, discardStdin: false })));
  return escaping(new LineProgress(stream));
}

/** Progress texts carry resource and target names from the config: escaped for the terminal/CI log. */
function escaping(inner: Progress): Progress {
  return {
    phase: (text) => inner.phase(escapeTerminal(text)),
    step: (text, logged) => inner.step(escapeTerminal(text), logged),
    stop: () => inner.stop(),
  };
}

class SpinnerProgress implements Progress {
  private title = '';
  private count = 0;

  constructor(private readonly spinner: Ora) {}

  phase(text: string): void {
    if (this.title) this.spinner.succeed(`${this.title} (${this.count})`);
    this.title = text;
    this.count = 0;
    this.spinner.start(text);
  }

  step(text: string): void {
    this.count++;
    this.spinner.text = `${this.title}: ${this.count} · ${text}`;
  }

  stop(): void {
    if (this.title) this.spinner.succeed(`${this.title} (${this.count})`);
    this.title = '';
  }
}

/** Non-TTY: a line per phase and per finished step, nothing rewritten in place. */
class LineProgress implements Progress {
  private title = '';
  private count = 0;

  constructor(private readonly stream: OutStream) {}

  phase(text: string): void {
    this.stop();
    this.title = text;
    this.count = 0;
    this.stream.write(`${text}...\n`);
  }

  step(text: string, logged = false): void {
    this.count++;
    if (logged) this.stream.write(`  ${text}\n`);
  }

  stop(): void {
    if (this.title) this.stream.write(`${this.title}: ${this.count} done\n`);
    this.title = '';
  }
}
