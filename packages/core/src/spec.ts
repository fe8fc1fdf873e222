/**
 * The normalized pipeline: what the parser hands to the planner and the workers. Paths are
 * absolute, variables are substituted, defaults are filled in.
 */
export interface PipelineSpec {
  /** Absolute path of the pipeline file. */
  file: string;
  /** `name:` of the pipeline, or the file's base name. */
  name: string;
  /** SHA-256 of the file's bytes, for the report and evidence. */
  sha256: string;
  images: ImageSpec[];
}

export interface ImageSpec {
  /** Unique within the pipeline: lowercase letters, digits, `.`, `_`, `-`. */
  name: string;
  /** Absolute path of the build context directory. */
  context: string;
  /** Dockerfile path relative to the context, POSIX separators. Default `Dockerfile`. */
  dockerfile: string;
  /** Build args (`--build-arg`). */
  args: Record<string, string>;
  /** Names of build args whose values must never be printed or reported. */
  secretArgs: string[];
  /** Full references (`repo:tag`) applied once the image passed its checks. */
  tags: string[];
  labels: Record<string, string>;
  /** Name of the image this one is built on, in the same pipeline. */
  parent?: string;
  /** Build arg receiving the parent's exact image ID. Default `BASE_IMAGE`. */
  parentArg: string;
  checks: CheckSpec[];
  /** Where the image is declared, for messages. */
  line?: number;
}

/** A regular expression as written in the pipeline file. */
export interface PatternSpec {
  source: string;
  flags: string;
}

export interface OutputExpectation {
  /** Expected exit code. Default 0. */
  exitCode: number;
  /** Every pattern must match stdout. */
  stdout: PatternSpec[];
  /** No pattern may match stdout. */
  stdoutNot: PatternSpec[];
  stderr: PatternSpec[];
  stderrNot: PatternSpec[];
}

/** A named built-in suite, e.g. `openssl-fips`. */
export interface SuiteCheckSpec {
  kind: 'suite';
  suite: string;
}

/** An inline command run inside the container. */
export interface CommandCheckSpec {
  kind: 'command';
  id: string;
  title: string;
  /** The argv executed directly: no shell unless `shell` is set. */
  argv: string[];
  /** True when `argv` is `['/bin/sh', '-c', script]` because the check asked for a shell. */
  shell: boolean;
  expect: OutputExpectation;
  timeoutMs?: number;
}

export type CheckSpec = SuiteCheckSpec | CommandCheckSpec;
