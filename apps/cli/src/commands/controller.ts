import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError, UsageError, type Logger } from '@fipsyard/core';
import { FleetController, fleetStatus } from '@fipsyard/engine';
import { connectRedis, redactUrl, RunStore, StageQueue, WorkerRegistry, type Redis } from '@fipsyard/queue';
import { redisOptions, type EnvConfig } from '../config.js';
import type { Output } from '../output.js';

export interface ControllerOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to listen on. Default 0.0.0.0 (all interfaces, as a container needs). */
  host: string;
}

export interface ControllerDaemonOptions extends ControllerOptions {
  redisUrl: string;
  connect: { tlsCa?: string };
  unschedulableMs: number;
  logger: Logger;
  /** Time between sweeps of the running runs. Default 2000 ms. */
  intervalMs?: number;
  /** Time between connection attempts while Redis is unreachable at start. Default 2000 ms. */
  retryMs?: number;
}

export interface ControllerDaemon {
  /** `http://host:port` it listens on. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The fleet controller: sweeps every running run of the Redis (re-queue ready stages, fail
 * unschedulable ones, finish runs that are done) and serves GET /healthz and GET /fleet. It listens
 * at once; until Redis answers /healthz says 503 and it keeps trying to connect.
 */
export async function startControllerDaemon(o: ControllerDaemonOptions): Promise<ControllerDaemon> {
  const log = o.logger;
  let redis: Redis | undefined;
  let queue: StageQueue | undefined;
  let controller: FleetController | undefined;
  let closing = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    try {
      const r = await connectRedis({ url: o.redisUrl, role: 'command', connectTimeoutMs: 3000, ...o.connect });
      if (closing) return void r.disconnect();
      redis = r;
      queue = new StageQueue(r);
      const store = new RunStore(r);
      controller = new FleetController({ store, queue, fleet: new WorkerRegistry(r), logger: log }, { unschedulableMs: o.unschedulableMs, ...(o.intervalMs ? { intervalMs: o.intervalMs } : {}) });
      controller.start();
      log.info(`connected to Redis ${redactUrl(o.redisUrl)}; sweeping running runs`);
    } catch (err) {
      if (closing) return;
      log.warn(`${describeError(err)}; retrying`);
      retry = setTimeout(() => void connect(), o.retryMs ?? 2000);
    }
  };

  const healthy = async (): Promise<boolean> => {
    if (!redis) return false;
    const ping = redis.ping().then(
      (r) => r === 'PONG',
      () => false,
    );
    return Promise.race([ping, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref())]);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (path === '/healthz') return (await healthy()) ? send(200, 'ok\n') : send(503, 'redis unavailable\n');
    if (path === '/fleet') {
      if (!redis || !queue) return send(503, `${JSON.stringify({ error: 'redis unavailable' })}\n`, 'application/json');
      try {
        const status = await fleetStatus({ store: new RunStore(redis), queue, registry: new WorkerRegistry(redis) });
        return send(200, `${JSON.stringify(status)}\n`, 'application/json');
      } catch (err) {
        return send(503, `${JSON.stringify({ error: `redis unavailable: ${describeError(err)}` })}\n`, 'application/json');
      }
    }
    return send(404, 'not found: GET /healthz or GET /fleet\n');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${describeError(err)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new UsageError(`cannot listen on ${o.host}:${o.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`, { hint: 'choose another with --port or FIPSYARD_CONTROLLER_PORT' })),
    );
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  await connect();

  return {
    url: `http://${o.host}:${port}`,
    port,
    async close() {
      closing = true;
      if (retry) clearTimeout(retry);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await controller?.stop();
      await queue?.close().catch(() => undefined);
      redis?.disconnect();
    },
  };
}

/** `fipsyard controller`: the daemon until SIGTERM/SIGINT; exit 0 after a clean stop. */
export async function controllerCommand(opts: ControllerOptions, cfg: EnvConfig, out: Output, log: Logger): Promise<number> {
  if (!cfg.redisUrl) throw new UsageError('the controller works on the fleet\'s Redis: set REDIS_URL', { hint: 'e.g. REDIS_URL=redis://redis:6379 fipsyard controller --port 8080' });
  const daemon = await startControllerDaemon({ ...opts, redisUrl: cfg.redisUrl, connect: redisOptions(cfg), unschedulableMs: cfg.unschedulableMs, logger: log });
  out.err(`controller listening on ${daemon.url} (GET /healthz, GET /fleet); Redis ${redactUrl(cfg.redisUrl)}`);
  const sig = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  out.err(`${sig}: stopping the controller`);
  const force = setTimeout(() => process.exit(0), 10_000);
  force.unref();
  await daemon.close();
  return 0;
}
