import { silentLogger, type CheckSpec, type CommandCheckSpec, type ImageSpec, type LogContext, type Logger, type OutputExpectation, type WaiverSpec } from '@fipsyard/core';
import type {
  BuildResult,
  CheckSuite,
  ContainerHandle,
  ContainerRuntime,
  EngineInfo,
  ExecRequest,
  ExecResult,
  IdleContainerRequest,
  ImageInfo,
  PathStat,
  ProbeContext,
  ProbeOutput,
  StageContext,
} from '@fipsyard/plugin-api';
import { noBuildCache, noRegistry } from '@fipsyard/plugin-api/testing';

export const IMAGE_ID = 'sha256:1f5a0c3b9e7d2a4c6b8e0f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e';

export const ENGINE: EngineInfo = {
  serverVersion: '20.10.24+dfsg1',
  apiVersion: '1.41',
  kernelVersion: '6.1.0-28-cloud-amd64',
  operatingSystem: 'Debian GNU/Linux 12 (bookworm)',
  architecture: 'x86_64',
};

export function imageInfo(overrides: Partial<ImageInfo> = {}): ImageInfo {
  return {
    id: IMAGE_ID,
    repoTags: ['fipsyard/fips-base:latest'],
    layers: ['sha256:aaa', 'sha256:bbb'],
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', OPENSSL_FIPS: '1' },
    labels: {},
    user: '',
    entrypoint: [],
    cmd: ['bash'],
    workingDir: '',
    exposedPorts: [],
    created: '2026-12-03T16:43:00Z',
    ...overrides,
  };
}

/** What a finished exec returns; only the fields a test cares about need to be given. */
export function execResult(r: Partial<ExecResult> = {}): ExecResult {
  return { exitCode: 0, stdout: '', stderr: '', durationMs: 5, timedOut: false, truncated: false, ...r };
}

export const TIMED_OUT: Partial<ExecResult> = { exitCode: null, timedOut: true, durationMs: 60_000 };

/** What the Docker Engine 20.10 API answered for an exec of a program the image lacks (recorded). */
export const notFound = (program: string): Partial<ExecResult> => ({
  exitCode: 126,
  stdout: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown\r\n`,
  stderr: '',
});

/** Outputs keyed by the argv joined with spaces. */
export type Recording = Record<string, Partial<ExecResult>>;

/** A file in the fake image: its metadata and, for regular files, its bytes. */
export interface FakeFile {
  type?: PathStat['type'];
  mode?: number;
  content?: string;
  linkTarget?: string;
}

function statOf(path: string, f: FakeFile): PathStat {
  return { path, type: f.type ?? 'file', mode: f.mode ?? 0o644, size: Buffer.byteLength(f.content ?? ''), linkTarget: f.linkTarget ?? '' };
}

/**
 * An in-memory ContainerRuntime for the check runner: containers are ids, execs answer from a
 * recording, files from `files`; anything aimed at a container that was removed (or never
 * started) rejects as Docker would.
 */
export class FakeRuntime implements ContainerRuntime {
  readonly images = new Map<string, ImageInfo>([[IMAGE_ID, imageInfo()]]);
  readonly started: { id: string; request: IdleContainerRequest; signal: AbortSignal | undefined }[] = [];
  readonly removed: string[] = [];
  readonly execs: { containerId: string; request: ExecRequest }[] = [];
  readonly execSignals: (AbortSignal | undefined)[] = [];
  readonly stats: { containerId: string; path: string }[] = [];
  readonly written: { containerId: string; path: string; content: string }[] = [];
  /** Answers each exec; by default from `recording`, exit 0 with no output when not recorded. */
  onExec: (argv: string[], containerId: string) => ExecResult | Promise<ExecResult> = (argv) => execResult(this.recording[argv.join(' ')]);
  /** Decides whether the n-th startIdle (1-based) fails. */
  startFailure: (n: number) => Error | undefined = () => undefined;
  removeFailure: Error | undefined;

  constructor(
    private readonly recording: Recording = {},
    readonly files: Record<string, FakeFile> = {},
  ) {}

  async info(): Promise<EngineInfo> {
    return ENGINE;
  }

  async build(): Promise<BuildResult> {
    throw new Error('FakeRuntime: checks never build');
  }

  hashContext = noBuildCache.hashContext;
  findImageByLabel = noBuildCache.findImageByLabel;
  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    return this.images.get(ref);
  }

  async tagImage(): Promise<void> {
    throw new Error('FakeRuntime: checks never tag');
  }

  async startIdle(request: IdleContainerRequest, signal?: AbortSignal): Promise<ContainerHandle> {
    const n = this.started.length + 1;
    const err = this.startFailure(n);
    if (err) throw err;
    const id = `container-${n}`;
    this.started.push({ id, request, signal });
    return { id, idle: 'image-sleep' };
  }

  async exec(containerId: string, request: ExecRequest, signal?: AbortSignal): Promise<ExecResult> {
    this.mustBeLive(containerId);
    this.execs.push({ containerId, request });
    this.execSignals.push(signal);
    return this.onExec(request.argv, containerId);
  }

  async statPath(containerId: string, path: string): Promise<PathStat | undefined> {
    this.mustBeLive(containerId);
    this.stats.push({ containerId, path });
    const f = this.files[path];
    return f ? statOf(path, f) : undefined;
  }

  async readFile(containerId: string, path: string, maxBytes?: number): Promise<Buffer | undefined> {
    this.mustBeLive(containerId);
    const f = this.files[path];
    if (!f || f.content === undefined) return undefined;
    const bytes = Buffer.from(f.content);
    return maxBytes === undefined ? bytes : bytes.subarray(0, maxBytes);
  }

  async writeFile(containerId: string, path: string, content: Buffer | string): Promise<void> {
    this.mustBeLive(containerId);
    this.written.push({ containerId, path, content: content.toString() });
  }

  async remove(containerId: string): Promise<void> {
    this.removed.push(containerId);
    if (this.removeFailure) throw this.removeFailure;
  }

  async removeContainersByLabel(): Promise<string[]> {
    return [];
  }
  // Registry mode is not exercised by these fakes.
  pushImage = noRegistry.pushImage;
  pullImage = noRegistry.pullImage;
  imageDigests = noRegistry.imageDigests;

  /** Containers started and not removed. */
  live(): string[] {
    return this.started.map((s) => s.id).filter((id) => !this.removed.includes(id));
  }

  /** Every container any exec went to. */
  execContainers(): string[] {
    return [...new Set(this.execs.map((e) => e.containerId))];
  }

  private mustBeLive(containerId: string): void {
    if (!this.live().includes(containerId)) throw new Error(`No such container: ${containerId}`);
  }
}

export function imageSpec(checks: CheckSpec[], overrides: Partial<ImageSpec> = {}): ImageSpec {
  return {
    name: 'fips-base',
    context: '/work/images/fips-base',
    dockerfile: 'Dockerfile',
    args: {},
    secretArgs: [],
    tags: [],
    labels: {},
    parentArg: 'BASE_IMAGE',
    checks,
    waivers: [],
    ...overrides,
  };
}

export const STAGE_LABELS = { 'dev.fipsyard.managed': 'true', 'dev.fipsyard.run': 'run-1', 'dev.fipsyard.stage': 'test-fips-base' };

/** A logger that keeps what it was told, to see warnings about failed clean-ups. */
export function recordingLogger(): Logger & { entries: { level: string; message: string; context?: LogContext }[] } {
  const entries: { level: string; message: string; context?: LogContext }[] = [];
  const log = (level: string) => (message: string, context?: LogContext) => void entries.push(context ? { level, message, context } : { level, message });
  const logger = { entries, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}

export interface StageOptions {
  checks: CheckSpec[];
  suites?: CheckSuite[];
  /** null: the build recorded no image. */
  builtImageId?: string | null;
  signal?: AbortSignal;
  waivers?: WaiverSpec[];
  /** The image's name (origin of its own checks); default `fips-base`. */
  name?: string;
  now?: () => Date;
  logger?: Logger;
}

export function stageContext(runtime: ContainerRuntime, options: StageOptions): StageContext {
  const image = imageSpec(options.checks, { name: options.name ?? 'fips-base', waivers: options.waivers ?? [] });
  const ctx: StageContext = {
    runId: 'run-1',
    stage: { id: `test-${image.name}`, kind: 'test', image: image.name, needs: [`build-${image.name}`] },
    image,
    pipeline: { file: '/work/pipelines/fips.yaml', name: 'fips', sha256: '0'.repeat(64), images: [image] },
    runtime,
    logger: options.logger ?? silentLogger,
    buildLog: () => {},
    signal: options.signal ?? new AbortController().signal,
    labels: { ...STAGE_LABELS },
    suites: new Map((options.suites ?? []).map((s) => [s.name, s])),
    now: options.now ?? (() => new Date('2026-12-03T12:00:00Z')),
  };
  if (options.builtImageId !== null) ctx.builtImageId = options.builtImageId ?? IMAGE_ID;
  return ctx;
}

export interface FakeProbeOptions {
  /** Exec outputs keyed by the argv joined with spaces; an argv not recorded rejects. */
  recording?: Recording;
  files?: Record<string, FakeFile>;
  /** What `which` finds, by program name. */
  path?: Record<string, string>;
  image?: Partial<ImageInfo>;
}

/** A ProbeContext replaying recorded outputs and files, remembering what it was asked. */
export function fakeProbe(options: FakeProbeOptions = {}): ProbeContext & { ran: string[][]; read: string[] } {
  const ran: string[][] = [];
  const read: string[] = [];
  const files = options.files ?? {};
  return {
    ran,
    read,
    image: imageInfo(options.image),
    engine: ENGINE,
    signal: new AbortController().signal,
    async exec(argv: string[]): Promise<ProbeOutput> {
      ran.push(argv);
      const recorded = options.recording?.[argv.join(' ')];
      if (!recorded) throw new Error(`nothing recorded for ${argv.join(' ')}`);
      const r = execResult(recorded);
      return { command: argv, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, durationMs: r.durationMs, timedOut: r.timedOut };
    },
    async stat(path) {
      const f = files[path];
      return f ? statOf(path, f) : undefined;
    },
    async readFile(path) {
      read.push(path);
      const c = files[path]?.content;
      return c === undefined ? undefined : Buffer.from(c);
    },
    async writeFile() {
      throw new Error('fakeProbe: custom checks never write');
    },
    async which(name) {
      return options.path?.[name];
    },
  };
}

export function expectation(e: Partial<OutputExpectation> = {}): OutputExpectation {
  return { exitCode: 0, stdout: [], stdoutNot: [], stderr: [], stderrNot: [], ...e };
}

export function commandSpec(overrides: Partial<CommandCheckSpec> = {}): CommandCheckSpec {
  return {
    kind: 'command',
    id: 'java-fips',
    title: 'Java uses the FIPS provider',
    argv: ['java', '-XshowSettings:security:providers', '-version'],
    shell: false,
    expect: expectation(),
    origin: 'fips-base',
    ...overrides,
  };
}

export const re = (source: string, flags = '') => ({ source, flags });
