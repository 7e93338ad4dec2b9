/**
 * Every number that bounds what a config (or the command line) may ask for, in one place: the
 * settings schema, the loader and the CLI flags all read them from here, so a setting and the
 * flag that overrides it can never disagree.
 */

/** Inclusive range of a numeric setting or flag. */
export interface Range {
  min: number;
  max: number;
}

/**
 * `settings.parallelism` / `--parallelism`: AWS calls in flight at once. More than 64 only
 * queues behind the client-side quotas (a few calls per second per API) and opens sockets.
 */
export const PARALLELISM: Range = { min: 1, max: 64 };

/**
 * `settings.quotas.*.ratePerSecond`. Below 0.1/s one call waits 10 s or more: a plan of a few
 * hundred resources would take hours (a typo like 0.0001 stalls a job for a day). Connect's
 * own published rates are 1-10/s; 1000/s is far above any AWS account quota.
 */
export const RATE_PER_SECOND: Range = { min: 0.1, max: 1000 };

/** `settings.quotas.*.burst`: calls allowed at once before pacing starts. */
export const BURST: Range = { min: 1, max: 1000 };

/**
 * `--quota-scale`: multiplies every quota's rate. Tests and benchmarks use 10-100; below 0.1 the
 * default 2/s becomes one call every 5 s (the same stall as a tiny ratePerSecond).
 */
export const QUOTA_SCALE: Range = { min: 0.1, max: 1000 };

/**
 * Resources in one config, all kinds and files together. The benchmark manages 10,000 (and
 * validates them in ~8 s and ~430 MB); twice that leaves room to grow, while a config ten times
 * the benchmark would not fit in memory. Counted as each file is read, before any resource is
 * validated; beyond it, split the config (one config per instance).
 */
export const MAX_RESOURCES = 20_000;

/**
 * What the YAML parser may build for one file, counted by the lexer alone (which keeps nothing)
 * before the parser runs. The parser and composer keep ~80 bytes per token and ~500 per value
 * or entry (`[{},{},...]` is the worst shape: 1 MB of it takes 390 MB), so a value or entry (a
 * scalar, `[`, `{`, `-`, `:`, `,`) weighs VALUE_WEIGHT and whitespace, line breaks, comments and
 * closing brackets weigh 1. 2,500,000 keeps one file's parse under ~300 MB, so the whole process
 * stays under 500 MB. The benchmark's largest file (6,667 rules, 3.8 MB) weighs 1,820,000; a
 * denser file may hit this limit below 5 MiB, and is told to split.
 */
export const MAX_YAML_WEIGHT = 2_500_000;
export const VALUE_WEIGHT = 5;

/** Problems printed (and annotated on a pull request); the rest are counted in one line. */
export const MAX_SHOWN_PROBLEMS = 200;

/**
 * Problems built per file read, per target's interpolation and per validation; past it the
 * rest are counted in one problem (or, for resources, not checked): nobody reads more, and a
 * broken generator can produce a million of them.
 */
export const MAX_COLLECTED_PROBLEMS = 1_000;

/**
 * A list or mapping var (`vars: { ids: [a, b] }`, or from a --var-file): values in it, lists,
 * mappings and scalars each counting one, and how deeply it nests. A resource field takes a
 * few dozen values (a rule's UserIds, a template's Fields); ten thousand is room to spare, and
 * 16 levels is deeper than any Connect resource body goes below the field a var fills.
 */
export const MAX_VAR_VALUES = 10_000;
export const MAX_VAR_DEPTH = 16;

/**
 * Values list and mapping vars may copy into one target's resources, every use together: each
 * use is a copy, so a big var used in every resource multiplies (like an alias in YAML). A list
 * of 10 ids in each of 20,000 resources copies 220,000; one million values is ~100 MB at most.
 */
export const MAX_VAR_EXPANSION = 1_000_000;
