/**
 * The container runtime as plugins see it: a narrow port in our own words. The Docker adapter
 * (`@fipsyard/runtime`) implements it; unit tests use a fake.
 */
export interface ContainerRuntime {
  /** Engine facts recorded with every run. Throws InfrastructureError when unreachable. */
  info(signal?: AbortSignal): Promise<EngineInfo>;
  build(request: BuildRequest, signal?: AbortSignal): Promise<BuildResult>;
  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  /** The newest image carrying this label with this value, or undefined. */
  findImageByLabel(label: string, value: string): Promise<ImageInfo | undefined>;
  /** A content hash of the build context as the engine would receive it (after `.dockerignore`). */
  hashContext(context: string, dockerfile: string): Promise<string>;
  tagImage(imageId: string, ref: string): Promise<void>;
  /** Creates and starts a container that idles whatever the image's own entrypoint does. */
  startIdle(request: IdleContainerRequest, signal?: AbortSignal): Promise<ContainerHandle>;
  exec(containerId: string, request: ExecRequest, signal?: AbortSignal): Promise<ExecResult>;
  /** File metadata inside a container (created or running); undefined when the path does not exist. Needs no shell. */
  statPath(containerId: string, path: string): Promise<PathStat | undefined>;
  /** A file's bytes (symlinks followed), at most `maxBytes`; undefined when absent. Needs no shell. */
  readFile(containerId: string, path: string, maxBytes?: number): Promise<Buffer | undefined>;
  /** Writes a file into the container; its directory must exist. */
  writeFile(containerId: string, path: string, content: Buffer | string, mode?: number): Promise<void>;
  /** Force-removes a container; a container already gone is not an error. */
  remove(containerId: string): Promise<void>;
  /** Removes every container carrying all these labels; returns the ids removed. */
  removeContainersByLabel(labels: Record<string, string>): Promise<string[]>;
  /**
   * Tags the image `<registry>/<repoTag>` and pushes it; resolves with the manifest digest the
   * registry reported. Throws InfrastructureError (retryable) when the registry cannot be reached.
   */
  pushImage(imageId: string, repoTag: string, options: PushOptions): Promise<PushedImage>;
  /**
   * Pulls an image pinned by digest (`host:port/repo@sha256:…`) and checks that the local image
   * carries that digest. Throws InfrastructureError when the registry cannot be reached.
   */
  pullImage(ref: string, options?: PullOptions): Promise<PulledImage>;
  /** The image's repository digests (`host:port/repo@sha256:…`); empty when never pushed or pulled, or absent. */
  imageDigests(imageId: string): Promise<string[]>;
}

/** Credentials for a registry; sent to the engine only, never logged. */
export interface RegistryAuth {
  username: string;
  password: string;
}

export interface PushOptions {
  /** `host[:port]` of the registry, e.g. `127.0.0.1:5000`. */
  registry: string;
  /** Default: none (an open registry). */
  auth?: RegistryAuth;
  signal?: AbortSignal;
  /** Receives each line of push progress. */
  onLog?: (line: string) => void;
}

export interface PushedImage {
  /** Manifest digest, `sha256:…`. */
  digest: string;
  /** The tag pushed, `<registry>/<repo>:<tag>`. */
  tagged: string;
  /** The pinned reference, `<registry>/<repo>@sha256:…`: what other engines pull. */
  pinned: string;
}

export interface PullOptions {
  /** Default: none (an open registry). */
  auth?: RegistryAuth;
  signal?: AbortSignal;
  /** Receives each line of pull progress. */
  onLog?: (line: string) => void;
}

export interface PulledImage {
  /** The local image ID, `sha256:…`. */
  imageId: string;
  /** The manifest digest the reference pinned, `sha256:…`. */
  digest: string;
  /** Every repository digest the local image now carries. */
  repoDigests: string[];
}

export interface PathStat {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  /** Permission bits, with setuid/setgid/sticky as 0o4000/0o2000/0o1000. */
  mode: number;
  size: number;
  linkTarget: string;
}

export interface EngineInfo {
  serverVersion: string;
  apiVersion: string;
  kernelVersion: string;
  operatingSystem: string;
  architecture: string;
}

export interface BuildRequest {
  /** Absolute path of the context directory. */
  context: string;
  /** Dockerfile path inside the context. */
  dockerfile: string;
  args: Record<string, string>;
  /** Arg names whose values must not appear in logs. */
  secretArgs?: readonly string[];
  labels: Record<string, string>;
  /** Do not use the engine's layer cache either (`--no-cache`). */
  noCache?: boolean;
  /** Receives each line of build output as it arrives. */
  onLog?: (line: string) => void;
}

export type BuildResult =
  | { status: 'built'; imageId: string; logTail: string[] }
  | {
      status: 'failed';
      /** The daemon's own error message. */
      error: string;
      logTail: string[];
      /** True when the cause is outside the Dockerfile (an image that cannot be pulled...). */
      infrastructure: boolean;
    };

export interface ImageInfo {
  id: string;
  repoTags: string[];
  /** Layer digests, base first. */
  layers: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  user: string;
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  /** e.g. `8080/tcp`. */
  exposedPorts: string[];
  created: string;
}

export interface IdleContainerRequest {
  image: string;
  labels: Record<string, string>;
  /** Container name; default: chosen by the engine. */
  name?: string;
  /** Default 512 MiB. */
  memoryBytes?: number;
  /** Default 256. */
  pidsLimit?: number;
  /** Run as this user (`uid[:gid]`); default the image's user. */
  user?: string;
}

export interface ContainerHandle {
  id: string;
  /** How the container idles: the image's own `sleep`, or a helper copied in (images without one). */
  idle: 'image-sleep' | 'helper';
}

export interface ExecRequest {
  argv: string[];
  /** Default 60 s. */
  timeoutMs?: number;
  /** Output beyond this many bytes per stream is dropped. Default 1 MiB. */
  maxOutputBytes?: number;
  env?: Record<string, string>;
}

export interface ExecResult {
  /** Null when the process did not finish (timeout, cancelled). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** True when output was cut at `maxOutputBytes`. */
  truncated: boolean;
}
