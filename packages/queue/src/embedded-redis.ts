import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InfrastructureError } from '@fipsyard/core';

export interface EmbeddedRedis {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  /** Path of redis-server. Default: found on PATH. */
  binary?: string;
  /** Wait this long for it to accept connections. Default 10 s. */
  startTimeoutMs?: number;
  /**
   * Keep the data here between runs (a snapshot written on stop and every 5 minutes), so cached
   * verdicts survive; created if missing. Default: a temporary directory, removed on stop.
   */
  dataDir?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a private redis-server on 127.0.0.1, an ephemeral port and a temporary directory, for one
 * run of `fipsyard run` or for tests. `stop()` ends it and removes the directory.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions = {}): Promise<EmbeddedRedis> {
  const keep = options.dataDir !== undefined;
  const dir = keep ? makeDataDir(options.dataDir!) : mkdtempSync(path.join(tmpdir(), 'fipsyard-redis-'));
  // Runs started at once each load the snapshot and write their own at the end: the last one wins.
  // What is lost is only cache entries (a later miss), never a wrong verdict.
  const persistence = keep ? ['--save', '300 1', '--dbfilename', 'fipsyard.rdb'] : ['--save', ''];
  const cleanup = () => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const child = spawn(
      options.binary ?? 'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence, '--appendonly', 'no', '--protected-mode', 'yes', '--loglevel', 'notice'],
      // Its own process group: a Ctrl-C at the terminal is for fipsyard, which stops Redis itself
      // after writing the report (Redis dying first would leave the controller waiting for it).
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    // Even when the process exits abruptly (a second Ctrl-C), Redis and its directory go with it.
    const onExit = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      cleanup();
    };
    process.once('exit', onExit);
    try {
      await waitReady(child, options.startTimeoutMs ?? 10_000);
    } catch (err) {
      process.off('exit', onExit);
      child.kill('SIGKILL');
      if (tries < 3 && /Address already in use/i.test(String(err))) continue; // lost the port race
      cleanup();
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      throw new InfrastructureError('redis', missing ? 'redis-server is not installed' : `cannot start redis-server: ${String(err instanceof Error ? err.message : err)}`, {
        hint: missing ? 'install it (`apt-get install redis-server`, or `npm start`, which installs it) or set REDIS_URL to a running Redis' : 'set REDIS_URL to a running Redis',
        cause: err,
      });
    }
    const stop = async () => {
      process.off('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        // SIGTERM makes redis-server write its snapshot first when saving is configured.
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), keep ? 10_000 : 3000);
        await exited;
        clearTimeout(t);
      }
      cleanup();
    };
    return { url: `redis://127.0.0.1:${port}`, port, dir, stop };
  }
}

function makeDataDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  } catch (err) {
    throw new InfrastructureError('redis', `cannot create the state directory ${dir}: ${String(err instanceof Error ? err.message : err)}`, {
      hint: 'set FIPSYARD_STATE_DIR to a directory you can write',
      cause: err,
    });
  }
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server not ready after ${timeoutMs} ms: ${out.slice(-500)}`)), timeoutMs);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (/Ready to accept connections/i.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}: ${out.slice(-500)}`));
    });
  });
}
