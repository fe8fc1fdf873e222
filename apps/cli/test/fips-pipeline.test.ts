import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '@fipsyard/report';
import { fipsyard } from './cli.js';

// pipelines/fips.yaml, as `npm start` runs it: every probe of the catalogue in real containers.
let report: RunReport;
let code: number | null;
let output: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fy-fips-'));
  const r = await fipsyard(['run', 'pipelines/fips.yaml', '--report-dir', dir, '--var', 'TAG_PREFIX=fipsyard-test']);
  code = r.code;
  output = r.stdout + r.stderr;
  report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport;
}, 900_000);

const image = (name: string) => report.images.find((i) => i.name === name)!;
const result = (img: string, id: string) => image(img).checks.find((c) => c.id === id);

describe('pipelines/fips.yaml', () => {
  it('passes: every check that applies passes or carries an unexpired waiver', () => {
    expect(code, output).toBe(0);
    expect(report.status).toBe('passed');
    for (const img of report.images) {
      for (const c of img.checks) {
        if (c.status === 'fail') expect(c.waived ?? c.severity === 'information', `${img.name}/${c.id}: ${c.reason}`).toBeTruthy();
      }
    }
  });

  it('builds every developer image on the exact base of this run', async () => {
    const base = image('fips-base');
    const docker = new Docker();
    const baseLayers = (await docker.getImage(base.imageId!).inspect()).RootFS.Layers!;
    for (const name of ['python-dev', 'node-dev', 'go-dev', 'java-dev']) {
      expect(image(name).parentImageId, name).toBe(base.imageId);
      const layers = (await docker.getImage(image(name).imageId!).inspect()).RootFS.Layers!;
      expect(layers.slice(0, baseLayers.length), name).toEqual(baseLayers);
    }
  });

  it('proves FIPS behaviour of the base: provider active, default off, non-approved refused, verified, fails closed', () => {
    for (const id of ['openssl-fips-provider-active', 'openssl-default-provider-inactive', 'openssl-md5-refused', 'openssl-sm3-refused', 'openssl-chacha20-refused', 'openssl-sha256-works', 'openssl-sha512-works', 'openssl-fips-module-config-verifies', 'openssl-fips-fails-closed']) {
      expect(result('fips-base', id)?.status, id).toBe('pass');
    }
    expect(result('fips-base', 'fips-module-status')).toMatchObject({ status: 'warn', reason: expect.stringMatching(/3\.5\.\d+: not a validated module, FIPS behaviour only/) });
    expect(result('fips-base', 'kernel-fips-enabled')).toMatchObject({ severity: 'information', hostDependent: true });
  });

  it('runs the inherited base checks in each derived image, marked with their origin', () => {
    expect(result('node-dev', 'openssl-fips-provider-active')).toMatchObject({ status: 'pass', origin: 'fips-base' });
    expect(result('node-dev', 'openssl-cnf-enforces-fips')).toMatchObject({ status: 'pass', origin: 'fips-base' });
  });

  it("proves each runtime through its own crypto path", () => {
    expect(result('node-dev', 'node-md5-refused')?.status).toBe('pass');
    expect(result('python-dev', 'python-openssl-md5-refused')?.status).toBe('pass');
    expect(result('python-dev', 'python-builtin-md5-fallback')?.status).toBe('pass');
    expect(result('go-dev', 'go-binaries-fips140')).toMatchObject({ status: 'pass', reason: expect.stringContaining('GOFIPS140=v1.0.0') });
    expect(result('go-dev', 'go-toolchain-fips140')?.status).toBe('pass');
    // Java cannot be made FIPS on Debian: the checks fail, waived with the reason.
    expect(result('java-dev', 'java-fips-provider-first')).toMatchObject({ status: 'fail', waived: { expires: '2027-06-30' } });
    expect(result('java-dev', 'java-md5-unavailable')).toMatchObject({ status: 'fail', waived: expect.objectContaining({ reason: expect.stringContaining('MD5') }) });
    // Runtimes absent from an image are not probed there.
    expect(result('python-dev', 'node-md5-refused')).toBeUndefined();
  });
});
