/**
 * The normalized pipeline: what the parser hands to the planner and the workers. Paths are
 * absolute, variables are substituted, defaults are filled in.
 */
export interface PipelineSpec {
  /** Check plugin modules named in the file: local paths (absolute) or npm package names. */
  plugins?: PluginRef[];
  /** Absolute path of the pipeline file. */
  file: string;
  /** `name:` of the pipeline, or the file's base name. */
  name: string;
  /** SHA-256 of the file's bytes, for the report and evidence. */
  sha256: string;
  /**
   * Registry mode: `host[:port][/path]` every built image is pushed to (as `<registry>/<pipeline>/<image>`);
   * derived builds and test stages pull by digest; tags are pushed there once the image passed.
   */
  registry?: string;
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
  /** Its own checks and, after them, those inherited from its ancestors (see `origin`). */
  checks: CheckSpec[];
  /** Accepted failures or skips of named checks, each with a reason and an expiry date. */
  waivers: WaiverSpec[];
  /** User the check container runs as (`uid[:gid]` or a name); default the image's own USER. */
  checkUser?: string;
  /** Worker labels its build and test stages need (`{ "fips-host": "true" }`); not inherited. */
  requires?: Record<string, string>;
  /** Stage time limits in milliseconds; unset: the worker's defaults (build 60 min, test 30 min). */
  timeouts?: { buildMs?: number; testMs?: number };
  /** Where the image is declared, for messages. */
  line?: number;
  /** Set when the image is one variant of a `matrix:` declaration. */
  matrix?: MatrixOrigin;
}

/** The declaration a matrix variant was expanded from, and its values. */
export interface MatrixOrigin {
  /** Key of the declaration under `images:` (not itself an image). */
  declaredAs: string;
  /** Axis name -> this variant's value, in the order the axes are declared. */
  values: Record<string, string>;
}

export interface PluginRef {
  /** As written in the file. */
  specifier: string;
  /** Directory it resolves from (the pipeline file's). */
  baseDir: string;
}

export interface WaiverSpec {
  /** Id of the check it applies to (own, inherited, or from a suite). */
  check: string;
  reason: string;
  /** Last day the waiver holds, `YYYY-MM-DD` (UTC). */
  expires: string;
}

/** What every check declaration can carry, for reports and auditors. */
export interface CheckMeta {
  /** The image that declared the check (itself or an ancestor). */
  origin: string;
  /** `information` results never fail a run. Default `required`. */
  severity?: 'required' | 'information';
  /** Control ids, e.g. `NIST 800-53 SC-13`. */
  controls?: string[];
  rationale?: string;
  /** Worker labels the image's test stage needs to run this check (added to the image's own). */
  requires?: Record<string, string>;
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

/** A named suite, e.g. `fips`, `openssl3`, `auto`. */
export interface SuiteCheckSpec extends CheckMeta {
  kind: 'suite';
  suite: string;
  /** Suite options, e.g. `{ paths: [...] }` for `go`. */
  options: Record<string, unknown>;
}

/** An inline command run inside the container. */
export interface CommandCheckSpec extends CheckMeta {
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

/** A file's presence, type, mode and content; read without a shell. */
export interface FileCheckSpec extends CheckMeta {
  kind: 'file';
  id: string;
  title: string;
  path: string;
  /** Default true. */
  exists: boolean;
  type?: 'file' | 'dir' | 'symlink';
  /** Exact permission bits, e.g. 0o644. */
  mode?: number;
  contains: PatternSpec[];
  notContains: PatternSpec[];
}

/** An environment variable of the image's configuration. */
export interface EnvCheckSpec extends CheckMeta {
  kind: 'env';
  id: string;
  title: string;
  name: string;
  /** Exact value expected. */
  equals?: string;
  matches?: PatternSpec;
  /** The variable must not be set. */
  absent: boolean;
}

/** Image metadata: user, entrypoint, cmd, working dir, labels, exposed ports. */
export interface MetadataCheckSpec extends CheckMeta {
  kind: 'metadata';
  id: string;
  title: string;
  user?: PatternSpec;
  entrypoint?: string[];
  cmd?: string[];
  workdir?: string;
  labels: Record<string, PatternSpec>;
  exposedPorts?: string[];
}

export type CustomCheckSpec = CommandCheckSpec | FileCheckSpec | EnvCheckSpec | MetadataCheckSpec;
export type CheckSpec = SuiteCheckSpec | CustomCheckSpec;
