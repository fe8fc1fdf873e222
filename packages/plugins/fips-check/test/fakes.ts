import { silentLogger, type CheckSpec, type CommandCheckSpec, type ImageSpec, type OutputExpectation } from '@fipsyard/core';
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
  ProbeContext,
  ProbeOutput,
  StageContext,
} from '@fipsyard/plugin-api';

export const IMAGE_ID = 'sha256:1f5a0c3b9e7d2a4c6b8e0f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e';

export const ENGINE: EngineInfo = {
  serverVersion: '27.3.1',
  apiVersion: '1.47',
  kernelVersion: '6.8.0-45-generic',
  operatingSystem: 'Ubuntu 24.04.1 LTS',
  architecture: 'x86_64',
};

export function imageInfo(overrides: Partial<ImageInfo> = {}): ImageInfo {
  return {
    id: IMAGE_ID,
    repoTags: [],
    layers: ['sha256:aaa', 'sha256:bbb'],
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
    labels: {},
    user: '',
    entrypoint: [],
    cmd: ['/bin/sh'],
    workingDir: '/',
    created: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}

/** What a finished exec returns; only the fields a test cares about need to be given. */
export function execResult(r: Partial<ExecResult> = {}): ExecResult {
  return { exitCode: 0, stdout: '', stderr: '', durationMs: 5, timedOut: false, truncated: false, ...r };
}

export const TIMED_OUT: Partial<ExecResult> = { exitCode: null, timedOut: true, durationMs: 60_000 };

/** Outputs keyed by the argv joined with spaces. */
export type Recording = Record<string, Partial<ExecResult>>;

/**
 * An in-memory ContainerRuntime for the check runner: containers are ids, execs answer from a
 * script, and an exec into a container that was removed (or never started) rejects as Docker would.
 */
export class FakeRuntime implements ContainerRuntime {
  readonly images = new Map<string, ImageInfo>([[IMAGE_ID, imageInfo()]]);
  readonly started: { id: string; request: IdleContainerRequest }[] = [];
  readonly removed: string[] = [];
  readonly execs: { containerId: string; request: ExecRequest }[] = [];
  /** Answers each exec; by default from `recording`, exit 0 with no output when not recorded. */
  onExec: (argv: string[], containerId: string) => ExecResult | Promise<ExecResult> = (argv) => execResult(this.recording[argv.join(' ')]);
  /** Decides whether the n-th startIdle (1-based) fails. */
  startFailure: (n: number) => Error | undefined = () => undefined;
  removeFailure: Error | undefined;

  constructor(private readonly recording: Recording = {}) {}

  async info(): Promise<EngineInfo> {
    return ENGINE;
  }

  async build(): Promise<BuildResult> {
    throw new Error('FakeRuntime: checks never build');
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    return this.images.get(ref);
  }

  async tagImage(): Promise<void> {
    throw new Error('FakeRuntime: checks never tag');
  }

  async startIdle(request: IdleContainerRequest): Promise<ContainerHandle> {
    const n = this.started.length + 1;
    const err = this.startFailure(n);
    if (err) throw err;
    const id = `container-${n}`;
    this.started.push({ id, request });
    return { id };
  }

  async exec(containerId: string, request: ExecRequest): Promise<ExecResult> {
    if (!this.live().includes(containerId)) throw new Error(`No such container: ${containerId}`);
    this.execs.push({ containerId, request });
    return this.onExec(request.argv, containerId);
  }

  async remove(containerId: string): Promise<void> {
    this.removed.push(containerId);
    if (this.removeFailure) throw this.removeFailure;
  }

  async removeContainersByLabel(): Promise<string[]> {
    return [];
  }

  /** Containers started and not removed. */
  live(): string[] {
    return this.started.map((s) => s.id).filter((id) => !this.removed.includes(id));
  }

  /** Every container any exec went to. */
  execContainers(): string[] {
    return [...new Set(this.execs.map((e) => e.containerId))];
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
    ...overrides,
  };
}

export const STAGE_LABELS = { 'dev.fipsyard.managed': 'true', 'dev.fipsyard.run': 'run-1', 'dev.fipsyard.stage': 'test-fips-base' };

export function stageContext(
  runtime: ContainerRuntime,
  options: { checks: CheckSpec[]; suites?: CheckSuite[]; /** null: the build recorded no image. */ builtImageId?: string | null; signal?: AbortSignal },
): StageContext {
  const image = imageSpec(options.checks);
  const ctx: StageContext = {
    runId: 'run-1',
    stage: { id: 'test-fips-base', kind: 'test', image: image.name, needs: ['build-fips-base'] },
    image,
    pipeline: { file: '/work/pipelines/fips.yaml', name: 'fips', sha256: '0'.repeat(64), images: [image] },
    runtime,
    logger: silentLogger,
    buildLog: () => {},
    signal: options.signal ?? new AbortController().signal,
    labels: { ...STAGE_LABELS },
    suites: new Map((options.suites ?? []).map((s) => [s.name, s])),
  };
  if (options.builtImageId !== null) ctx.builtImageId = options.builtImageId ?? IMAGE_ID;
  return ctx;
}

/**
 * A ProbeContext replaying recorded outputs. An argv that was not recorded rejects, so a check
 * running something unexpected fails the test loudly.
 */
export function recordedProbe(recording: Recording, image: Partial<ImageInfo> = {}): ProbeContext & { ran: string[][] } {
  const ran: string[][] = [];
  return {
    ran,
    image: imageInfo(image),
    engine: ENGINE,
    signal: new AbortController().signal,
    async exec(argv: string[]): Promise<ProbeOutput> {
      ran.push(argv);
      const recorded = recording[argv.join(' ')];
      if (!recorded) throw new Error(`nothing recorded for ${argv.join(' ')}`);
      const r = execResult(recorded);
      return { command: argv, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, durationMs: r.durationMs, timedOut: r.timedOut };
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
    argv: ['java', '-XshowSettings:security', '-version'],
    shell: false,
    expect: expectation(),
    ...overrides,
  };
}
