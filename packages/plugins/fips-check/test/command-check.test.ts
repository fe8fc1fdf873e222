import { describe, expect, it } from 'vitest';
import { commandCheck } from '@fipsyard/plugin-fips-check';
import { TIMED_OUT, commandSpec, expectation, fakeProbe, notFound, re } from './fakes.js';

const JAVA = 'java -XshowSettings:security:providers -version';
const fipsProvider = re('Provider name: (BCFIPS|SunPKCS11-NSS-FIPS)');

describe('commandCheck', () => {
  it('carries the id and title written in the pipeline', () => {
    const def = commandCheck(commandSpec());
    expect([def.id, def.title]).toEqual(['java-fips', 'Java uses the FIPS provider']);
  });

  it('passes when the output meets the expectation, with the output as evidence', async () => {
    const spec = commandSpec({ expect: expectation({ stderr: [fipsProvider] }) });
    const stderr = '    Security provider static configuration: (in order of preference)\n        ----------------------------------------\n        Provider name: BCFIPS\n';
    const v = await commandCheck(spec).run(fakeProbe({ recording: { [JAVA]: { stderr, durationMs: 310 } } }));
    expect(v).toEqual({ status: 'pass', command: spec.argv, exitCode: 0, stdout: '', stderr, durationMs: 310 });
  });

  it('runs the argv as written, without a shell', async () => {
    const probe = fakeProbe({ recording: { [JAVA]: {} } });
    await commandCheck(commandSpec()).run(probe);
    expect(probe.ran).toEqual([['java', '-XshowSettings:security:providers', '-version']]);
  });

  it('fails with what was not met', async () => {
    const spec = commandSpec({ expect: expectation({ stderr: [fipsProvider] }) });
    const v = await commandCheck(spec).run(fakeProbe({ recording: { [JAVA]: { stderr: '        Provider name: SUN\n' } } }));
    expect(v.status).toBe('fail');
    expect(v.reason).toBe('stderr does not match /Provider name: (BCFIPS|SunPKCS11-NSS-FIPS)/');
  });

  it('fails with a reason starting "timeout" when the command hangs, naming its time limit', async () => {
    const v = await commandCheck(commandSpec({ timeoutMs: 5_000 })).run(fakeProbe({ recording: { [JAVA]: TIMED_OUT } }));
    expect(v.status).toBe('fail');
    expect(v.reason).toBe('timeout: no result within 5 s');
  });

  it('uses the default time limit of 60 s in the timeout reason', async () => {
    const v = await commandCheck(commandSpec()).run(fakeProbe({ recording: { [JAVA]: TIMED_OUT } }));
    expect(v.reason).toBe('timeout: no result within 60 s');
  });

  it('skips, saying why, when the program is missing from the image (exit code 126 from the engine)', async () => {
    const v = await commandCheck(commandSpec()).run(fakeProbe({ recording: { [JAVA]: notFound('java') } }));
    expect(v.status).toBe('skip');
    expect(v.reason).toBe('java cannot be run in this image (exit code 126): the command check does not apply');
    expect(v.stdout).toContain('executable file not found in $PATH');
  });

  it('skips as well for exit code 127 (a shell that cannot find the program)', async () => {
    const spec = commandSpec({ argv: ['/bin/sh', '-c', 'keytool -list'], shell: true });
    const v = await commandCheck(spec).run(fakeProbe({ recording: { '/bin/sh -c keytool -list': { exitCode: 127, stderr: '/bin/sh: 1: keytool: not found\n' } } }));
    expect(v.status).toBe('skip');
    expect(v.reason).toBe('/bin/sh cannot be run in this image (exit code 127): the command check does not apply');
  });

  it('treats exit code 127 as an ordinary verdict when the check expects it', async () => {
    const check = commandCheck(commandSpec({ argv: ['sh', '-c', 'command -v md5sum'], expect: expectation({ exitCode: 127 }) }));
    expect((await check.run(fakeProbe({ recording: { 'sh -c command -v md5sum': { exitCode: 127 } } }))).status).toBe('pass');
    const v = await check.run(fakeProbe({ recording: { 'sh -c command -v md5sum': { exitCode: 0, stdout: '/usr/bin/md5sum\n' } } }));
    expect(v.status).toBe('fail');
    expect(v.reason).toBe('exit code 0, expected 127');
  });

  it('passes the time limit and nothing else to the exec', async () => {
    const seen: unknown[] = [];
    const probe = fakeProbe({ recording: { [JAVA]: {} } });
    const exec = probe.exec.bind(probe);
    probe.exec = async (argv, options) => {
      seen.push(options);
      return exec(argv, options);
    };
    await commandCheck(commandSpec({ timeoutMs: 2_500 })).run(probe);
    await commandCheck(commandSpec()).run(probe);
    expect(seen).toEqual([{ timeoutMs: 2_500 }, {}]);
  });
});

describe('commandCheck on output cut at the capture limit', () => {
  it('fails instead of judging patterns on truncated output (a forbidden line may sit after the cut)', async () => {
    const check = commandCheck({ kind: 'command', id: 'big', title: 'big', origin: 'a', argv: ['x'], shell: false, expect: { exitCode: 0, stdout: [], stdoutNot: [{ source: 'FORBIDDEN', flags: '' }], stderr: [], stderrNot: [] } });
    const probe = { exec: async () => ({ command: ['x'], exitCode: 0, stdout: 'A'.repeat(100), stderr: '', durationMs: 1, timedOut: false, truncated: true }) } as unknown as Parameters<typeof check.run>[0];
    expect(await check.run(probe)).toMatchObject({ status: 'fail', reason: expect.stringMatching(/was cut/) });
  });
});
