import { describe, expect, it } from 'vitest';
import { buildReport, toJUnit, type RunReport } from '@fipsyard/report';
import { BASE_ID, NODE_ID, builtStage, check, image, snapshot, testedStage } from './snapshot.js';
import { childrenNamed, parseXml, xmlProblem, type XmlElement } from './xml.js';

const base = image('fips-base');
const node = image('node-dev', { parent: 'fips-base' });
const python = image('python-dev', { parent: 'fips-base' });

const md5Computed = check('openssl-md5-refused', {
  title: 'MD5 is refused by openssl',
  status: 'fail',
  reason: 'MD5 was computed: the FIPS provider is not enforced',
  command: ['openssl', 'dgst', '-md5', '/dev/null'],
  stdout: 'MD5(/dev/null)= d41d8cd98f00b204e9800998ecf8427e\n',
  stderr: 'warning: default provider active\n',
  durationMs: 1234,
});
const kernelSkipped = check('kernel-fips-enabled', {
  title: 'Host kernel FIPS flag (host-dependent)',
  status: 'skip',
  severity: 'information',
  reason: 'host-dependent: no /proc/sys/crypto/fips_enabled',
});
const providerActive = check('openssl-fips-provider-active', { title: 'OpenSSL FIPS provider is present and active', reason: 'OpenSSL FIPS Provider 3.1.2 active' });
const javaCustom = check('java-fips', { title: 'Java uses the FIPS provider', suite: 'custom', command: ['java', '-version'] });

/** fips-base has a passing, a failing and a skipped check; node-dev's build failed; python-dev's checks could not start. */
function report(): RunReport {
  return buildReport(
    snapshot(
      [base, node, python],
      [
        builtStage('fips-base', BASE_ID),
        testedStage('fips-base', BASE_ID, [providerActive, md5Computed, kernelSkipped, javaCustom]),
        {
          id: 'build-node-dev',
          state: 'failed',
          outcome: { status: 'failed', reason: 'build failed: exit code: 2', log: ['#6 RUN make', '#6 make: *** Error 2'] },
        },
        { id: 'test-node-dev', state: 'skipped', reason: 'build-node-dev failed' },
        builtStage('python-dev', NODE_ID, BASE_ID),
        { id: 'test-python-dev', state: 'failed', outcome: { status: 'failed', reason: 'cannot start a container of the image: OCI runtime create failed' } },
      ],
    ),
  );
}

const suiteOf = (root: XmlElement, name: string) => {
  const suite = childrenNamed(root, 'testsuite').find((s) => s.attrs['name'] === name);
  if (!suite) throw new Error(`no testsuite ${name}`);
  return suite;
};
const caseOf = (suite: XmlElement, name: string) => {
  const tc = childrenNamed(suite, 'testcase').find((c) => c.attrs['name'] === name);
  if (!tc) throw new Error(`no testcase ${name} in ${suite.attrs['name']}`);
  return tc;
};

describe('toJUnit', () => {
  it('writes a well-formed XML document with its declaration', () => {
    const xml = toJUnit(report());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(xmlProblem(xml)).toBeUndefined();
  });

  it('writes one testsuite per image, in pipeline order, under a root named after the pipeline', () => {
    const root = parseXml(toJUnit(report()));
    expect(root.name).toBe('testsuites');
    expect(root.attrs['name']).toBe('fipsyard fips');
    expect(childrenNamed(root, 'testsuite').map((s) => s.attrs['name'])).toEqual(['fips-base', 'node-dev', 'python-dev']);
    expect(suiteOf(root, 'fips-base').attrs['timestamp']).toBe('2025-01-01T10:00:00.000Z');
  });

  it("writes the image's build, then a testcase per check named by its title and classed by image and suite", () => {
    const suite = suiteOf(parseXml(toJUnit(report())), 'fips-base');
    expect(childrenNamed(suite, 'testcase').map((c) => [c.attrs['classname'], c.attrs['name']])).toEqual([
      ['fips-base', 'build'],
      ['fips-base.openssl-fips', 'OpenSSL FIPS provider is present and active'],
      ['fips-base.openssl-fips', 'MD5 is refused by openssl'],
      ['fips-base.openssl-fips', 'Host kernel FIPS flag (host-dependent)'],
      ['fips-base.custom', 'Java uses the FIPS provider'],
    ]);
  });

  it('gives each testcase its duration in seconds', () => {
    const suite = suiteOf(parseXml(toJUnit(report())), 'fips-base');
    expect(caseOf(suite, 'build').attrs['time']).toBe('90.000');
    expect(caseOf(suite, 'MD5 is refused by openssl').attrs['time']).toBe('1.234');
  });

  it('puts the reason of a failed check in its failure message and the evidence in its body', () => {
    const tc = caseOf(suiteOf(parseXml(toJUnit(report())), 'fips-base'), 'MD5 is refused by openssl');
    const [failure] = childrenNamed(tc, 'failure');
    expect(failure?.attrs).toEqual({ message: 'MD5 was computed: the FIPS provider is not enforced', type: 'openssl-fips' });
    expect(failure?.text).toBe(
      '$ openssl dgst -md5 /dev/null\nexit code: 0\n--- stdout\nMD5(/dev/null)= d41d8cd98f00b204e9800998ecf8427e\n\n--- stderr\nwarning: default provider active\n',
    );
  });

  it('marks a skipped check as skipped with its reason', () => {
    const tc = caseOf(suiteOf(parseXml(toJUnit(report())), 'fips-base'), 'Host kernel FIPS flag (host-dependent)');
    expect(tc.children).toEqual([{ name: 'skipped', attrs: { message: 'host-dependent: no /proc/sys/crypto/fips_enabled' }, text: '', children: [] }]);
  });

  it('gives a passing check no failure, only its status and evidence as output', () => {
    const tc = caseOf(suiteOf(parseXml(toJUnit(report())), 'fips-base'), 'OpenSSL FIPS provider is present and active');
    expect(tc.children.map((c) => c.name)).toEqual(['system-out']);
    expect(tc.children[0]?.text).toMatch(/^pass: OpenSSL FIPS Provider 3\.1\.2 active\n\$ openssl version\n/);
  });

  it("reports a failed build with its reason and the build log's tail", () => {
    const build = caseOf(suiteOf(parseXml(toJUnit(report())), 'node-dev'), 'build');
    expect(build.children).toEqual([{ name: 'failure', attrs: { message: 'build failed: exit code: 2', type: 'build' }, text: '#6 RUN make\n#6 make: *** Error 2', children: [] }]);
  });

  it('reports checks skipped because the build failed', () => {
    const suite = suiteOf(parseXml(toJUnit(report())), 'node-dev');
    expect(childrenNamed(caseOf(suite, 'checks'), 'skipped')[0]?.attrs['message']).toBe('build-node-dev failed');
  });

  it('reports a test stage that failed before any check ran', () => {
    const suite = suiteOf(parseXml(toJUnit(report())), 'python-dev');
    expect(childrenNamed(caseOf(suite, 'checks'), 'failure')[0]?.attrs).toEqual({
      message: 'cannot start a container of the image: OCI runtime create failed',
      type: 'test',
    });
  });

  it('counts tests, failures and skipped per suite and in total', () => {
    const root = parseXml(toJUnit(report()));
    const counts = (el: XmlElement) => [el.attrs['tests'], el.attrs['failures'], el.attrs['errors'], el.attrs['skipped']];
    expect(counts(suiteOf(root, 'fips-base'))).toEqual(['5', '1', '0', '1']);
    expect(counts(suiteOf(root, 'node-dev'))).toEqual(['2', '1', '0', '1']);
    expect(counts(suiteOf(root, 'python-dev'))).toEqual(['2', '1', '0', '0']);
    expect(counts(root)).toEqual(['9', '3', '0', '2']);
  });

  it('escapes <, >, & and " in names, messages and evidence, so they read back unchanged', () => {
    const nasty = check('nasty', {
      title: 'title with <tag> & "quotes"',
      status: 'fail',
      reason: 'expected "<fips>" & got </testcase>',
      command: ['sh', '-c', 'echo "<a>" && echo \'&\''],
      stdout: '<![CDATA[ ]]> &amp; </failure>',
      stderr: '"',
    });
    const xml = toJUnit(buildReport(snapshot([base], [builtStage('fips-base', BASE_ID), testedStage('fips-base', BASE_ID, [nasty])])));
    expect(xmlProblem(xml)).toBeUndefined();
    expect(xml).toContain('name="title with &lt;tag&gt; &amp; &quot;quotes&quot;"');
    const tc = caseOf(suiteOf(parseXml(xml), 'fips-base'), 'title with <tag> & "quotes"');
    const [failure] = childrenNamed(tc, 'failure');
    expect(failure?.attrs['message']).toBe('expected "<fips>" & got </testcase>');
    expect(failure?.text).toContain('$ sh -c echo "<a>" && echo \'&\'');
    expect(failure?.text).toContain('<![CDATA[ ]]> &amp; </failure>');
  });

  it('drops control characters XML cannot carry and keeps tabs and newlines', () => {
    const noisy = check('noisy', {
      status: 'fail',
      reason: 'bell\u0007 and\u0000 nul',
      stdout: '\u001b[31mred\u001b[0m\tcol\r\nnext\u000b\u000c\ufffe',
    });
    const xml = toJUnit(buildReport(snapshot([base], [builtStage('fips-base', BASE_ID), testedStage('fips-base', BASE_ID, [noisy])])));
    expect(xmlProblem(xml)).toBeUndefined();
    const [failure] = childrenNamed(caseOf(suiteOf(parseXml(xml), 'fips-base'), 'Check noisy'), 'failure');
    expect(failure?.attrs['message']).toBe('bell and nul');
    expect(failure?.text).toContain('[31mred[0m\tcol\r\nnext\n');
  });

  it('does not count a failed information-only check as a failure', () => {
    const info = check('note', { status: 'fail', severity: 'information', reason: 'recorded only' });
    const run = snapshot([base], [builtStage('fips-base', BASE_ID), testedStage('fips-base', BASE_ID, [info])], { status: 'passed' });
    const root = parseXml(toJUnit(buildReport(run)));
    expect(root.attrs['failures']).toBe('0');
  });
});

describe('the XML check used by these tests', () => {
  it('catches what would break a JUnit reader', () => {
    expect(xmlProblem('<a><b></a></b>')).toBe('</a> closes <b>');
    expect(xmlProblem('<a>x & y</a>')).toBe('bare & at 5');
    expect(xmlProblem('<a t="<"/>')).toMatch(/^cannot read markup/);
    expect(xmlProblem('<a>\u0007</a>')).toBe('forbidden character U+0007 at 3');
    expect(xmlProblem('<a/><b/>')).toBe('2 root elements');
    expect(xmlProblem('<a><b/>')).toBe('unclosed <a>');
    expect(xmlProblem('<?xml version="1.0"?>\n<a x="1">t &amp; <b/></a>\n')).toBeUndefined();
  });
});

describe('toJUnit of a cancelled run', () => {
  it('carries an error, so CI does not read a cancelled run as green', async () => {
    const { buildReport: build, toJUnit: junit } = await import('../src/index.js');
    const { snapshot: snap, image: img } = await import('./snapshot.js');
    const report = build(snap([img('base')], [], { status: 'cancelled' }));
    const xml = junit(report);
    expect(xml).toMatch(/<testsuites [^>]*errors="1"/);
    expect(xml).toContain('<error message="run cancelled" type="cancelled"/>');
  });
});
