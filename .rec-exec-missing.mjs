import Docker from 'dockerode';
import { PassThrough } from 'node:stream';
const docker = new Docker();
const c = await docker.createContainer({ Image: 'fipsyard/fips-base:latest', Cmd: ['sleep', 'infinity'], HostConfig: { NetworkMode: 'none' }, Labels: { 'rec.tmp': 'exec-missing' } });
await c.start();
try {
  for (const argv of [['node', '-e', '1'], ['/usr/lib/ssl/openssl.cnf'], ['cat', '/proc/sys/crypto/fips_enabled']]) {
    const ex = await c.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false });
    const stream = await ex.start({ hijack: true, stdin: false });
    let o = '', e = '';
    const so = new PassThrough(), se = new PassThrough();
    so.on('data', (d) => (o += d)); se.on('data', (d) => (e += d));
    docker.modem.demuxStream(stream, so, se);
    await new Promise((r) => stream.on('end', r));
    const info = await ex.inspect();
    console.log(JSON.stringify({ argv, exit: info.ExitCode, stdout: o, stderr: e }));
  }
} finally { await c.remove({ force: true }); }
