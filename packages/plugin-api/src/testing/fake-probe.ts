// A recorded-answer ProbeContext for unit tests of check suites: the one fake behind our own port.
import type { EngineInfo, ImageInfo, PathStat, ProbeContext, ProbeOutput } from '../index.js';

/** An exec answer; only the fields a test cares about need to be given. */
export type Answer = Partial<Omit<ProbeOutput, 'command'>>;

/**
 * Exec answers keyed by the argv joined with spaces, preceded by `NAME=value ` for each variable
 * the check passes in `env` (as a shell would show it).
 */
export type Recording = Record<string, Answer>;

export const ENGINE: EngineInfo = {
  serverVersion: '20.10.24+dfsg1',
  apiVersion: '1.41',
  kernelVersion: '6.1.0-28-cloud-amd64',
  operatingSystem: 'Debian GNU/Linux 12 (bookworm)',
  architecture: 'x86_64',
};

export const TIMED_OUT: Answer = { exitCode: null, timedOut: true, durationMs: 60_000 };

/** What the Docker Engine 20.10 API answered for an exec of a program the image lacks (recorded). */
export const notFound = (program: string): Answer => ({
  exitCode: 126,
  stdout: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown\r\n`,
  stderr: '',
});

export function imageInfo(overrides: Partial<ImageInfo> = {}): ImageInfo {
  return {
    id: 'sha256:1b167d4f31760129cd7bfd551c5e673c77b728f0c7bf77d1c682c02ef7ae7985',
    repoTags: ['fipsyard/fips-base:latest'],
    layers: ['sha256:aaa'],
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
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

export interface FakeProbeOptions {
  /** An argv that is not recorded rejects, so a check running something unexpected fails loudly. */
  recording?: Recording;
  /** Asked before `recording`, for argvs carrying a script the suite keeps to itself. */
  answer?: (argv: string[]) => Answer | undefined;
  /** Files by path: their content (bytes as latin1 for a string), or a Buffer. */
  files?: Record<string, string | Buffer>;
  /** What `which` finds, by program name. */
  path?: Record<string, string>;
  image?: Partial<ImageInfo>;
  engine?: Partial<EngineInfo>;
  /** Makes writeFile reject with this error. */
  writeFailure?: Error;
}

export interface FakeProbe extends ProbeContext {
  /** Each exec, as its recording key. */
  ran: string[];
  /** Each exec's options. */
  execOptions: ({ timeoutMs?: number; env?: Record<string, string> } | undefined)[];
  read: string[];
  written: Record<string, string>;
  whiches: string[];
}

export const keyOf = (argv: string[], env?: Record<string, string>) =>
  [...Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`), ...argv].join(' ');

export function fakeProbe(options: FakeProbeOptions = {}): FakeProbe {
  const files = options.files ?? {};
  const probe: FakeProbe = {
    ran: [],
    execOptions: [],
    read: [],
    written: {},
    whiches: [],
    image: imageInfo(options.image),
    engine: { ...ENGINE, ...options.engine },
    signal: new AbortController().signal,
    async exec(argv, execOptions) {
      const key = keyOf(argv, execOptions?.env);
      probe.ran.push(key);
      probe.execOptions.push(execOptions);
      const a = options.answer?.(argv) ?? options.recording?.[key];
      if (!a) throw new Error(`nothing recorded for ${key}`);
      return { command: argv, exitCode: 0, stdout: '', stderr: '', durationMs: 7, timedOut: false, ...a };
    },
    async stat(path): Promise<PathStat | undefined> {
      const f = files[path];
      return f === undefined ? undefined : { path, type: 'file', mode: 0o644, size: f.length, linkTarget: '' };
    },
    async readFile(path) {
      probe.read.push(path);
      const f = files[path];
      return f === undefined ? undefined : Buffer.isBuffer(f) ? f : Buffer.from(f, 'latin1');
    },
    async writeFile(path, content) {
      if (options.writeFailure) throw options.writeFailure;
      probe.written[path] = content.toString();
    },
    async which(name) {
      probe.whiches.push(name);
      return options.path?.[name];
    },
  };
  return probe;
}
