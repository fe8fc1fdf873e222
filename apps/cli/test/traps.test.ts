import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '@fipsyard/report';
import { fipsyard } from './cli.js';

// Each trap of pipelines/examples/ fails, and for its own reason: the checks named here fail,
// the ones that should not be fooled into failing pass.
const TRAPS: Record<string, { fails: string[]; passes: string[] }> = {
  'openssl-fips-env-only': { fails: ['openssl-fips-provider-active', 'openssl-md5-refused'], passes: ['openssl-sha256-works'] },
  'provider-not-activated': { fails: ['openssl-fips-provider-active'], passes: [] },
  'default-provider-active': { fails: ['openssl-default-provider-inactive'], passes: ['openssl-fips-provider-active', 'openssl-md5-refused'] },
  'openssl-conf-elsewhere': { fails: ['openssl-fips-provider-active', 'openssl-md5-refused'], passes: ['openssl-sha256-works'] },
  'node-without-nodejs-conf': { fails: ['node-md5-refused'], passes: ['openssl-md5-refused', 'openssl-fips-provider-active'] },
  'python-builtin-md5': { fails: ['python-builtin-md5-fallback'], passes: ['python-openssl-md5-refused', 'openssl-md5-refused'] },
  'corrupted-module-config': { fails: ['openssl-fips-module-config-verifies', 'openssl-fips-provider-active'], passes: [] },
};

describe('the trap examples fail for the right reason', () => {
  for (const [trap, expected] of Object.entries(TRAPS)) {
    it(trap, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), `fy-trap-`));
      const r = await fipsyard(['run', `pipelines/examples/trap-${trap}.yaml`, '--report-dir', dir]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport;
      const checks = report.images.find((i) => i.name === 'trap')!.checks;
      const status = (id: string) => checks.find((c) => c.id === id)?.status;
      for (const id of expected.fails) expect(status(id), id).toBe('fail');
      for (const id of expected.passes) expect(status(id), id).toBe('pass');
      // The base it is built on passes: the trap is in the derived image alone.
      const base = report.images.find((i) => i.name === 'base');
      if (base) expect(base.status).toBe('succeeded');
    });
  }
});

describe('an image without a shell or sleep (FROM scratch + one static binary)', () => {
  it('is checked through files, metadata and the binary itself; a shell command check skips; nothing hangs or stays', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fy-scratch-'));
    const r = await fipsyard(['run', 'pipelines/examples/scratch.yaml', '--report-dir', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport;
    const checks = report.images[0]!.checks;
    const status = (id: string) => checks.find((c) => c.id === id)?.status;
    expect(status('go-binaries-fips140')).toBe('pass');
    expect(status('binary-present')).toBe('pass');
    expect(status('no-shell')).toBe('pass');
    expect(status('entrypoint')).toBe('pass');
    expect(checks.find((c) => c.id === 'runs-with-shell')).toMatchObject({ status: 'skip', reason: expect.stringMatching(/cannot be run in this image/) });
  });
});

describe('check plugins named in pipeline.yaml', () => {
  it('loads a local plugin module, validates its suite names, and runs its checks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fy-plugin-'));
    const r = await fipsyard(['run', 'pipelines/examples/plugin.yaml', '--report-dir', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const checks = (JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport).images[0]!.checks;
    expect(checks.find((c) => c.id === 'acme-no-private-keys')).toMatchObject({ suite: 'acme-tls-policy', status: 'pass', controls: ['NIST 800-53 SC-12'] });
  });

  it('refuses a plugin that is missing or exports no suites, with exit 2', async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(path.join(tmpdir(), 'fy-plugin-bad-'));
    writeFileSync(path.join(dir, 'empty.mjs'), 'export const nothing = 1;\n');
    for (const plugin of ['./missing.mjs', './empty.mjs', 'no-such-npm-package-fipsyard']) {
      writeFileSync(path.join(dir, 'p.yaml'), `version: 1\nplugins: ["${plugin}"]\nimages:\n  a:\n    context: .\n`);
      writeFileSync(path.join(dir, 'Dockerfile'), 'FROM debian:trixie-slim\n');
      const r = await fipsyard(['validate', path.join(dir, 'p.yaml')]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/cannot load check plugin/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('the ruby probe in a real container', () => {
  it('finds ruby with auto and shows MD5 refused through OpenSSL::Digest', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fy-ruby-'));
    const r = await fipsyard(['run', 'pipelines/examples/ruby.yaml', '--report-dir', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const checks = (JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport).images.find((i) => i.name === 'ruby')!.checks;
    expect(checks.find((c) => c.id === 'ruby-md5-refused')).toMatchObject({ status: 'pass', reason: expect.stringMatching(/^refused/) });
  });
});
