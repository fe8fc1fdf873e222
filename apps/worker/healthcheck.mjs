// Healthcheck of a fleet worker container (docker-compose.yml): healthy when the two things a
// worker needs answer from inside the container: Redis (PING on REDIS_URL) and the Docker Engine
// (GET /_ping on its socket). Plain sockets, no dependencies, so it stays fast on a busy host.
// It does not ask whether this worker's own heartbeat in Redis is fresh (that belongs to
// packages/queue): switch to `fipsyard worker --healthcheck` once that command exists.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';

const TIMEOUT_MS = 3000;

const fail = (what, err) => {
  console.error(`unhealthy: ${what}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
};

/** A RESP command, as redis-cli would send it. */
const resp = (...args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

function pingRedis(raw) {
  const url = new URL(raw);
  const port = Number(url.port || 6379);
  const host = url.hostname;
  const tls = url.protocol === 'rediss:';
  const caFile = process.env.FIPSYARD_REDIS_CA_FILE;
  return new Promise((resolve, reject) => {
    const socket = tls ? connectTls({ host, port, servername: host, ...(caFile ? { ca: readFileSync(caFile) } : {}) }) : connectTcp({ host, port });
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer from ${host}:${port} within ${TIMEOUT_MS / 1000} s`)));
    socket.on('error', reject);
    const password = decodeURIComponent(url.password);
    const user = decodeURIComponent(url.username);
    const commands = [
      ...(password ? [user ? resp('AUTH', user, password) : resp('AUTH', password)] : []),
      ...(url.pathname.length > 1 ? [resp('SELECT', url.pathname.slice(1))] : []),
      resp('PING'),
    ];
    // Each of these commands answers with one line: +OK / -ERR ... / +PONG.
    let got = '';
    socket.on('data', (b) => {
      got += b.toString();
      const lines = got.split('\r\n').slice(0, -1);
      if (lines.length < commands.length) return;
      socket.end();
      if (lines.every((l) => l.startsWith('+')) && lines.at(-1) === '+PONG') resolve();
      else reject(new Error(`Redis answered ${JSON.stringify(lines.join(' | '))}`));
    });
    socket.write(commands.join(''));
  });
}

function pingDocker(socketPath) {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/_ping', timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      res.statusCode === 200 ? resolve() : reject(new Error(`/_ping answered HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) fail('REDIS_URL', 'not set');
await pingRedis(redisUrl).catch((err) => fail('Redis', err));
const dockerHost = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
// A remote engine over TLS is checked by the worker itself when it starts; here only a socket.
if (dockerHost.startsWith('unix://') || dockerHost.startsWith('/')) {
  await pingDocker(dockerHost.replace(/^unix:\/\//, '')).catch((err) => fail(`Docker Engine at ${dockerHost}`, err));
}
process.exit(0);
