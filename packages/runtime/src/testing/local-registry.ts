import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { RegistryAuth } from '@fipsyard/plugin-api';
import { freePort, isAlive, signal, sleep, tailOf, waitGone } from './processes.js';

export interface LocalRegistryOptions {
  /** Require these credentials (htpasswd, bcrypt made with python3's crypt). Default: an open registry. */
  auth?: RegistryAuth;
  /** The registry v2 server binary. Default `docker-registry` (Debian's package) on the PATH. */
  binary?: string;
  /** Default 15 s. */
  readyTimeoutMs?: number;
}

export interface LocalRegistry {
  /** `127.0.0.1:PORT`: what `pushImage` takes as `registry`. */
  address: string;
  port: number;
  /** Config, storage and log live here; removed by stop(). */
  dir: string;
  logFile: string;
  pid: number;
  /** Stops the server and removes its storage. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a registry v2 server (Debian's `docker-registry`) on 127.0.0.1 at a free port, with its
 * storage in a fresh temporary directory. The engine talks plain HTTP to it without any daemon
 * configuration, because it treats registries on 127.0.0.0/8 as insecure by default.
 * Install it with `bash scripts/ensure-env.sh registry`.
 */
export async function startLocalRegistry(options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  const binary = options.binary ?? 'docker-registry';
  if (spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`${binary} is not installed: run \`bash scripts/ensure-env.sh registry\` (Debian package docker-registry)`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'fy-registry-'));
  try {
    if (options.auth) writeFileSync(path.join(dir, 'htpasswd'), `${options.auth.username}:${bcrypt(options.auth.password)}\n`, { mode: 0o600 });
    // The port is free when asked, but another process may take it first: try a few.
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await startOn(await freePort(), dir, binary, options);
      } catch (err) {
        lastError = err as Error;
      }
    }
    throw lastError ?? new Error('the registry did not start');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startOn(port: number, dir: string, binary: string, options: LocalRegistryOptions): Promise<LocalRegistry> {
  const config = path.join(dir, 'config.yml');
  const logFile = path.join(dir, 'registry.log');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      ...(options.auth ? ['auth:', '  htpasswd:', '    realm: fipsyard-test', `    path: ${path.join(dir, 'htpasswd')}`] : []),
      '',
    ].join('\n'),
  );
  const log = openSync(logFile, 'a');
  const child = spawn(binary, ['serve', config], { stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${binary}`);
  const onExit = () => signal(pid, 'SIGKILL');
  process.once('exit', onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    signal(pid, 'SIGTERM');
    if (!(await waitGone(pid, 5000))) {
      signal(pid, 'SIGKILL');
      await waitGone(pid, 2000);
    }
    process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  };

  const until = Date.now() + (options.readyTimeoutMs ?? 15_000);
  while (Date.now() < until) {
    if (!isAlive(pid)) break;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1000) });
      // 401 is the answer of a registry that wants credentials: it is up.
      if (res.status === 200 || res.status === 401) {
        return { address: `127.0.0.1:${port}`, port, dir, logFile, pid, stop };
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  const why = tailOf(logFile);
  stopped = true;
  signal(pid, 'SIGKILL');
  await waitGone(pid, 2000);
  process.removeListener('exit', onExit);
  throw new Error(`the registry on 127.0.0.1:${port} did not come up:\n${why}`);
}

/** A bcrypt hash (cost 4: the registry checks it on every request) for the registry's htpasswd. */
function bcrypt(password: string): string {
  const r = spawnSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))'], {
    input: password,
    encoding: 'utf8',
  });
  const hash = r.stdout?.trim() ?? '';
  if (r.status !== 0 || !hash.startsWith('$2')) throw new Error(`cannot make a bcrypt hash with python3's crypt module: ${r.stderr?.trim() || r.error?.message}`);
  return hash;
}
