import { describe, expect, it } from 'vitest';
import { ansiStyle, buildReport, renderSummary, type RunReport } from '@fipsyard/report';
import { BASE_ID, NODE_ID, builtStage, check, image, snapshot, testedStage } from './snapshot.js';

const base = image('fips-base', { tags: ['registry.example/fips-base:1'] });
const node = image('node-dev', { parent: 'fips-base' });

function report(): RunReport {
  return buildReport(
    snapshot(
      [base, node],
      [
        builtStage('fips-base', BASE_ID),
        testedStage(
          'fips-base',
          BASE_ID,
          [check('provider', { title: 'OpenSSL FIPS provider is present and active', reason: 'OpenSSL FIPS Provider 3.1.2 active' }), check('kernel', { title: 'Host kernel FIPS flag', status: 'warn', severity: 'information', reason: 'host-dependent: fips_enabled=0' })],
          ['registry.example/fips-base:1'],
        ),
        builtStage('node-dev', NODE_ID, BASE_ID),
        testedStage('node-dev', NODE_ID, [check('md5', { title: 'MD5 is refused by openssl', status: 'fail', reason: 'MD5 was computed' })]),
      ],
    ),
  );
}

describe('renderSummary', () => {
  it('names each failed check with its reason and the failed stage with its reason', () => {
    const text = renderSummary(report());
    expect(text).toContain('FAIL MD5 is refused by openssl - MD5 was computed');
    expect(text).toContain('test: failed - 1 of 1 checks failed: md5');
    expect(text).toMatch(/^FAILED\s+node-dev /m);
  });

  it('shows each image with its short ID, parent and applied tags', () => {
    const text = renderSummary(report());
    expect(text).toMatch(/^SUCCEEDED fips-base 0a1b2c3d4e5f {2}tagged registry\.example\/fips-base:1$/m);
    expect(text).toMatch(/node-dev f9e8d7c6b5a4 on fips-base$/m);
  });

  it('marks information-only checks and shows reasons for everything but passes', () => {
    const text = renderSummary(report());
    expect(text).toContain('WARN Host kernel FIPS flag (info) - host-dependent: fips_enabled=0');
    expect(text).toMatch(/PASS OpenSSL FIPS provider is present and active$/m);
  });

  it('ends with the run status and the counts', () => {
    const last = renderSummary(report()).split('\n').at(-1);
    expect(last).toBe('FAILED  2 images; stages 3 succeeded, 1 failed, 0 skipped; checks 1 pass, 1 fail, 1 warn, 0 skip');
  });

  it('says how many of the failed checks are waived', () => {
    const r = buildReport(
      snapshot(
        [base],
        [builtStage('fips-base', BASE_ID), testedStage('fips-base', BASE_ID, [check('java', { status: 'fail', reason: 'no FIPS provider', waived: { reason: 'vendor JDK planned', expires: '2027-06-30' } })])],
      ),
    );
    expect(r.summary.checks).toMatchObject({ fail: 1, waived: 1 });
    expect(renderSummary(r).split('\n').at(-1)).toMatch(/checks 0 pass, 1 fail \(1 of them waived\), 0 warn, 0 skip$/);
  });

  it('says "not built" for an image without an image ID', () => {
    const run = snapshot([base], [{ id: 'build-fips-base', state: 'failed', outcome: { status: 'failed', reason: 'build failed: exit code: 1' } }]);
    const text = renderSummary(buildReport(run));
    expect(text).toContain('fips-base not built');
    expect(text).toContain('build: failed - build failed: exit code: 1');
  });

  it("shows the last five lines of a failed build's log under its reason", () => {
    const log = ['#4 [1/3] FROM fips-base', '#5 [2/3] RUN npm ci', 'l1', 'l2', 'l3', 'npm ERR! code E401', 'npm ERR! Unable to authenticate'];
    const run = snapshot([base], [{ id: 'build-fips-base', state: 'failed', outcome: { status: 'failed', reason: 'build failed: exit code: 1', log } }]);
    const lines = renderSummary(buildReport(run)).split('\n');
    const at = lines.findIndex((l) => l.includes('build: failed - build failed: exit code: 1'));
    expect(lines.slice(at + 1, at + 6).map((l) => l.trim())).toEqual(['| l1', '| l2', '| l3', '| npm ERR! code E401', '| npm ERR! Unable to authenticate']);
    expect(lines.join('\n')).not.toContain('RUN npm ci');
  });

  it('colours failures red with the ANSI style', () => {
    const text = renderSummary(report(), ansiStyle);
    expect(text).toContain('\x1b[31mFAIL\x1b[39m MD5 is refused by openssl');
  });
});
