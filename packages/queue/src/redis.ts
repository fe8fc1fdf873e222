import { Redis, type RedisOptions } from 'ioredis';
import { InfrastructureError, describeError } from '@fipsyard/core';

export type { Redis };

export interface RedisConnectOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://` for TLS. */
  url: string;
  /** Give up connecting after this long. Default 5000 ms. */
  connectTimeoutMs?: number;
  /**
   * `command`: fail fast while disconnected (controllers, producers).
   * `worker`: wait and reconnect forever, as BullMQ workers need (`maxRetriesPerRequest: null`).
   */
  role: 'command' | 'worker';
  /** PEM certificate(s) trusted for `rediss://` (a private CA). Default: the system's CAs. */
  tlsCa?: string;
}

/** Connects and pings; an unreachable Redis is an InfrastructureError within the timeout. */
export async function connectRedis(options: RedisConnectOptions): Promise<Redis> {
  const timeout = options.connectTimeoutMs ?? 5000;
  const common: RedisOptions = {
    lazyConnect: true,
    connectTimeout: timeout,
    maxRetriesPerRequest: options.role === 'worker' ? null : 1,
    enableOfflineQueue: options.role === 'worker',
    // Keep trying while running; the first connection is bounded by the ping below.
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  if (options.tlsCa !== undefined) common.tls = { ca: options.tlsCa };
  const redis = new Redis(options.url, common);
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => {
    // Reported through the commands that fail; an unhandled 'error' event would crash the process.
    lastError = err;
  });
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), timeout);
  } catch (err) {
    redis.disconnect();
    const why = describeError(lastError && /closed/i.test(describeError(err)) ? lastError : err);
    const auth = /WRONGPASS|NOAUTH|invalid password|AUTH/i.test(why);
    const cert = /certificate|self.signed|CERT_|unable to verify/i.test(why);
    throw new InfrastructureError('redis', `${auth ? 'Redis refused the credentials' : 'Redis unreachable'} at ${redactUrl(options.url)}: ${why}`, {
      hint: auth
        ? 'check the user and password in REDIS_URL (redis://user:password@host:port)'
        : cert
          ? 'the server certificate is not trusted: set FIPSYARD_REDIS_CA_FILE to the PEM file of the CA that signed it'
          : 'start one (`redis-server --daemonize yes`), fix REDIS_URL, or unset REDIS_URL to let fipsyard start its own',
      cause: err,
    });
  }
  return redis;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@]*@/, '//***@');
  }
}
