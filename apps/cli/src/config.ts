import { readFileSync } from 'node:fs';
import { UsageError } from '@fipsyard/core';

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
  /** Log level for the structured logger. */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Colour on the terminal. */
  color: boolean;
  /**
   * How long a worker holds a stage before another may take it over after the worker died
   * (FIPSYARD_STALL_MS, default 30000). Every worker on a queue must use the same value.
   */
  stallMs: number;
  /** All variables, for `${VAR}` in pipeline files. */
  env: Record<string, string | undefined>;
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
  const cfg: EnvConfig = {
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
  return cfg;
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
