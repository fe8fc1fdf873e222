import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import addFormats from 'ajv-formats';
import { parse as parseJUnit } from 'junit2json';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '@fipsyard/report';
import { fipsyard } from './cli.js';

// `fipsyard check` on local images, then every report format read by an independent reader.
const require = createRequire(import.meta.url);
// CommonJS with an ES default export on the side; typed by hand to what the test uses.
type Validator = ((data: unknown) => boolean) & { errors?: unknown[] | null };
const AjvDraft04 = (require('ajv-draft-04') as { default: new (options: Record<string, unknown>) => { compile(schema: object): Validator } }).default;
const SARIF_SCHEMA = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as Record<string, unknown>;

let dir: string;
let code: number | null;
let report: RunReport;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fy-reports-'));
  // fips-base is built by the e2e run of pipelines; build it here too so this file stands alone.
  const built = await fipsyard(['run', 'pipelines/examples/not-fips.yaml', '--report-dir', path.join(dir, 'build')]);
  const notFips = (JSON.parse(readFileSync(path.join(dir, 'build', 'report.json'), 'utf8')) as RunReport).images[0]!.imageId!;
  expect(built.code).toBe(1);
  const r = await fipsyard(['check', notFips, 'debian:trixie-slim', '--checks', 'fips,auto', '--report-dir', path.join(dir, 'check')]);
  code = r.code;
  report = JSON.parse(readFileSync(path.join(dir, 'check', 'report.json'), 'utf8')) as RunReport;
}, 600_000);

describe('fipsyard check and its reports', () => {
  it('checks existing images without a pipeline file and exits 1 when they are not FIPS', () => {
    expect(code).toBe(1);
    expect(report.images.map((i) => i.name)).toHaveLength(2);
    const plain = report.images[0]!;
    expect(plain.checks.find((c) => c.id === 'openssl-md5-refused')).toMatchObject({ status: 'fail', exitCode: 0 });
    // debian:trixie-slim has no openssl at all: the openssl checks fail saying so.
    expect(report.images[1]!.checks.find((c) => c.id === 'openssl-fips-provider-active')?.reason).toMatch(/cannot be run in this image/);
  });

  it('writes SARIF 2.1.0 that validates against the official schema', () => {
    // The schema's own language-tag pattern is not valid in unicode mode.
    const ajv = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats.default(ajv as never);
    const validate = ajv.compile(SARIF_SCHEMA);
    const sarif = JSON.parse(readFileSync(path.join(dir, 'check', 'results.sarif'), 'utf8')) as { runs: { results: { level: string; ruleId: string }[] }[] };
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    // A run from a pipeline file too: its results point at the image's line in the file.
    const fromRun = JSON.parse(readFileSync(path.join(dir, 'build', 'results.sarif'), 'utf8')) as { runs: { results: { locations: { physicalLocation?: { region?: { startLine: number } } }[] }[] }[] };
    expect(validate(fromRun), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    expect(fromRun.runs[0]!.results[0]!.locations[0]!.physicalLocation?.region?.startLine).toBeGreaterThan(0);
    expect(sarif.runs[0]!.results.some((r) => r.ruleId === 'openssl-md5-refused' && r.level === 'error')).toBe(true);
  });

  it('writes JUnit that a JUnit parser reads: a testsuite per image, tests named by check title, failures with evidence', async () => {
    const xml = readFileSync(path.join(dir, 'check', 'junit.xml'), 'utf8');
    const parsed = (await parseJUnit(xml)) as { testsuite?: { name?: string; testcase?: { name?: string; failure?: { message?: string; inner?: string }[] }[] }[] };
    const suites = parsed.testsuite ?? [];
    expect(suites.map((s) => s.name)).toEqual(report.images.map((i) => i.name));
    const md5 = suites[0]!.testcase!.find((t) => t.name === 'MD5 is refused by openssl');
    expect(md5?.failure?.[0]?.message).toMatch(/computed/);
    expect(md5?.failure?.[0]?.inner).toContain('d41d8cd98f00b204e9800998ecf8427e');
  });

  it('writes an evidence bundle whose SHA256SUMS match its files', () => {
    const ev = path.join(dir, 'check', 'evidence');
    const sums = readFileSync(path.join(ev, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(sums.length).toBeGreaterThan(5);
    for (const line of sums) {
      const [hash, name] = line.split(/\s+/);
      expect(createHash('sha256').update(readFileSync(path.join(ev, name!))).digest('hex'), name).toBe(hash);
    }
    const summary = readFileSync(path.join(ev, 'summary.md'), 'utf8');
    expect(summary).toMatch(/## Checks \(failures first\)/);
    expect(summary.indexOf('openssl-md5-refused')).toBeLessThan(summary.indexOf('host-facts'));
    const image = JSON.parse(readFileSync(path.join(ev, 'images', report.images[0]!.name, 'image.json'), 'utf8')) as { imageId: string };
    expect(image.imageId).toBe(report.images[0]!.imageId);
    const checks = readdirSync(path.join(ev, 'images', report.images[0]!.name, 'checks'));
    const one = JSON.parse(readFileSync(path.join(ev, 'images', report.images[0]!.name, 'checks', checks[0]!), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(one)).toEqual(expect.arrayContaining(['command', 'stdout', 'stderr', 'exitCode', 'startedAt', 'finishedAt']));
  });

  it('refuses an image that is not there with exit 2, and an unknown suite with exit 2', async () => {
    const missing = await fipsyard(['check', 'fipsyard-no-such-image:nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not in the local Docker Engine/);
    expect((await fipsyard(['check', 'debian:trixie-slim', '--checks', 'nope'])).code).toBe(2);
  });
});
