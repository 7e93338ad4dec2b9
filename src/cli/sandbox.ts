/**
 * `connectform sandbox`: serve the local AWS emulator until interrupted. The endpoint URL is the
 * first line of output so scripts can read it (`read -r URL < <(connectform sandbox &)`).
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { SandboxOptions } from '../sandbox/index.js';
import type { CliRun } from './io.js';

export interface SandboxCommandOptions {
  host?: string;
  port?: number | string;
  state?: string;
  seed?: string;
  randomSeed?: number | string;
  /** false with --no-quotas. */
  quotas?: boolean;
  quotaScale?: number | string;
  /** Fraction (0..1) of each API's quota a simulated other client spends. */
  backgroundLoad?: number | string;
  /** `MS` or `MIN-MAX`. */
  latency?: string;
  errorRate?: number | string;
  resetRate?: number | string;
  accountId?: string;
  maxBodyBytes?: number | string;
  consistencyDelay?: number | string;
  tokenWindow?: number | string;
  forgetTokensOnDelete?: boolean;
  lexV1?: string;
  /** stored | reformat: how DescribeRule returns a rule's Function. */
  ruleFunctionEcho?: string;
  /** Stops the sandbox (tests); otherwise SIGINT / SIGTERM do. */
  signal?: AbortSignal;
  /** Where lines go; default stdout. */
  print?: (line: string) => void;
}

function number(
  flag: string,
  value: number | string | undefined,
  check: (n: number) => boolean,
  what: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (String(value).trim() === '' || !Number.isFinite(n) || !check(n))
    throw new UsageError(`${flag} must be ${what}, got ${JSON.stringify(value)}`);
  return n;
}

/** `--latency 50` or `--latency 20-200`. */
export function parseLatency(value: string | undefined): SandboxOptions['latencyMs'] {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(value);
  if (!m) throw new UsageError(`--latency must be MS or MIN-MAX (milliseconds), got ${JSON.stringify(value)}`);
  const min = Number(m[1]);
  if (m[2] === undefined) return min;
  const max = Number(m[2]);
  if (max < min) throw new UsageError(`--latency ${value}: MIN must not exceed MAX`);
  return [min, max];
}

export function sandboxOptionsFrom(opts: SandboxCommandOptions): SandboxOptions {
  const rate = (n: number) => n >= 0 && n <= 1;
  return {
    host: opts.host,
    port: number('--port', opts.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number (0-65535)'),
    statePath: opts.state,
    seed: opts.seed,
    randomSeed: number('--random-seed', opts.randomSeed, Number.isInteger, 'an integer'),
    quotas: opts.quotas === false ? false : undefined,
    quotaScale: number('--quota-scale', opts.quotaScale, (n) => n > 0, 'a positive number'),
    backgroundLoad: backgroundLoad(opts),
    latencyMs: parseLatency(opts.latency),
    errorRate: number('--error-rate', opts.errorRate, rate, 'between 0 and 1'),
    resetRate: number('--reset-rate', opts.resetRate, rate, 'between 0 and 1'),
    accountId: opts.accountId,
    maxBodyBytes: number(
      '--max-body-bytes',
      opts.maxBodyBytes,
      (n) => Number.isSafeInteger(n) && n > 0,
      'a positive whole number of bytes',
    ),
    consistencyDelayMs: number(
      '--consistency-delay',
      opts.consistencyDelay,
      wholeMs,
      'a whole number of milliseconds (0 or more)',
    ),
    tokenWindowMs: number('--token-window', opts.tokenWindow, wholeMs, 'a whole number of milliseconds (0 or more)'),
    forgetTokensOnDelete: opts.forgetTokensOnDelete,
    lexV1: parseLexV1(opts.lexV1),
    ruleFunctionEcho: parseRuleFunctionEcho(opts.ruleFunctionEcho),
  };
}

/** A share of a quota spent by someone else means nothing without quotas. */
function backgroundLoad(opts: SandboxCommandOptions): number | undefined {
  const load = number(
    '--background-load',
    opts.backgroundLoad,
    (n) => n >= 0 && n <= 1,
    "between 0 and 1 (the share of each API's quota another client spends)",
  );
  if (load && opts.quotas === false)
    throw new UsageError('--background-load spends part of each quota: it needs the quotas on (drop --no-quotas)');
  return load;
}

const wholeMs = (n: number) => Number.isSafeInteger(n) && n >= 0;

function parseLexV1(value: string | undefined): SandboxOptions['lexV1'] {
  if (value === undefined || value === 'retired' || value === 'available') return value;
  throw new UsageError(`--lex-v1 must be retired or available, got ${JSON.stringify(value)}`);
}

function parseRuleFunctionEcho(value: string | undefined): SandboxOptions['ruleFunctionEcho'] {
  if (value === undefined || value === 'stored' || value === 'reformat') return value;
  throw new UsageError(`--rule-function-echo must be stored or reformat, got ${JSON.stringify(value)}`);
}

export async function sandboxCommand(opts: SandboxCommandOptions): Promise<void> {
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { startSandbox } = await import('../sandbox/index.js'); // only this command loads the sandbox
  const sandbox = await startSandbox(sandboxOptionsFrom(opts));
  print(sandbox.endpoint);
  const instances = Object.keys(sandbox.world.connect.instances);
  print(
    `sandbox: account ${sandbox.world.accountId}; Connect instance${instances.length === 1 ? '' : 's'} ${instances.join(', ') || '(none)'}`,
  );
  print(
    `sandbox: stats at ${sandbox.endpoint}/_sandbox/stats${opts.state ? `; state in ${opts.state}` : ''}; Ctrl-C stops`,
  );

  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      opts.signal?.removeEventListener('abort', done);
      resolve();
    };
    if (opts.signal?.aborted) return done();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    opts.signal?.addEventListener('abort', done);
  });
  await sandbox.stop();
  const s = sandbox.stats();
  const other = sandbox.backgroundStats();
  const background = other.requests
    ? `; the simulated other client made ${other.requests} requests, ${other.served} served`
    : '';
  print(
    `sandbox: stopped after ${s.calls} calls (${s.writeCalls} writes, ${s.throttled} throttled, ${s.errors} errors)${background}`,
  );
}

export function registerSandboxCommand(program: Command, { io }: CliRun): Command {
  return program
    .command('sandbox')
    .description(
      'Serve a local emulator of the Connect, Chatbot and Lex V1 APIs connectform uses (prints its endpoint URL first)',
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', '0')
    .option('--state <file>', 'persist the world in FILE and reload it on the next run')
    .option('--seed <file>', 'YAML seed: instances, contact flows, chat configurations, Lex bots (default: built-in)')
    .option('--random-seed <n>', 'make injected faults and generated ids reproducible')
    .option('--no-quotas', 'disable throttling (default: 2 requests/s, burst 5, per API)')
    .option('--quota-scale <x>', 'multiply every quota rate by X')
    .option(
      '--background-load <rate>',
      "a simulated other client spends this share (0..1, e.g. 0.5) of each API's quota per account and region",
    )
    .option('--latency <ms>', 'added latency: MS or MIN-MAX')
    .option('--error-rate <r>', 'fraction of requests answered 500/503 (0..1)')
    .option('--reset-rate <r>', 'fraction of connections dropped without an answer (0..1)')
    .option('--account-id <id>', 'AWS account id of the emulated world')
    .option('--max-body-bytes <n>', 'answer 413 to request bodies over N bytes (default 10 MiB, as API Gateway)')
    .option(
      '--consistency-delay <ms>',
      'new, changed and deleted resources reach reads, tags, custom action links and name checks MS later (default 0)',
    )
    .option(
      '--token-window <ms>',
      'how long a client token is remembered after first use, deleted resource or not (default 7 days)',
    )
    .option(
      '--forget-tokens-on-delete',
      "forget a create's client token when its resource is deleted (not AWS's documented behaviour)",
    )
    .option(
      '--lex-v1 <state>',
      'retired (default: every Lex V1 call fails, as since 2025-09-15) or available (Lex V1 answers, as before)',
    )
    .option(
      '--rule-function-echo <mode>',
      "how DescribeRule returns a rule's Function: stored (as sent, default) or reformat (same JSON, other key order and spacing)",
    )
    .action(async (opts: SandboxCommandOptions) => {
      await sandboxCommand({ print: (line) => io.stdout.write(`${line}\n`), ...opts });
    });
}
