import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { silentLogger, type ImageSpec } from '@fipsyard/core';
import {
  LABELS,
  type BuildRequest,
  type BuildResult,
  type ContainerHandle,
  type ContainerRuntime,
  type EngineInfo,
  type ExecResult,
  type ImageInfo,
  type StageContext,
} from '@fipsyard/plugin-api';
import { noRegistry } from '@fipsyard/plugin-api/testing';

export const PARENT_ID = 'sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
export const BUILT_ID = 'sha256:f9e8d7c6b5a4938271605f4e3d2c1b0af9e8d7c6b5a4938271605f4e3d2c1b0a';

export function imageInfo(id: string, layers: string[], overrides: Partial<ImageInfo> = {}): ImageInfo {
  return { id, repoTags: [], layers, env: {}, labels: {}, user: '', entrypoint: [], cmd: [], workingDir: '/', exposedPorts: [], created: '2025-01-01T00:00:00Z', ...overrides };
}

/**
 * An in-memory ContainerRuntime for builds: `build` answers with `buildResult` after replaying
 * `buildLines` to the request's onLog; images are what `images` holds.
 */
export class FakeRuntime implements ContainerRuntime {
  readonly images = new Map<string, ImageInfo>();
  readonly builds: { request: BuildRequest; signal: AbortSignal | undefined }[] = [];
  readonly inspected: string[] = [];
  buildLines: string[] = ['#1 [internal] load build definition from Dockerfile', '#5 DONE 0.4s'];
  buildResult: BuildResult = { status: 'built', imageId: BUILT_ID, logTail: ['#5 DONE 0.4s'] };
  inspectFailure: Error | undefined;

  // Builds never look inside containers.
  async statPath(): Promise<undefined> {
    return undefined;
  }
  async readFile(): Promise<undefined> {
    return undefined;
  }
  async writeFile(): Promise<void> {
    throw new Error('FakeRuntime: writeFile is not used by builds');
  }

  async info(): Promise<EngineInfo> {
    return { serverVersion: '27.3.1', apiVersion: '1.47', kernelVersion: '6.8.0', operatingSystem: 'Ubuntu 24.04', architecture: 'x86_64' };
  }

  async build(request: BuildRequest, signal?: AbortSignal): Promise<BuildResult> {
    this.builds.push({ request, signal });
    for (const line of this.buildLines) request.onLog?.(line);
    return this.buildResult;
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    this.inspected.push(ref);
    if (this.inspectFailure) throw this.inspectFailure;
    return this.images.get(ref);
  }

  async tagImage(): Promise<void> {
    throw new Error('FakeRuntime: builds never tag');
  }

  /** What `hashContext` answers: tests change it to stand for a changed context. */
  contextHash = 'sha256:context-1';
  async hashContext(): Promise<string> {
    return this.contextHash;
  }

  async findImageByLabel(label: string, value: string): Promise<ImageInfo | undefined> {
    return [...this.images.values()].find((i) => i.labels[label] === value);
  }

  async startIdle(): Promise<ContainerHandle> {
    throw new Error('FakeRuntime: builds start no container');
  }

  async exec(): Promise<ExecResult> {
    throw new Error('FakeRuntime: builds exec nothing');
  }

  async remove(): Promise<void> {}

  async removeContainersByLabel(): Promise<string[]> {
    return [];
  }
  // Registry mode is not exercised by these fakes.
  pushImage = noRegistry.pushImage;
  pullImage = noRegistry.pullImage;
  imageDigests = noRegistry.imageDigests;

  /** The one build request made. */
  lastBuild(): BuildRequest {
    const last = this.builds.at(-1);
    if (!last) throw new Error('FakeRuntime: nothing was built');
    return last.request;
  }
}

export function imageSpec(overrides: Partial<ImageSpec> = {}): ImageSpec {
  return {
    name: 'fips-base',
    context: '/work/images/fips-base',
    dockerfile: 'Dockerfile',
    args: {},
    secretArgs: [],
    tags: [],
    labels: {},
    parentArg: 'BASE_IMAGE',
    checks: [],
    waivers: [],
    ...overrides,
  };
}

export const STAGE_LABELS = { [LABELS.managed]: 'true', [LABELS.run]: 'run-7', [LABELS.stage]: 'build-fips-base', [LABELS.pipeline]: 'fips' };

export function buildContext(runtime: ContainerRuntime, image: ImageSpec, parentImageId?: string): StageContext & { logged: string[] } {
  const logged: string[] = [];
  const ctx: StageContext & { logged: string[] } = {
    logged,
    runId: 'run-7',
    stage: { id: `build-${image.name}`, kind: 'build', image: image.name, needs: [] },
    image,
    pipeline: { file: '/work/pipelines/fips.yaml', name: 'fips', sha256: '0'.repeat(64), images: [image] },
    runtime,
    logger: silentLogger,
    buildLog: (line) => logged.push(line),
    signal: new AbortController().signal,
    labels: { ...STAGE_LABELS, [LABELS.stage]: `build-${image.name}` },
    suites: new Map(),
  };
  if (parentImageId !== undefined) ctx.parentImageId = parentImageId;
  return ctx;
}

/** A fresh build context directory holding `dockerfile` at `name`. */
export function contextDir(dockerfile: string, name = 'Dockerfile'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fy-docker-build-'));
  writeFileSync(path.join(dir, name), dockerfile);
  return dir;
}
