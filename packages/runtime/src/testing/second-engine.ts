import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import Docker from 'dockerode';
import { descendantsOf, isAlive, processesMentioning, run, signal, sleep, stopProcesses, tailOf, unmountUnder, waitGone } from './processes.js';

export interface SecondEngineOptions {
  /** Parent of the engine's private directory. Default `/tmp` (keep it short: unix socket paths max 107 bytes). */
  parentDir?: string;
  /** More dockerd flags. */
  extraArgs?: readonly string[];
  /** Default 30 s. */
  readyTimeoutMs?: number;
}

export interface SecondEngine {
  /** DOCKER_HOST-style address of the engine: `unix:///tmp/fy-engine-…/docker.sock`. */
  host: string;
  socketPath: string;
  /** Holds data-root, exec-root, pidfile, socket, config and log; removed by stop(). */
  dir: string;
  /** The engine's own bridge (created here, deleted by stop()); the host's docker0 is never touched. */
  bridge: string;
  logFile: string;
  pid: number;
  /**
   * Removes its containers, stops dockerd (SIGTERM, then SIGKILL), kills what it left (its
   * containerd, shims), unmounts, deletes its bridge and directories. Safe to call twice.
   */
  stop(): Promise<void>;
}

/**
 * Starts a second Docker Engine on this machine, sharing nothing with the main one: its own
 * data-root, exec-root (so its own managed containerd, state and netns), pidfile, socket, config
 * file and containerd namespaces. Networking never touches `docker0`: `--bridge none` would make
 * dockerd delete the host's docker0 (it removes the default bridge by name), so the engine gets
 * a bridge of its own instead, with iptables, masquerading and ip-forward left alone. Its
 * containers have no outbound network; it pulls from registries on 127.0.0.1. Needs root.
 */
export async function startSecondEngine(options: SecondEngineOptions = {}): Promise<SecondEngine> {
  if (process.getuid?.() !== 0) throw new Error('a second Docker Engine needs root (dockerd)');
  if (spawnSync('sh', ['-c', 'command -v dockerd'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('dockerd is not installed: run `bash scripts/ensure-env.sh docker`');
  }
  sweepLeftovers(options.parentDir ?? '/tmp');
  const dir = mkdtempSync(path.join(options.parentDir ?? '/tmp', 'fy-engine-'));
  const id = randomBytes(4).toString('hex');
  // Named after its directory (interface names: 15 bytes at most), so a sweep can pair them.
  const bridge = `fyeng-${path.basename(dir).slice('fy-engine-'.length)}`;
  const socketPath = path.join(dir, 'docker.sock');
  const logFile = path.join(dir, 'dockerd.log');
  const configFile = path.join(dir, 'daemon.json');
  // Its own config file: the host's /etc/docker/daemon.json may set hosts or a data-root.
  writeFileSync(configFile, '{}\n');
  let bridgeMade = false;
  let pid: number | undefined;
  let onExit: (() => void) | undefined;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (pid !== undefined && isAlive(pid)) {
      await removeAllContainers(socketPath);
      signal(pid, 'SIGTERM');
      if (!(await waitGone(pid, 20_000))) {
        signal(pid, 'SIGKILL');
        await waitGone(pid, 5000);
      }
    }
    // A dockerd that died (or was killed) leaves its containerd and shims running: they all
    // mention this directory on their command line. The shims' children are container processes,
    // which would outlive a killed shim: they go first.
    const left = processesMentioning(`${dir}/`);
    for (const p of descendantsOf(left)) signal(p, 'SIGKILL');
    await stopProcesses(left, 1000);
    unmountUnder(dir);
    removeContainerCgroups(dir);
    if (bridgeMade) spawnSync('ip', ['link', 'delete', bridge, 'type', 'bridge'], { stdio: 'ignore' });
    if (onExit) process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
    bridgeMade = true;
    const args = [
      '--config-file', configFile,
      '--data-root', path.join(dir, 'data'),
      '--exec-root', path.join(dir, 'exec'),
      '--pidfile', path.join(dir, 'dockerd.pid'),
      '-H', `unix://${socketPath}`,
      // Never `--bridge none`: dockerd then deletes the host's docker0.
      '--bridge', bridge,
      '--iptables=false',
      '--ip-masq=false',
      '--ip-forward=false',
      // Used only when a system containerd is running and shared; its own managed one otherwise.
      '--containerd-namespace', `fy-${id}`,
      '--containerd-plugins-namespace', `fy-${id}-plugins`,
      ...(options.extraArgs ?? []),
    ];
    const log = openSync(logFile, 'a');
    const child = spawn('dockerd', args, { stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    child.unref();
    pid = child.pid;
    if (pid === undefined) throw new Error('cannot start dockerd');
    const enginePid = pid;
    // If the test process dies without stop(), do not leave an engine behind.
    onExit = () => {
      signal(enginePid, 'SIGKILL');
      const left = processesMentioning(`${dir}/`);
      for (const p of [...descendantsOf(left), ...left]) signal(p, 'SIGKILL');
      // What needs the processes gone first (mounts, directories) is swept by the next start.
      spawnSync('ip', ['link', 'delete', bridge, 'type', 'bridge'], { stdio: 'ignore' });
    };
    process.once('exit', onExit);

    const until = Date.now() + (options.readyTimeoutMs ?? 30_000);
    while (!(await ping(socketPath))) {
      if (!isAlive(enginePid)) throw new Error(`the second dockerd exited during start-up:\n${tailOf(logFile)}`);
      if (Date.now() > until) throw new Error(`the second dockerd did not answer within ${options.readyTimeoutMs ?? 30_000} ms:\n${tailOf(logFile)}`);
      await sleep(200);
    }
    return { host: `unix://${socketPath}`, socketPath, dir, bridge, logFile, pid: enginePid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Engines of an earlier test process that died without stop(): their directory has no live
 * dockerd, their bridge no process naming it. Only our own names are looked at.
 */
function sweepLeftovers(parentDir: string): void {
  for (const name of readdirSync(parentDir)) {
    if (!/^fy-engine-[A-Za-z0-9]{6}$/.test(name)) continue;
    const dir = path.join(parentDir, name);
    let pid = 0;
    try {
      pid = Number(readFileSync(path.join(dir, 'dockerd.pid'), 'utf8').trim());
    } catch {
      // no pidfile: never started, or already gone
    }
    if ((pid > 0 && isAlive(pid)) || Date.now() - statSync(dir).mtimeMs < 60_000) continue; // alive, or starting now
    const left = processesMentioning(`${dir}/`);
    for (const p of [...descendantsOf(left), ...left]) signal(p, 'SIGKILL');
    unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true });
  }
  const links = spawnSync('ip', ['-o', 'link', 'show', 'type', 'bridge'], { encoding: 'utf8' }).stdout ?? '';
  for (const m of links.matchAll(/^\d+: fyeng-([A-Za-z0-9]{6})[:@]/gm)) {
    if (!existsSync(path.join(parentDir, `fy-engine-${m[1]}`))) spawnSync('ip', ['link', 'delete', `fyeng-${m[1]}`, 'type', 'bridge'], { stdio: 'ignore' });
  }
}

/**
 * A container whose shim was killed keeps its (now empty) cgroups; dockerd would have removed
 * them. Its IDs are the directory names under the data root; rmdir only removes empty cgroups.
 */
function removeContainerCgroups(dir: string): void {
  let ids: string[] = [];
  try {
    ids = readdirSync(path.join(dir, 'data', 'containers')).filter((n) => /^[0-9a-f]{64}$/.test(n));
  } catch {
    return;
  }
  if (ids.length === 0) return;
  const roots = ['/sys/fs/cgroup', ...readdirSync('/sys/fs/cgroup').map((c) => path.join('/sys/fs/cgroup', c))];
  for (const root of roots) {
    for (const id of ids) {
      try {
        rmdirSync(path.join(root, 'docker', id));
      } catch {
        // not there, or still in use
      }
    }
  }
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/** Every container of this (private, test-only) engine goes: a quick shutdown, nothing left. */
async function removeAllContainers(socketPath: string): Promise<void> {
  const docker = new Docker({ socketPath });
  try {
    const list = await docker.listContainers({ all: true });
    await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  } catch {
    // the engine is not answering: the kill that follows handles it
  }
}
