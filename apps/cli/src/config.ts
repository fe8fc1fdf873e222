import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { labelProblem, UsageError } from '@fipsyard/core';
import type { DockerRuntimeOptions, DockerTls } from '@fipsyard/runtime';

/** Options for connectRedis from the environment. */
export function redisOptions(cfg: EnvConfig): { tlsCa?: string } {
  return cfg.redisCa === undefined ? {} : { tlsCa: cfg.redisCa };
}

/** Everything the CLI takes from the environment, read in one place. */
export interface EnvConfig {
  /** Redis to use; unset: start a private redis-server. */
  redisUrl?: string;
  /** CA certificate(s) for `rediss://` (FIPSYARD_REDIS_CA_FILE). */
  redisCa?: string;
  /** Docker Engine address (DOCKER_HOST); unset: /var/run/docker.sock. */
  dockerHost?: string;
  /** TLS to a tcp:// engine (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), as docker reads them. */
  dockerTls?: DockerTls;
  /** Log level for the structured logger. */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Colour on the terminal. */
  color: boolean;
  /**
   * How long a worker holds a stage before another may take it over after the worker died
   * (FIPSYARD_STALL_MS, default 30000). Every worker on a queue must use the same value.
   */
  stallMs: number;
  /**
   * How long a stage waits for a live worker offering the labels it requires before it fails
   * (FIPSYARD_UNSCHEDULABLE_MS, default 30000).
   */
  unschedulableMs: number;
  /** Labels this process's workers advertise besides the automatic ones (FIPSYARD_WORKER_LABELS=a=b,c=d). */
  workerLabels: Record<string, string>;
  /** Port of `fipsyard controller` (FIPSYARD_CONTROLLER_PORT, default 8080). */
  controllerPort: number;
  /** All variables, for `${VAR}` in pipeline files. */
  env: Record<string, string | undefined>;
  /** FIPSYARD_CACHE=off: never reuse images or verdicts (the engine's layer cache stays on). */
  reuse: boolean;
  /**
   * Where the private Redis of `fipsyard run` keeps its data between runs, so the cache survives
   * (FIPSYARD_STATE_DIR, default ~/.cache/fipsyard/state).
   */
  stateDir: string;
}

export function readEnvConfig(env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): EnvConfig {
  const level = (env['FIPSYARD_LOG_LEVEL'] ?? 'warn').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    throw new UsageError(`FIPSYARD_LOG_LEVEL="${level}" is not a log level`, { hint: 'use debug, info, warn or error' });
  }
  const stall = Number(env['FIPSYARD_STALL_MS'] ?? 30_000);
  if (!Number.isInteger(stall) || stall < 1000 || stall > 3_600_000) {
    throw new UsageError(`FIPSYARD_STALL_MS="${env['FIPSYARD_STALL_MS']}" is not a duration in milliseconds from 1000 to 3600000`);
  }
  const cache = (env['FIPSYARD_CACHE'] ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(cache)) throw new UsageError(`FIPSYARD_CACHE="${env['FIPSYARD_CACHE']}" must be on or off`, { hint: 'off: never reuse images or verdicts of earlier runs; `run --no-cache` also skips the engine\'s layer cache' });
  const cacheHome = env['XDG_CACHE_HOME'] || path.join(env['HOME'] || homedir(), '.cache');
  const unschedulable = Number(env['FIPSYARD_UNSCHEDULABLE_MS'] ?? 30_000);
  if (!Number.isInteger(unschedulable) || unschedulable < 100 || unschedulable > 86_400_000) {
    throw new UsageError(`FIPSYARD_UNSCHEDULABLE_MS="${env['FIPSYARD_UNSCHEDULABLE_MS']}" is not a duration in milliseconds from 100 to 86400000`);
  }
  const cfg: EnvConfig = {
    unschedulableMs: unschedulable,
    workerLabels: parseLabels((env['FIPSYARD_WORKER_LABELS'] ?? '').split(',').map((x) => x.trim()).filter(Boolean), 'FIPSYARD_WORKER_LABELS'),
    controllerPort: parsePort(env['FIPSYARD_CONTROLLER_PORT'] ?? '8080', 'FIPSYARD_CONTROLLER_PORT'),
    reuse: cache === 'on',
    stateDir: path.resolve(env['FIPSYARD_STATE_DIR'] || path.join(cacheHome, 'fipsyard', 'state')),
    stallMs: stall,
    logLevel: level as EnvConfig['logLevel'],
    color: stdoutIsTTY && env['NO_COLOR'] === undefined && env['TERM'] !== 'dumb',
    env: { ...env },
  };
  if (env['REDIS_URL']) cfg.redisUrl = checkUrl('REDIS_URL', env['REDIS_URL'], ['redis:', 'rediss:'], 'redis://[:password@]host:port[/db], or rediss:// for TLS');
  if (env['FIPSYARD_REDIS_CA_FILE']) {
    try {
      cfg.redisCa = readFileSync(env['FIPSYARD_REDIS_CA_FILE'], 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read FIPSYARD_REDIS_CA_FILE=${env['FIPSYARD_REDIS_CA_FILE']}: ${err instanceof Error ? err.message : String(err)}`, { hint: 'point it at the PEM file of the CA that signed the Redis server certificate' });
    }
  }
  if (env['DOCKER_HOST']) {
    const h = env['DOCKER_HOST'];
    cfg.dockerHost = h.startsWith('/') ? h : checkUrl('DOCKER_HOST', h, ['unix:', 'tcp:', 'http:', 'https:'], 'unix:///var/run/docker.sock or tcp://host:2375');
  }
  const tls = dockerTls(env, cfg.dockerHost);
  if (tls) cfg.dockerTls = tls;
  return cfg;
}

/** Options for DockerRuntime from the environment. */
export function dockerOptions(cfg: EnvConfig): Pick<DockerRuntimeOptions, 'host' | 'tls'> {
  return { ...(cfg.dockerHost ? { host: cfg.dockerHost } : {}), ...(cfg.dockerTls ? { tls: cfg.dockerTls } : {}) };
}

/**
 * DOCKER_TLS_VERIFY (any non-empty value, as docker reads it) turns on TLS to a tcp:// engine with
 * ca.pem, cert.pem and key.pem from DOCKER_CERT_PATH (default ~/.docker). TLS without verifying
 * the engine (docker's --tls alone) is refused: a build worker must know which engine it feeds.
 */
function dockerTls(env: NodeJS.ProcessEnv, host: string | undefined): EnvConfig['dockerTls'] {
  const verify = env['DOCKER_TLS_VERIFY'] ?? '';
  const certPath = env['DOCKER_CERT_PATH'];
  if (verify === '') {
    if (certPath) throw new UsageError('DOCKER_CERT_PATH is set but DOCKER_TLS_VERIFY is not', { hint: 'set DOCKER_TLS_VERIFY=1 to talk TLS to the engine and verify it with $DOCKER_CERT_PATH/ca.pem; fipsyard does not use TLS without verifying the engine' });
    return undefined;
  }
  if (!host || !/^(tcp|https?):/.test(host)) {
    throw new UsageError(`DOCKER_TLS_VERIFY is set but DOCKER_HOST is ${host ? `"${host}"` : 'not set'}`, { hint: 'TLS is for an engine on the network: set DOCKER_HOST=tcp://HOST:2376, or unset DOCKER_TLS_VERIFY to use the local socket' });
  }
  const dir = certPath || path.join(homedir(), '.docker');
  const read = (name: string) => {
    const file = path.join(dir, name);
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${file} for TLS to the Docker Engine: ${err instanceof Error ? err.message : String(err)}`, { hint: 'DOCKER_CERT_PATH must hold ca.pem (the CA of the engine), cert.pem and key.pem (this client), as for `docker --tlsverify`' });
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

/** Parses repeated `--var NAME=VALUE` options. */
export function parseVars(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var "${item}" is not NAME=VALUE`, { hint: 'e.g. --var TAG_PREFIX=registry.example/fips' });
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Parses `NAME=VALUE` worker labels (`--label`, FIPSYARD_WORKER_LABELS). */
export function parseLabels(list: readonly string[], source = '--label'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`${source} "${item}" is not NAME=VALUE`, { hint: 'e.g. --label fips-host=true --label zone=a, or FIPSYARD_WORKER_LABELS=fips-host=true,zone=a' });
    const [name, value] = [item.slice(0, eq), item.slice(eq + 1)];
    const problem = labelProblem(name, value);
    if (problem) throw new UsageError(`${source}: ${problem}`, { hint: 'e.g. --label fips-host=true' });
    out[name] = value;
  }
  return out;
}

export function parsePort(value: string, name: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`${name} must be a port number from 0 to 65535, not "${value}"`);
  return n;
}

export function parseCount(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new UsageError(`${name} must be a whole number from 0 to 64, not "${value}"`);
  return n;
}

/** A URL from the environment, checked here so a typo is a usage error, not a crash deep inside a client. */
function checkUrl(name: string, value: string, protocols: string[], example: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${name}="${value}" is not a URL`, { hint: `write ${example}` });
  }
  if (!protocols.includes(url.protocol)) throw new UsageError(`${name} must use ${protocols.join(' or ')}, not ${url.protocol}`, { hint: `write ${example}` });
  if (url.port !== '' && (Number(url.port) < 1 || Number(url.port) > 65535)) throw new UsageError(`${name} has an invalid port ${url.port}`, { hint: `write ${example}` });
  return value;
}
