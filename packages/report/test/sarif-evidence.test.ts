import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '@fipsyard/core';
import { buildReport, evidenceFiles, summaryMarkdown, toSarif, type RunSnapshot } from '../src/index.js';

const check = (id: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult => ({
  id, title: `title of ${id}`, suite: 'openssl3', status, command: ['openssl', id], exitCode: 0, stdout: 'out', stderr: '', durationMs: 5, ...extra,
});

function snapshot(): RunSnapshot {
  const image = (name: string, parent?: string) => ({ name, context: '/c', dockerfile: 'Dockerfile', args: {}, secretArgs: [], tags: [`acme/${name}:1`], labels: {}, parentArg: 'BASE_IMAGE', checks: [], waivers: [], line: name === 'base' ? 5 : 12, ...(parent ? { parent } : {}) });
  const out = (name: string, id: string, checks: CheckResult[]) => [
    { id: `build-${name}`, state: 'succeeded', outcome: { status: 'succeeded' as const, output: { kind: 'build' as const, build: { imageId: id, logTail: [], ...(name === 'kid' ? { parentImageId: 'sha256:base' } : {}) } } } },
    { id: `test-${name}`, state: checks.some((c) => c.status === 'fail' && !c.waived) ? 'failed' : 'succeeded', outcome: { status: 'succeeded' as const, output: { kind: 'test' as const, test: { imageId: id, tagged: [], checks, image: { repoTags: [], labels: { team: 'x' }, user: '', entrypoint: [], cmd: [], created: '' } } } } },
  ];
  return {
    runId: 'r1', status: 'failed', createdAt: '2026-12-03T00:00:00Z', finishedAt: '2026-12-03T00:01:00Z', toolVersion: '0.1.0', host: { kernelVersion: '6.1', kernelFipsEnabled: null },
    pipeline: { file: '/repo/pipelines/p.yaml', name: 'p', sha256: 'ab'.repeat(32), images: [image('base'), image('kid', 'base')] },
    plan: { stages: ['base', 'kid'].flatMap((n) => [{ id: `build-${n}`, kind: 'build' as const, image: n, needs: [] }, { id: `test-${n}`, kind: 'test' as const, image: n, needs: [] }]) },
    stages: [
      ...out('base', 'sha256:base', [check('openssl-md5-refused', 'pass'), check('host-facts', 'pass', { severity: 'information' })]),
      ...out('kid', 'sha256:kid', [
        check('openssl-md5-refused', 'fail', { reason: 'MD5 computed', origin: 'base', controls: ['NIST 800-53 SC-13'], rationale: 'why' }),
        check('java-md5-unavailable', 'fail', { waived: { reason: 'no FIPS provider for Java', expires: '2027-06-30' } }),
        check('module', 'warn', { reason: 'not validated' }),
        check('node-present', 'skip'),
      ]),
    ],
  };
}

describe('toSarif', () => {
  const report = buildReport(snapshot());
  const sarif = toSarif(report, { baseDir: '/repo' }) as { version: string; runs: { tool: { driver: { rules: { id: string; properties: { tags: string[] } }[] } }; results: Record<string, unknown>[] }[] };
  const results = sarif.runs[0]!.results;
  const find = (image: string, id: string) => results.find((r) => r['ruleId'] === id && (r['properties'] as { image: string }).image === image)!;

  it('has one rule per check id with controls as tags, and one result per image and check', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual(['openssl-md5-refused', 'host-facts', 'java-md5-unavailable', 'module', 'node-present']);
    expect(sarif.runs[0]!.tool.driver.rules[0]!.properties.tags).toEqual(['fips', 'NIST 800-53 SC-13']);
    expect(results).toHaveLength(6);
  });

  it('maps statuses to levels and kinds; waived failures are suppressed with the reason', () => {
    expect(find('base', 'openssl-md5-refused')).toMatchObject({ level: 'none', kind: 'pass' });
    expect(find('kid', 'openssl-md5-refused')).toMatchObject({ level: 'error', kind: 'fail' });
    expect(find('kid', 'module')).toMatchObject({ level: 'warning', kind: 'review' });
    expect(find('kid', 'node-present')).toMatchObject({ level: 'none', kind: 'notApplicable' });
    expect(find('kid', 'java-md5-unavailable')['suppressions']).toEqual([{ kind: 'external', status: 'accepted', justification: 'no FIPS provider for Java (until 2027-06-30)' }]);
  });

  it('points at the image line of the pipeline file, relative to the base directory', () => {
    expect(find('kid', 'module')['locations']).toEqual([
      { physicalLocation: { artifactLocation: { uri: 'pipelines/p.yaml' }, region: { startLine: 12 } }, logicalLocations: [{ name: 'kid', fullyQualifiedName: 'p/kid', kind: 'module' }] },
    ]);
  });
});

describe('evidence bundle', () => {
  const report = buildReport(snapshot());
  const files = evidenceFiles(report, 'version: 1\n');

  it('holds run, pipeline, per-image and per-check files, a summary and checksums of all of them', () => {
    expect([...files.keys()].sort()).toEqual([
      'SHA256SUMS', 'images/base/checks/01-openssl-md5-refused.json', 'images/base/checks/02-host-facts.json', 'images/base/image.json',
      'images/kid/checks/01-openssl-md5-refused.json', 'images/kid/checks/02-java-md5-unavailable.json', 'images/kid/checks/03-module.json', 'images/kid/checks/04-node-present.json', 'images/kid/image.json',
      'pipeline.yaml', 'run.json', 'summary.md',
    ]);
    const sums = files.get('SHA256SUMS')!.trim().split('\n');
    expect(sums).toHaveLength(files.size - 1);
    for (const line of sums) {
      const [hash, name] = line.split('  ');
      expect(createHash('sha256').update(files.get(name!)!).digest('hex')).toBe(hash);
    }
    expect(JSON.parse(files.get('images/kid/image.json')!)).toMatchObject({ imageId: 'sha256:kid', parentImageId: 'sha256:base', parentChain: [{ name: 'base', imageId: 'sha256:base' }], labels: { team: 'x' } });
  });

  it('summary.md lists failures first, then waived, then warnings, and shows each failure with its evidence', () => {
    const md = summaryMarkdown(report);
    const order = ['openssl-md5-refused', 'java-md5-unavailable', '`module`', 'host-facts'].map((id) => md.indexOf(id));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(md).toContain('**FAIL**');
    expect(md).toContain('WAIVED (fail)');
    expect(md).toMatch(/### kid: title of openssl-md5-refused — fail/);
    expect(md).toContain('$ openssl openssl-md5-refused');
  });
});
