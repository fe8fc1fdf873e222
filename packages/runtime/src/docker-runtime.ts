import { PassThrough, type Readable } from 'node:stream';
import Docker from 'dockerode';
import { ExitCode, FipsyardError, InfrastructureError, describeError } from '@fipsyard/core';
import type {
  BuildRequest,
  BuildResult,
  ContainerHandle,
  ContainerRuntime,
  EngineInfo,
  ExecRequest,
  ExecResult,
  IdleContainerRequest,
  ImageInfo,
  PathStat,
  PulledImage,
  PullOptions,
  PushedImage,
  PushOptions,
} from '@fipsyard/plugin-api';
import { BuildStreamParser, isImageSourceError, redact } from './build-stream.js';
import { hashContext, listContext, packContext } from './context.js';
import { decodePathStat, firstTarEntry, singleFileTar } from './archive.js';
import {
  ProgressStreamParser,
  authConfig,
  isRegistryAuthError,
  isRegistryUnreachable,
  parsePinnedReference,
  registryOf,
  registryTarget,
} from './registry.js';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface DockerRuntimeOptions {
  /**
   * Where the engine listens: `unix:///path`, `/path/to.sock`, `tcp://host:port` or
   * `http://host:port`. Default `/var/run/docker.sock`.
   */
  host?: string;
  /**
   * TLS to a `tcp://` engine (DOCKER_TLS_VERIFY with DOCKER_CERT_PATH): the CA that signed the
   * engine's certificate, and this client's certificate and key. The engine is always verified.
   */
  tls?: DockerTls;
  /** Lines of build output kept for failure reports. Default 40. */
  logTailLines?: number;
  /**
   * A static binary with a `sleep` applet (busybox), copied into images that have no `sleep` of
   * their own (FROM scratch) so their containers can idle. Default `/bin/busybox` when present.
   */
  idleHelper?: string;
}

// Named busybox so busybox takes its first argument as the applet (`busybox sleep N`).
const HELPER_PATH = '/.fipsyard/busybox';

const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT = 1024 * 1024;

/** PEM texts for TLS to the engine, as `docker` reads them from DOCKER_CERT_PATH. */
export interface DockerTls {
  ca: string;
  cert: string;
  key: string;
}

/**
 * Parses a DOCKER_HOST-style address into dockerode options. With `tls`, a `tcp://` address is
 * spoken to over HTTPS (default port 2376, as docker's), the engine's certificate checked against
 * the CA and this client authenticated by its certificate.
 */
export function dockerConnection(host: string | undefined, tls?: DockerTls): Docker.DockerOptions {
  if (!host) return { socketPath: '/var/run/docker.sock' };
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('/')) return { socketPath: host };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  if (tls) return { protocol: 'https', host: url.hostname, port: Number(url.port || 2376), ca: tls.ca, cert: tls.cert, key: tls.key };
  return { protocol: url.protocol === 'https:' ? 'https' : 'http', host: url.hostname, port: Number(url.port || 2375) };
}

/** The Docker Engine adapter: the only place that speaks dockerode. */
export class DockerRuntime implements ContainerRuntime {
  private readonly docker: Docker;
  private readonly where: string;
  private readonly tailLines: number;
  private readonly usesTls: boolean;

  constructor(options: DockerRuntimeOptions = {}, docker?: Docker) {
    const connection = dockerConnection(options.host, options.tls);
    this.docker = docker ?? new Docker(connection);
    this.usesTls = connection.protocol === 'https';
    this.where = options.host ?? '/var/run/docker.sock';
    this.tailLines = options.logTailLines ?? 40;
    this.idleHelper = options.idleHelper ?? (existsSync('/bin/busybox') ? '/bin/busybox' : undefined);
  }

  private readonly idleHelper: string | undefined;

  async info(signal?: AbortSignal): Promise<EngineInfo> {
    const timeout = AbortSignal.timeout(5000);
    const s = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      // dockerode honours abortSignal here; its typings do not declare the options argument.
      const withSignal = (fn: unknown) => (fn as (o: { abortSignal: AbortSignal }) => Promise<Record<string, unknown>>).call(this.docker, { abortSignal: s });
      const [info, version] = await Promise.all([withSignal(this.docker.info), withSignal(this.docker.version)]);
      return {
        serverVersion: String(version['Version'] ?? ''),
        apiVersion: String(version['ApiVersion'] ?? ''),
        kernelVersion: String(info['KernelVersion'] ?? ''),
        operatingSystem: String(info['OperatingSystem'] ?? ''),
        architecture: String(info['Architecture'] ?? ''),
      };
    } catch (err) {
      throw this.unreachable(err);
    }
  }

  private unreachable(err: unknown): InfrastructureError {
    const code = String((err as { code?: unknown } | undefined)?.code ?? '');
    const tls = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_SSL|ERR_TLS|EPROTO/.test(code) || /certificate|alert|handshake/i.test(describeError(err));
    return new InfrastructureError('docker', `Docker Engine unreachable at ${this.where}: ${describeError(err)}`, {
      hint: tls
        ? 'the TLS handshake with the engine failed: DOCKER_CERT_PATH/ca.pem must be the CA that signed the engine\'s certificate (for the host name in DOCKER_HOST), and cert.pem/key.pem a client certificate the engine trusts (dockerd --tlsverify --tlscacert)'
        : this.usesTls
          ? 'the engine did not answer over TLS: check that dockerd listens there with --tlsverify and trusts the client certificate in DOCKER_CERT_PATH (cert.pem, key.pem); an engine that refuses the client certificate just hangs up'
          : 'start it (`sudo dockerd &`, or `npm start`, which installs and starts it), or set DOCKER_HOST to a running engine',
      cause: err,
    });
  }

  async build(req: BuildRequest, signal?: AbortSignal): Promise<BuildResult> {
    const secrets = (req.secretArgs ?? []).map((k) => req.args[k]).filter((v): v is string => typeof v === 'string');
    const tail: string[] = [];
    const log = (line: string) => {
      const safe = redact(line, secrets);
      tail.push(safe);
      if (tail.length > this.tailLines) tail.shift();
      req.onLog?.(safe);
    };
    const tar = packContext(listContext(req.context, req.dockerfile));
    // When the engine goes away mid-upload the pipe breaks; the request reports that, and an
    // unhandled 'error' on the tar stream would otherwise end the whole process.
    tar.on('error', () => undefined);
    let response: Readable;
    try {
      response = (await this.docker.buildImage(tar, {
        dockerfile: req.dockerfile,
        buildargs: req.args,
        labels: req.labels,
        // Remove intermediate containers, also when the build fails.
        rm: true,
        forcerm: true,
        pull: false,
        ...(req.noCache ? { nocache: true } : {}),
        version: '1',
        ...(signal ? { abortSignal: signal } : {}),
      })) as unknown as Readable;
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw this.classify(err);
    }
    const parser = new BuildStreamParser();
    let imageId: string | undefined;
    let error: string | undefined;
    const handle = (msgs: ReturnType<BuildStreamParser['push']>) => {
      for (const m of msgs) {
        if (m.type === 'log') log(m.text);
        else if (m.type === 'image') imageId = m.id;
        else error = redact(m.message, secrets);
      }
    };
    try {
      for await (const chunk of response) handle(parser.push(String(chunk)));
      handle(parser.end());
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw this.classify(err);
    }
    if (error !== undefined) return { status: 'failed', error, logTail: tail, infrastructure: isImageSourceError(error) };
    if (imageId === undefined) {
      return { status: 'failed', error: 'the build stream ended without an image ID (connection cut?)', logTail: tail, infrastructure: true };
    }
    return { status: 'built', imageId, logTail: tail };
  }

  private classify(err: unknown): Error {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === undefined) return this.unreachable(err);
    return err instanceof Error ? err : new Error(describeError(err));
  }

  async findImageByLabel(label: string, value: string): Promise<ImageInfo | undefined> {
    let list: Docker.ImageInfo[];
    try {
      list = await this.docker.listImages({ all: false, filters: { label: [`${label}=${value}`] } });
    } catch (err) {
      throw this.classify(err);
    }
    const newest = list.sort((a, b) => b.Created - a.Created)[0];
    // Listed, then removed by someone else before the inspect: not there.
    return newest ? this.inspectImage(newest.Id) : undefined;
  }

  hashContext(context: string, dockerfile: string): Promise<string> {
    return hashContext(listContext(context, dockerfile));
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    try {
      const i = (await this.docker.getImage(ref).inspect()) as Docker.ImageInspectInfo;
      const env = Object.fromEntries((i.Config?.Env ?? []).map((kv) => {
        const eq = kv.indexOf('=');
        return eq < 0 ? [kv, ''] : [kv.slice(0, eq), kv.slice(eq + 1)];
      }));
      return {
        id: i.Id,
        repoTags: i.RepoTags ?? [],
        layers: i.RootFS?.Layers ?? [],
        env,
        labels: i.Config?.Labels ?? {},
        user: i.Config?.User ?? '',
        entrypoint: toList(i.Config?.Entrypoint),
        cmd: toList(i.Config?.Cmd),
        workingDir: i.Config?.WorkingDir ?? '',
        exposedPorts: Object.keys((i.Config?.ExposedPorts as Record<string, unknown> | undefined) ?? {}),
        created: i.Created,
      };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw this.classify(err);
    }
  }

  async tagImage(imageId: string, ref: string): Promise<void> {
    const { repo, tag } = splitReference(ref);
    try {
      await this.docker.getImage(imageId).tag({ repo, tag });
    } catch (err) {
      throw this.classify(err);
    }
  }

  /**
   * Registries on 127.0.0.0/8 need no TLS: the engine treats them as insecure by default. Any other
   * plain-HTTP registry must be listed in the engine's `insecure-registries`. The registry tag
   * stays on this engine (it is what links the image to its repository digest).
   */
  async pushImage(imageId: string, repoTag: string, options: PushOptions): Promise<PushedImage> {
    const { repository, tag } = registryTarget(options.registry, repoTag);
    const registry = registryOf(repository);
    const tagged = `${repository}:${tag}`;
    const signal = options.signal;
    try {
      await this.tagImage(imageId, tagged);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) throw new Error(`cannot push ${imageId}: the engine has no such image`, { cause: err });
      throw err;
    }
    let response: Readable;
    try {
      response = (await this.docker.getImage(repository).push({
        tag,
        authconfig: authConfig(registry, options.auth),
        ...(signal ? { abortSignal: signal } : {}),
      })) as unknown as Readable;
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if ((err as { statusCode?: number }).statusCode === undefined) throw this.unreachable(err);
      throw this.registryFailure('push', tagged, registry, engineMessage(err), options.auth?.password, err);
    }
    const { digest, error } = await this.readProgress(response, options.onLog, options.auth?.password, signal);
    if (error !== undefined) throw this.registryFailure('push', tagged, registry, error, options.auth?.password);
    if (digest === undefined) {
      throw new InfrastructureError('image-source', `the push of ${tagged} ended without a digest (connection to the engine cut?)`);
    }
    return { digest, tagged, pinned: `${repository}@${digest}` };
  }

  async pullImage(ref: string, options: PullOptions = {}): Promise<PulledImage> {
    const pinned = parsePinnedReference(ref);
    if (!pinned) throw new Error(`cannot pull "${ref}": pin it by digest (host:port/repo@sha256:<64 hex>)`);
    const registry = registryOf(pinned.repository);
    const canonical = `${pinned.repository}@${pinned.digest}`;
    const signal = options.signal;
    let response: Readable;
    try {
      response = (await this.docker.createImage(authConfig(registry, options.auth), {
        fromImage: canonical,
        ...(signal ? { abortSignal: signal } : {}),
      })) as unknown as Readable;
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if ((err as { statusCode?: number }).statusCode === undefined) throw this.unreachable(err);
      throw this.registryFailure('pull', canonical, registry, engineMessage(err), options.auth?.password, err);
    }
    const { error } = await this.readProgress(response, options.onLog, options.auth?.password, signal);
    if (error !== undefined) throw this.registryFailure('pull', canonical, registry, error, options.auth?.password);
    let image: Docker.ImageInspectInfo;
    try {
      image = (await this.docker.getImage(canonical).inspect()) as Docker.ImageInspectInfo;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) throw new Error(`the pull of ${canonical} reported success, yet the engine has no such image`);
      throw this.classify(err);
    }
    const repoDigests = image.RepoDigests ?? [];
    if (!repoDigests.some((d) => d.endsWith(`@${pinned.digest}`))) {
      throw new Error(`the image pulled as ${canonical} (${image.Id}) does not carry that digest; it has ${repoDigests.join(', ') || 'none'}`);
    }
    return { imageId: image.Id, digest: pinned.digest, repoDigests };
  }

  async imageDigests(imageId: string): Promise<string[]> {
    try {
      return ((await this.docker.getImage(imageId).inspect()) as Docker.ImageInspectInfo).RepoDigests ?? [];
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return [];
      throw this.classify(err);
    }
  }

  /** Reads a push/pull progress stream to its end; the stream, not the HTTP status, says whether it worked. */
  private async readProgress(
    response: Readable,
    onLog: ((line: string) => void) | undefined,
    secret: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ digest?: string; error?: string }> {
    const parser = new ProgressStreamParser();
    const secrets = secret ? [secret] : [];
    let digest: string | undefined;
    let error: string | undefined;
    const handle = (msgs: ReturnType<ProgressStreamParser['push']>) => {
      for (const m of msgs) {
        if (m.type === 'log') onLog?.(redact(m.text, secrets));
        else if (m.type === 'digest') digest = m.digest;
        else error ??= redact(m.message, secrets);
      }
    };
    try {
      for await (const chunk of response) handle(parser.push(String(chunk)));
      handle(parser.end());
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw this.classify(err);
    }
    if (signal?.aborted) throw signal.reason;
    return { ...(digest !== undefined ? { digest } : {}), ...(error !== undefined ? { error } : {}) };
  }

  private registryFailure(op: 'push' | 'pull', ref: string, registry: string, message: string, secret: string | undefined, cause?: unknown): Error {
    const msg = redact(message, secret ? [secret] : []);
    if (isRegistryUnreachable(msg)) {
      return new InfrastructureError('image-source', `cannot ${op} ${ref}: registry ${registry} is unreachable: ${msg}`, {
        hint: `start the registry or fix its address; a plain-HTTP registry outside 127.0.0.0/8 must be in the engine's insecure-registries`,
        cause,
      });
    }
    if (isRegistryAuthError(msg)) {
      return new FipsyardError('REGISTRY_DENIED', ExitCode.Failed, `registry ${registry} refused the ${op} of ${ref}: ${msg}`, {
        hint: 'set FIPSYARD_REGISTRY_USER and FIPSYARD_REGISTRY_PASSWORD to credentials the registry accepts',
        cause,
      });
    }
    if (op === 'pull' && /manifest unknown|not found|does not exist/i.test(msg)) {
      return new FipsyardError('IMAGE_NOT_IN_REGISTRY', ExitCode.Failed, `registry ${registry} has no image ${ref}: ${msg}`, {
        hint: 'the digest must come from a push to this same registry',
        cause,
      });
    }
    return new FipsyardError('REGISTRY_FAILED', ExitCode.Failed, `the ${op} of ${ref} (registry ${registry}) failed: ${msg}`, { cause });
  }

  async startIdle(req: IdleContainerRequest, signal?: AbortSignal): Promise<ContainerHandle> {
    const first = await this.createIdle(req, ['sleep'], ['infinity'], signal);
    let why = '';
    try {
      if (await this.hasSleep(first.id, req.image)) {
        await first.start();
        // docker-init starts even when it then cannot exec sleep: make sure the container runs.
        const state = (await first.inspect()).State;
        if (state.Running) return { id: first.id, idle: 'image-sleep' };
        why = `its sleep exited with code ${state.ExitCode}`;
      } else {
        why = 'no sleep on its PATH';
      }
    } catch (err) {
      why = describeError(err);
    }
    await this.remove(first.id);
    if (!this.idleHelper) throw new Error(`cannot keep a container of ${req.image} running (${why}) and no idle helper (/bin/busybox) is installed`);
    // No usable `sleep` in the image (FROM scratch, distroless): idle with a static helper copied in.
    // The helper is copied in before start, which a read-only root refuses.
    const second = await this.createIdle(req, [HELPER_PATH], ['sleep', '2147483647'], signal, false);
    try {
      const tar = await singleFileTar(HELPER_PATH.slice(1), readFileSync(this.idleHelper), 0o755, true);
      await second.putArchive(tar, { path: '/' });
      await second.start();
      if (!(await second.inspect()).State.Running) throw new Error('the idle helper exited');
      return { id: second.id, idle: 'helper' };
    } catch (err) {
      await this.remove(second.id);
      throw new Error(`cannot start a container of ${req.image} (${why}), even with an idle helper: ${describeError(err)}`, { cause: err });
    }
  }

  /** Whether the image has a `sleep` on its PATH; looked up in the created container, no shell needed. */
  private async hasSleep(containerId: string, image: string): Promise<boolean> {
    const info = await this.inspectImage(image);
    const dirs = (info?.env['PATH'] ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':').filter((d) => d.startsWith('/'));
    for (const d of dirs) if (await this.statPath(containerId, `${d}/sleep`)) return true;
    return false;
  }

  private async createIdle(req: IdleContainerRequest, entrypoint: string[], cmd: string[], signal?: AbortSignal, readOnly = true): Promise<Docker.Container> {
    try {
      return await this.docker.createContainer({
        Image: req.image,
        ...(req.name ? { name: req.name } : {}),
        ...(req.user ? { User: req.user } : {}),
        // Idle whatever the image's own entrypoint would do; checks arrive as execs.
        Entrypoint: entrypoint,
        Cmd: cmd,
        Labels: req.labels,
        NetworkDisabled: true,
        AttachStdin: false,
        AttachStdout: false,
        AttachStderr: false,
        Tty: false,
        OpenStdin: false,
        HostConfig: {
          NetworkMode: 'none',
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges'],
          Memory: req.memoryBytes ?? 512 * 1024 * 1024,
          PidsLimit: req.pidsLimit ?? 256,
          // Checks look, they do not change the image: a read-only root, scratch space in /tmp only.
          ReadonlyRootfs: readOnly,
          Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m', '/run': 'rw,nosuid,nodev,size=8m' },
          // docker-init as PID 1: signals are handled and stop is immediate.
          Init: true,
          AutoRemove: false,
        },
        ...(signal ? { abortSignal: signal } : {}),
      });
    } catch (err) {
      throw this.classify(err);
    }
  }

  async statPath(containerId: string, p: string): Promise<PathStat | undefined> {
    try {
      const res = (await this.docker.getContainer(containerId).infoArchive({ path: p })) as { headers?: Record<string, string>; resume?: () => void };
      res.resume?.();
      const header = res.headers?.['x-docker-container-path-stat'];
      return header ? decodePathStat(header, p) : undefined;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw this.classify(err);
    }
  }

  async readFile(containerId: string, p: string, maxBytes = 1024 * 1024): Promise<Buffer | undefined> {
    let current = p;
    for (let hops = 0; hops < 8; hops++) {
      let stream: NodeJS.ReadableStream;
      try {
        stream = await this.docker.getContainer(containerId).getArchive({ path: current });
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw this.classify(err);
      }
      const entry = await firstTarEntry(stream, maxBytes);
      if (!entry || entry.kind === 'other') return undefined;
      if (entry.kind === 'file') return entry.content;
      current = entry.target.startsWith('/') ? entry.target : path.posix.join(path.posix.dirname(current), entry.target);
    }
    return undefined;
  }

  async writeFile(containerId: string, p: string, content: Buffer | string, mode = 0o644): Promise<void> {
    const tar = await singleFileTar(p, Buffer.isBuffer(content) ? content : Buffer.from(content), mode);
    try {
      await this.docker.getContainer(containerId).putArchive(tar, { path: path.posix.dirname(p) });
    } catch (err) {
      throw this.classify(err);
    }
  }

  async exec(containerId: string, req: ExecRequest, signal?: AbortSignal): Promise<ExecResult> {
    const started = performance.now();
    const max = req.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const container = this.docker.getContainer(containerId);
    const exec = await container
      .exec({
        Cmd: req.argv,
        AttachStdin: false,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        ...(req.env ? { Env: Object.entries(req.env).map(([k, v]) => `${k}=${v}`) } : {}),
      })
      .catch((err: unknown) => {
        throw this.classify(err);
      });
    const stream = (await exec.start({ hijack: true, stdin: false, Detach: false })) as unknown as Readable;
    const out = new Capture(max);
    const errOut = new Capture(max);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (c: Buffer) => out.add(c));
    stderr.on('data', (c: Buffer) => errOut.add(c));
    this.docker.modem.demuxStream(stream, stdout, stderr);

    const timeoutMs = req.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    let timedOut = false;
    const ended = new Promise<'ended' | 'timeout' | 'aborted'>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        resolve('timeout');
      }, timeoutMs);
      const onAbort = () => resolve('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve('ended');
      };
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', done);
    });
    const how = await ended;
    if (how !== 'ended') stream.destroy();
    // Only once the stream has ended does inspect report the real exit code.
    let exitCode: number | null = null;
    if (how === 'ended') {
      const info = await exec.inspect();
      exitCode = info.Running ? null : (info.ExitCode ?? null);
    }
    return {
      exitCode,
      stdout: out.text(),
      stderr: errOut.text(),
      durationMs: Math.round(performance.now() - started),
      timedOut,
      truncated: out.truncated || errOut.truncated,
    };
  }

  async remove(containerId: string): Promise<void> {
    try {
      await this.docker.getContainer(containerId).remove({ force: true, v: true });
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if (code === 404) return;
      if (code === 409) {
        // "removal already in progress": wait for it rather than leave it behind.
        await new Promise((r) => setTimeout(r, 200));
        return this.remove(containerId);
      }
      throw this.classify(err);
    }
  }

  /** Containers carrying `label` (any value), with their labels: what `gc` and worker sweeps look at. */
  async listContainersWithLabel(label: string): Promise<{ id: string; labels: Record<string, string>; state: string; created: number }[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [label] } }).catch((err: unknown) => {
      throw this.classify(err);
    });
    return list.map((c) => ({ id: c.Id, labels: c.Labels ?? {}, state: c.State, created: c.Created }));
  }

  /** Removes images carrying `label` that no tag names (failed or superseded builds); returns their ids. */
  async removeUntaggedImagesWithLabel(label: string): Promise<string[]> {
    const list = await this.docker.listImages({ all: false, filters: { label: [label], dangling: ['true'] } }).catch((err: unknown) => {
      throw this.classify(err);
    });
    const removed: string[] = [];
    for (const img of list) {
      try {
        await this.docker.getImage(img.Id).remove();
        removed.push(img.Id);
      } catch {
        // in use by a container or another image: not garbage yet
      }
    }
    return removed;
  }

  async removeContainersByLabel(labels: Record<string, string>): Promise<string[]> {
    const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
    const list = await this.docker.listContainers({ all: true, filters }).catch((err: unknown) => {
      throw this.classify(err);
    });
    await Promise.all(list.map((c) => this.remove(c.Id)));
    return list.map((c) => c.Id);
  }
}

class Capture {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly max: number) {}
  add(chunk: Buffer): void {
    if (this.size >= this.max) {
      this.truncated = true;
      return;
    }
    const room = this.max - this.size;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part.length < chunk.length) this.truncated = true;
    this.chunks.push(part);
    this.size += part.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** The engine's own message of a failed API call (dockerode puts the JSON body in `json`). */
function engineMessage(err: unknown): string {
  const json = (err as { json?: unknown }).json;
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') return (json as { message: string }).message;
  if (typeof json === 'string' && json.trim()) return json.trim();
  // Streamed calls carry the body only in the message, after dockerode's "(HTTP code 500) server error - ".
  return describeError(err).replace(/^\(HTTP code \d+\)[^-]*- /, '').trim();
}

function toList(v: string | string[] | undefined | null): string[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** `registry:5000/repo/name:tag` -> repo `registry:5000/repo/name`, tag `tag` (default latest). */
export function splitReference(ref: string): { repo: string; tag: string } {
  const at = ref.indexOf('@');
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const slash = base.lastIndexOf('/');
  const colon = base.lastIndexOf(':');
  if (colon > slash) return { repo: base.slice(0, colon), tag: base.slice(colon + 1) };
  return { repo: base, tag: 'latest' };
}
