import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startEmbeddedRedis, type EmbeddedRedis } from '../src/index.js';
import type { ImageSpec, PipelineSpec, Plan, StageOutcome } from '@fipsyard/core';

/** A short id unique to this call, safe in BullMQ job ids and Redis keys (no ':'). */
export function uniqueId(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/**
 * Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`
 * with `what` in the message. Tests wait on conditions, never on fixed sleeps.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function imageSpec(name: string, parent?: string): ImageSpec {
  const spec: ImageSpec = {
    name,
    context: `/nonexistent/${name}`,
    dockerfile: 'Dockerfile',
    args: {},
    secretArgs: [],
    tags: [],
    labels: {},
    parentArg: 'BASE_IMAGE',
    checks: [],
    waivers: [],
  };
  if (parent !== undefined) spec.parent = parent;
  return spec;
}

export function pipelineOf(images: ImageSpec[]): PipelineSpec {
  return { file: '/nonexistent/pipeline.yaml', name: 'queue-test', sha256: '0'.repeat(64), images };
}

/**
 * base -> child (the diamond: build-child needs build-base AND test-base), plus an unrelated
 * `other` image with its own build and test.
 */
export function diamondRun(runId: string): { runId: string; pipeline: PipelineSpec; plan: Plan } {
  const plan: Plan = {
    stages: [
      { id: 'build-base', kind: 'build', image: 'base', needs: [] },
      { id: 'test-base', kind: 'test', image: 'base', needs: ['build-base'] },
      { id: 'build-child', kind: 'build', image: 'child', needs: ['build-base', 'test-base'] },
      { id: 'test-child', kind: 'test', image: 'child', needs: ['build-child'] },
      { id: 'build-other', kind: 'build', image: 'other', needs: [] },
      { id: 'test-other', kind: 'test', image: 'other', needs: ['build-other'] },
    ],
  };
  return { runId, pipeline: pipelineOf([imageSpec('base'), imageSpec('child', 'base'), imageSpec('other')]), plan };
}

/** One image: build then test. */
export function singleRun(runId: string): { runId: string; pipeline: PipelineSpec; plan: Plan } {
  const plan: Plan = {
    stages: [
      { id: 'build-base', kind: 'build', image: 'base', needs: [] },
      { id: 'test-base', kind: 'test', image: 'base', needs: ['build-base'] },
    ],
  };
  return { runId, pipeline: pipelineOf([imageSpec('base')]), plan };
}

export const built = (imageId: string): StageOutcome => ({ status: 'succeeded', output: { kind: 'build', build: { imageId, logTail: [] } } });
export const tested = (imageId: string): StageOutcome => ({ status: 'succeeded', output: { kind: 'test', test: { imageId, checks: [], tagged: [] } } });
export const failed = (reason: string): StageOutcome => ({ status: 'failed', reason });

/**
 * One private redis-server for a test file, and a stack of clean-ups run after each test (last
 * registered first). Call at the top level of the file.
 */
export function redisPerFile(): { url: () => string; cleanups: (() => Promise<void> | void)[] } {
  let server: EmbeddedRedis | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    server = await startEmbeddedRedis();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    url: () => {
      if (!server) throw new Error('redisPerFile: the server starts in beforeAll');
      return server.url;
    },
    cleanups,
  };
}
