import { describe, expect, it } from 'vitest';
import type { CustomCheckSpec, EnvCheckSpec, FileCheckSpec, MetadataCheckSpec } from '@fipsyard/core';
import { customCheck, envCheck, fileCheck, metadataCheck } from '@fipsyard/plugin-fips-check';
import { commandSpec, fakeProbe, re, type FakeFile } from './fakes.js';

/** /etc/ssl/openssl.cnf of fipsyard/fips-base (recorded). */
const FIPS_CNF = `# OpenSSL 3 configuration enforcing the FIPS provider.
config_diagnostics = 1
openssl_conf = openssl_init
nodejs_conf = openssl_init

.include /usr/lib/ssl/fipsmodule.cnf

[openssl_init]
providers = provider_sect
alg_section = algorithm_sect

[provider_sect]
fips = fips_sect
base = base_sect

[base_sect]
activate = 1

[algorithm_sect]
default_properties = fips=yes
`;

const FILES: Record<string, FakeFile> = {
  '/etc/ssl/openssl.cnf': { content: FIPS_CNF, mode: 0o644 },
  '/usr/lib/ssl/openssl.cnf': { type: 'symlink', mode: 0o777, linkTarget: '/etc/ssl/openssl.cnf', content: FIPS_CNF },
  '/usr/lib/x86_64-linux-gnu/ossl-modules': { type: 'dir', mode: 0o755 },
  '/usr/bin/passwd': { mode: 0o4755, content: '\x7fELF' },
};

const probe = (image = {}) => fakeProbe({ files: FILES, image });

function fileSpec(overrides: Partial<FileCheckSpec>): FileCheckSpec {
  return { kind: 'file', id: 'openssl-cnf', title: 'openssl.cnf enforces FIPS', path: '/etc/ssl/openssl.cnf', exists: true, contains: [], notContains: [], origin: 'fips-base', ...overrides };
}

function envSpec(overrides: Partial<EnvCheckSpec>): EnvCheckSpec {
  return { kind: 'env', id: 'openssl-conf-unset', title: 'OPENSSL_CONF', name: 'OPENSSL_CONF', absent: false, origin: 'fips-base', ...overrides };
}

function metadataSpec(overrides: Partial<MetadataCheckSpec>): MetadataCheckSpec {
  return { kind: 'metadata', id: 'image-metadata', title: 'Image metadata', labels: {}, origin: 'fips-base', ...overrides };
}

describe('fileCheck', () => {
  it('passes for a present file, with its type, mode and size as evidence, running nothing', async () => {
    const p = probe();
    const v = await fileCheck(fileSpec({ type: 'file', mode: 0o644 })).run(p);
    const facts = `/etc/ssl/openssl.cnf: file, mode 0644, ${Buffer.byteLength(FIPS_CNF)} bytes`;
    expect(v).toEqual({ status: 'pass', reason: facts, command: [], exitCode: null, stdout: facts, stderr: '', durationMs: 0 });
    expect(p.ran).toEqual([]);
    expect(p.read).toEqual([]);
  });

  it('shows a symlink with its target and fails when a regular file was asked for', async () => {
    const v = await fileCheck(fileSpec({ path: '/usr/lib/ssl/openssl.cnf', type: 'file' })).run(probe());
    expect(v.status).toBe('fail');
    expect(v.reason).toBe('/usr/lib/ssl/openssl.cnf is a symlink, not a file');
    expect(v.stdout).toBe(`/usr/lib/ssl/openssl.cnf: symlink, mode 0777, ${Buffer.byteLength(FIPS_CNF)} bytes -> /etc/ssl/openssl.cnf`);
  });

  it('fails on a different mode, in octal with the setuid bit', async () => {
    const v = await fileCheck(fileSpec({ path: '/usr/bin/passwd', mode: 0o755 })).run(probe());
    expect(v.status).toBe('fail');
    expect(v.reason).toBe('/usr/bin/passwd has mode 04755, not 0755');
  });

  it('fails when a required file does not exist', async () => {
    const v = await fileCheck(fileSpec({ path: '/usr/lib/ssl/fipsmodule.cnf' })).run(probe());
    expect(v).toMatchObject({ status: 'fail', reason: '/usr/lib/ssl/fipsmodule.cnf does not exist', stdout: '/usr/lib/ssl/fipsmodule.cnf: absent' });
  });

  it('passes when a file that must be absent is absent, and fails when it is there', async () => {
    const absent = await fileCheck(fileSpec({ path: '/usr/lib/x86_64-linux-gnu/ossl-modules/legacy.so', exists: false })).run(probe());
    expect(absent).toMatchObject({ status: 'pass', reason: '/usr/lib/x86_64-linux-gnu/ossl-modules/legacy.so is absent' });
    const there = await fileCheck(fileSpec({ path: '/usr/lib/x86_64-linux-gnu/ossl-modules', exists: false })).run(probe());
    expect(there).toMatchObject({ status: 'fail', reason: '/usr/lib/x86_64-linux-gnu/ossl-modules exists (dir) but must be absent' });
  });

  it('reads the content only when patterns are given, and matches them line by line', async () => {
    const p = probe();
    const spec = fileSpec({ contains: [re('^\\.include /usr/lib/ssl/fipsmodule\\.cnf$'), re('^default_properties = fips=yes$')], notContains: [re('^default = default_sect')] });
    const v = await fileCheck(spec).run(p);
    expect(v.status).toBe('pass');
    expect(p.read).toEqual(['/etc/ssl/openssl.cnf']);
    expect(v.stdout).toContain('--- content\n# OpenSSL 3 configuration enforcing the FIPS provider.');
  });

  it('fails naming each pattern the content misses or matches', async () => {
    const spec = fileSpec({ contains: [re('^activate = 1$'), re('^nodejs_conf')], notContains: [re('^config_diagnostics = 1$'), re('default_properties', 'i')] });
    const v = await fileCheck(spec).run(probe());
    expect(v.status).toBe('fail');
    expect(v.reason).toBe(
      '/etc/ssl/openssl.cnf content matches /^config_diagnostics = 1$/, which it must not; content matches /default_properties/i, which it must not',
    );
  });

  it('fails, never hangs, when a pattern backtracks catastrophically on the content', async () => {
    const p = fakeProbe({ files: { '/etc/hostile': { content: `${'a'.repeat(40)}b`, mode: 0o644 } } });
    const v = await fileCheck(fileSpec({ path: '/etc/hostile', notContains: [re('(a+)+$')] })).run(p);
    expect(v).toMatchObject({ status: 'fail', reason: '/etc/hostile content: pattern /(a+)+$/ took longer than 1000 ms on this output (catastrophic backtracking?)' });
  });

  it('says a path it cannot read cannot be read', async () => {
    const v = await fileCheck(fileSpec({ path: '/usr/lib/x86_64-linux-gnu/ossl-modules', contains: [re('fips')] })).run(probe());
    expect(v.status).toBe('fail');
    expect(v.reason).toBe('/usr/lib/x86_64-linux-gnu/ossl-modules cannot be read; content does not match /fips/');
  });
});

describe('envCheck', () => {
  const image = { env: { PATH: '/usr/bin:/bin', OPENSSL_FIPS: '1', NODE_OPTIONS: '--openssl-shared-config --max-old-space-size=512' } };

  it('passes for an expected value, showing it', async () => {
    const v = await envCheck(envSpec({ name: 'OPENSSL_FIPS', equals: '1' })).run(probe(image));
    expect(v).toEqual({ status: 'pass', reason: 'OPENSSL_FIPS=1', command: [], exitCode: null, stdout: 'OPENSSL_FIPS=1', stderr: '', durationMs: 0 });
  });

  it('fails on a different value, quoting the expected one', async () => {
    const v = await envCheck(envSpec({ name: 'OPENSSL_FIPS', equals: 'yes' })).run(probe(image));
    expect(v).toMatchObject({ status: 'fail', reason: 'OPENSSL_FIPS=1, expected "yes"' });
  });

  it('fails when the variable is not set', async () => {
    const v = await envCheck(envSpec({ name: 'GOFIPS140', equals: 'v1.0.0' })).run(probe(image));
    expect(v).toMatchObject({ status: 'fail', reason: 'GOFIPS140 is not set' });
  });

  it('matches a pattern', async () => {
    expect((await envCheck(envSpec({ name: 'NODE_OPTIONS', matches: re('--openssl-shared-config') })).run(probe(image))).status).toBe('pass');
    const v = await envCheck(envSpec({ name: 'NODE_OPTIONS', matches: re('--enable-fips') })).run(probe(image));
    expect(v).toMatchObject({ status: 'fail', reason: 'NODE_OPTIONS=--openssl-shared-config --max-old-space-size=512 does not match /--enable-fips/' });
  });

  it('passes when a variable that must not be set is unset, and fails when it is set', async () => {
    expect(await envCheck(envSpec({ absent: true })).run(probe(image))).toMatchObject({ status: 'pass', reason: 'OPENSSL_CONF is not set' });
    const v = await envCheck(envSpec({ absent: true })).run(probe({ env: { OPENSSL_CONF: '/dev/null' } }));
    expect(v).toMatchObject({ status: 'fail', reason: 'OPENSSL_CONF=/dev/null, but it must not be set', stdout: 'OPENSSL_CONF=/dev/null' });
  });
});

describe('metadataCheck', () => {
  const image = {
    user: '10001:10001',
    entrypoint: ['/usr/bin/tini', '--'],
    cmd: ['node', 'server.js'],
    workingDir: '/app',
    labels: { 'org.opencontainers.image.vendor': 'fipsyard', 'dev.fipsyard.image': 'node-dev' },
    exposedPorts: ['8443/tcp', '8080/tcp'],
  };

  it('passes when everything asked for matches, with the metadata as evidence', async () => {
    const spec = metadataSpec({
      user: re('^[1-9][0-9]*(:[0-9]+)?$'),
      entrypoint: ['/usr/bin/tini', '--'],
      cmd: ['node', 'server.js'],
      workdir: '/app',
      labels: { 'org.opencontainers.image.vendor': re('^fipsyard$') },
      exposedPorts: ['8080/tcp', '8443/tcp'],
    });
    const v = await metadataCheck(spec).run(probe(image));
    expect(v.status).toBe('pass');
    expect(v.reason).toBe('image metadata as expected');
    expect(JSON.parse(v.stdout)).toEqual({ user: image.user, entrypoint: image.entrypoint, cmd: image.cmd, workdir: '/app', labels: image.labels, exposedPorts: image.exposedPorts });
    expect(v.command).toEqual([]);
  });

  it('fails listing every difference', async () => {
    const spec = metadataSpec({
      user: re('^[1-9]'),
      entrypoint: ['/usr/local/bin/docker-entrypoint.sh'],
      cmd: ['node'],
      workdir: '/srv',
      labels: { 'org.opencontainers.image.licenses': re('.'), 'dev.fipsyard.image': re('^python-dev$') },
      exposedPorts: ['8080/tcp'],
    });
    const v = await metadataCheck(spec).run(probe({ ...image, user: '' }));
    expect(v.status).toBe('fail');
    expect(v.reason).toBe(
      [
        'user "(root)" does not match /^[1-9]/',
        'entrypoint ["/usr/bin/tini","--"], expected ["/usr/local/bin/docker-entrypoint.sh"]',
        'cmd ["node","server.js"], expected ["node"]',
        'workdir "/app", expected "/srv"',
        'label org.opencontainers.image.licenses is missing',
        'label dev.fipsyard.image="node-dev" does not match /^python-dev$/',
        'exposed ports ["8080/tcp","8443/tcp"], expected ["8080/tcp"]',
      ].join('; '),
    );
  });

  it('checks only what the spec names', async () => {
    expect((await metadataCheck(metadataSpec({})).run(probe({ user: '' }))).status).toBe('pass');
  });
});

describe('customCheck', () => {
  it('builds the check of each kind with the id and title from the pipeline', () => {
    const specs: CustomCheckSpec[] = [commandSpec({ id: 'c' }), fileSpec({ id: 'f' }), envSpec({ id: 'e' }), metadataSpec({ id: 'm' })];
    expect(specs.map((s) => [customCheck(s).id, customCheck(s).title])).toEqual([
      ['c', 'Java uses the FIPS provider'],
      ['f', 'openssl.cnf enforces FIPS'],
      ['e', 'OPENSSL_CONF'],
      ['m', 'Image metadata'],
    ]);
  });

  it('refuses a kind it does not know', () => {
    const bogus = { ...envSpec({}), kind: 'registry' } as unknown as CustomCheckSpec;
    expect(() => customCheck(bogus)).toThrow('unknown check kind');
  });
});
