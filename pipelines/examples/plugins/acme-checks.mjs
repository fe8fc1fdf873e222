// An example check plugin: a plain ES module exporting `suites`. fipsyard loads it from the path
// named under `plugins:` in a pipeline file (or from an npm package name) and checks its shape.
// Each suite: { name, description, checkIds, expand(probe, options) -> checks }; each check:
// { id, title, run(probe) -> verdict }. The probe runs argv in the container (no shell), reads
// files without a shell, and knows the image's metadata.

/** @type {{ name: string; description: string; checkIds: string[]; expand: Function }} */
const tlsPolicy = {
  name: 'acme-tls-policy',
  description: 'ACME: the image ships no private keys and trusts the system CA bundle',
  checkIds: ['acme-no-private-keys', 'acme-ca-bundle'],
  expand: (_probe, options) => [
    {
      id: 'acme-no-private-keys',
      title: 'No private key in /etc/ssl/private',
      controls: ['NIST 800-53 SC-12'],
      async run(probe) {
        const dir = options.dir ?? '/etc/ssl/private';
        const out = await probe.exec(['find', dir, '-type', 'f']);
        const files = out.stdout.split('\n').filter(Boolean);
        const evidence = { command: out.command, exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr, durationMs: out.durationMs };
        if (out.exitCode === 127 || out.exitCode === 126) return { ...evidence, status: 'skip', reason: 'no find in the image' };
        return files.length === 0
          ? { ...evidence, status: 'pass', reason: `${dir} holds no files` }
          : { ...evidence, status: 'fail', reason: `${files.length} file(s) in ${dir}: ${files.join(', ')}` };
      },
    },
    {
      id: 'acme-ca-bundle',
      title: 'The system CA bundle is present',
      async run(probe) {
        const st = await probe.stat('/etc/ssl/certs/ca-certificates.crt');
        return st
          ? { status: 'pass', reason: `${st.size} bytes`, command: [], exitCode: null, stdout: '', stderr: '', durationMs: 0 }
          : { status: 'fail', reason: '/etc/ssl/certs/ca-certificates.crt is missing', command: [], exitCode: null, stdout: '', stderr: '', durationMs: 0 };
      },
    },
  ],
};

export const suites = [tlsPolicy];
