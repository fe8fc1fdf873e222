import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { isInfrastructureError, type InfrastructureError } from '@fipsyard/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectRedis, redactUrl, StageQueue, startEmbeddedRedis, type EmbeddedRedis } from '../src/index.js';
import { uniqueId, waitFor } from './helpers.js';

/** Awaits `p`, expecting it to reject; returns the error and how long it took. */
async function rejection(p: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const t0 = Date.now();
  try {
    await p;
  } catch (err) {
    return { err, ms: Date.now() - t0 };
  }
  throw new Error('expected a rejection');
}

function expectRedisDown(err: unknown): asserts err is InfrastructureError {
  expect(isInfrastructureError(err)).toBe(true);
  expect(err).toMatchObject({ name: 'InfrastructureError', service: 'redis', code: 'REDIS_UNAVAILABLE', exitCode: 3 });
}

describe('connectRedis', () => {
  for (const role of ['command', 'worker'] as const) {
    it(`rejects an unreachable URL with an InfrastructureError within seconds (role ${role})`, async () => {
      const { err, ms } = await rejection(connectRedis({ url: 'redis://127.0.0.1:1', role }));
      expectRedisDown(err);
      expect(err.message).toContain('127.0.0.1:1');
      expect(err.hint).toBeTruthy();
      expect(ms).toBeLessThan(3000);
    });
  }

  describe('against a server that accepts connections and never answers', () => {
    let silent: Server;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      silent = createServer((s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    });

    it('gives up after connectTimeoutMs instead of hanging', async () => {
      const addr = silent.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      const { err, ms } = await rejection(connectRedis({ url: `redis://127.0.0.1:${port}`, role: 'command', connectTimeoutMs: 400 }));
      expectRedisDown(err);
      expect(ms).toBeGreaterThanOrEqual(350);
      expect(ms).toBeLessThan(3000);
    });
  });

  it('never shows the password of the URL', async () => {
    const { err } = await rejection(connectRedis({ url: 'redis://:s3cr3t@127.0.0.1:1/0', role: 'command' }));
    expectRedisDown(err);
    expect(err.message).not.toContain('s3cr3t');
    expect(redactUrl('redis://user:s3cr3t@h:6379/2')).toBe('redis://user:***@h:6379/2');
  });
});

describe('startEmbeddedRedis', () => {
  it('gives a working URL; stop() ends the server and removes its directory', async () => {
    const server = await startEmbeddedRedis();
    let stopped = false;
    try {
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
      expect(existsSync(server.dir)).toBe(true);
      const redis = await connectRedis({ url: server.url, role: 'command' });
      try {
        const key = uniqueId('k');
        await redis.set(key, 'v');
        expect(await redis.get(key)).toBe('v');
      } finally {
        redis.disconnect();
      }
      await server.stop();
      stopped = true;
      expect(existsSync(server.dir)).toBe(false);
      const { err } = await rejection(connectRedis({ url: server.url, role: 'command', connectTimeoutMs: 1000 }));
      expectRedisDown(err);
      await server.stop(); // a second stop is harmless
    } finally {
      if (!stopped) await server.stop();
    }
  });

  it('reports a missing redis-server binary as an InfrastructureError', async () => {
    const { err } = await rejection(startEmbeddedRedis({ binary: '/nonexistent/redis-server' }));
    expectRedisDown(err);
    expect(err.message).toMatch(/not installed/);
  });
});

describe('a producer when Redis goes away', () => {
  it('fails fast instead of queueing commands forever', async () => {
    const server = await startEmbeddedRedis();
    const redis = await connectRedis({ url: server.url, role: 'command' });
    const queue = new StageQueue(redis, { prefix: uniqueId('bq') });
    // Muted in case BullMQ prints reconnection errors; the next test shows it does not.
    const mute = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await queue.enqueue('build', { runId: uniqueId('run'), stageId: 'build-base' });
      await server.stop();
      const { ms } = await rejection(queue.enqueue('build', { runId: uniqueId('run'), stageId: 'build-base' }));
      expect(ms).toBeLessThan(3000);
    } finally {
      await queue.close().catch(() => undefined);
      redis.disconnect();
      mute.mockRestore();
      await server.stop();
    }
  });

  it('does not write to the console while reconnecting', async () => {
    const server = await startEmbeddedRedis();
    const redis = await connectRedis({ url: server.url, role: 'command' });
    const queue = new StageQueue(redis, { prefix: uniqueId('bq') });
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await queue.enqueue('build', { runId: uniqueId('run'), stageId: 'build-base' });
      let errors = 0;
      redis.on('error', () => (errors += 1));
      await server.stop();
      await waitFor('two reconnection errors', () => errors >= 2, 5000);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      await queue.close().catch(() => undefined);
      redis.disconnect();
      spy.mockRestore();
      await server.stop();
    }
  });
});
