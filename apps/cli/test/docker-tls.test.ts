import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { fipsyard } from './cli.js';

// A remote Docker Engine over TLS, as docker-compose workers reach one without the socket
// (docs/fleet.md): DOCKER_HOST=tcp://…, DOCKER_TLS_VERIFY=1, DOCKER_CERT_PATH with ca.pem, cert.pem
// and key.pem. The engine here is the machine's own, behind a TLS endpoint that demands a client
// certificate signed by the test CA (as `dockerd --tlsverify` does) and passes the bytes to
// /var/run/docker.sock; everything fipsyard does goes through it. Loopback only.

const dir = mkdtempSync(path.join(tmpdir(), 'fy-docker-tls-'));
const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
let server: Server;
let port = 0;
/** Connections the TLS endpoint accepted (client certificate verified) and passed to the engine. */
let served = 0;
const docker = new Docker();

/** A CA, and a certificate it signs (`ext`: extensions, e.g. the server's IP SAN). */
function issue(ca: string, name: string, subject: string, ext?: string): void {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  if (ext) writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', ...(ext ? ['-extfile', `${name}.ext`] : [])]);
}

/** A DOCKER_CERT_PATH directory: ca.pem (to verify the engine), cert.pem and key.pem (this client). */
function certDir(name: string, ca: string, client: string): string {
  const d = path.join(dir, name);
  mkdirSync(d);
  writeFileSync(path.join(d, 'ca.pem'), readFileSync(path.join(dir, `${ca}.crt`)));
  writeFileSync(path.join(d, 'cert.pem'), readFileSync(path.join(dir, `${client}.crt`)));
  writeFileSync(path.join(d, 'key.pem'), readFileSync(path.join(dir, `${client}.key`)));
  return d;
}

beforeAll(async () => {
  for (const ca of ['ca', 'other-ca']) openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-subj', `/CN=fipsyard-${ca}`, '-days', '1']);
  issue('ca', 'engine', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue('ca', 'worker', '/CN=fipsyard-worker', 'extendedKeyUsage=clientAuth\n');
  issue('other-ca', 'stranger', '/CN=stranger', 'extendedKeyUsage=clientAuth\n');
  const pem = (f: string) => readFileSync(path.join(dir, f));
  server = createServer({ key: pem('engine.key'), cert: pem('engine.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: true }, (tls) => {
    served += 1;
    const engine = connect('/var/run/docker.sock');
    tls.pipe(engine).pipe(tls);
    const close = () => {
      tls.destroy();
      engine.destroy();
    };
    tls.on('error', close);
    engine.on('error', close);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('the Docker Engine over TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', () => {
  it('checks an image through the TLS endpoint with a client certificate, and leaves no container', async () => {
    const reportDir = path.join(dir, 'report');
    const env = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDir('good', 'ca', 'worker') };
    const r = await fipsyard(['check', 'debian:trixie-slim', '--checks', 'host', '--report-dir', reportDir], env);
    // The host suite runs in a container (it reads /proc inside it): exit 0 or 1 by what it finds,
    // but never 3 (engine unreachable) and never a usage error.
    expect([0, 1], r.stdout + r.stderr).toContain(r.code);
    expect(served).toBeGreaterThan(0);
    const report = JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as { runId: string; images: { checks: unknown[] }[] };
    expect(report.images[0]!.checks.length).toBeGreaterThan(0);
    const left = await docker.listContainers({ all: true, filters: { label: [`dev.fipsyard.run=${report.runId}`] } });
    expect(left).toEqual([]);
  });

  it('names the client certificate when the engine refuses it (exit 3)', async () => {
    const env = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDir('stranger', 'ca', 'stranger') };
    const r = await fipsyard(['check', 'debian:trixie-slim', '--checks', 'host', '--report-dir', path.join(dir, 'r2')], env);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/Docker Engine unreachable at tcp:\/\/127\.0\.0\.1/);
    // TLS 1.3: the engine checks the client's certificate after the client has finished its side
    // of the handshake, so a refusal reaches the client as a hang-up; the hint names the certificate.
    expect(r.stderr).toMatch(/did not answer over TLS.*client certificate/);
  });

  it('refuses an engine whose certificate another CA signed (exit 3, TLS named)', async () => {
    const env = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDir('wrong-ca', 'other-ca', 'worker') };
    const r = await fipsyard(['check', 'debian:trixie-slim', '--checks', 'host', '--report-dir', path.join(dir, 'r3')], env);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/TLS handshake/);
  });

  it('usage errors before any work: certificates missing, TLS without a tcp:// engine, a cert path without verification', async () => {
    const host = `tcp://127.0.0.1:${port}`;
    const missing = await fipsyard(['check', 'debian:trixie-slim'], { DOCKER_HOST: host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: path.join(dir, 'nowhere') });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nowhere\/ca\.pem/);
    const local = await fipsyard(['check', 'debian:trixie-slim'], { DOCKER_HOST: undefined, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: path.join(dir, 'good') });
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/DOCKER_TLS_VERIFY is set but DOCKER_HOST is not set/);
    const unverified = await fipsyard(['check', 'debian:trixie-slim'], { DOCKER_HOST: host, DOCKER_TLS_VERIFY: undefined, DOCKER_CERT_PATH: path.join(dir, 'good') });
    expect(unverified.code).toBe(2);
    expect(unverified.stderr).toMatch(/DOCKER_TLS_VERIFY is not/);
  });
});
