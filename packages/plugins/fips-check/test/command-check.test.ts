import { describe, expect, it } from 'vitest';
import { commandCheck } from '@fipsyard/plugin-fips-check';
import { TIMED_OUT, commandSpec, expectation, recordedProbe } from './fakes.js';

const JAVA = 'java -XshowSettings:security -version';
const fipsPattern = { source: 'SunPKCS11-NSS-FIPS', flags: '' };

describe('commandCheck', () => {
  it('carries the id and title written in the pipeline', () => {
    const def = commandCheck(commandSpec());
    expect([def.id, def.title]).toEqual(['java-fips', 'Java uses the FIPS provider']);
  });

  it('passes when the output meets the expectation, with the output as evidence', async () => {
    const spec = commandSpec({ expect: expectation({ stderr: [fipsPattern] }) });
    const stderr = 'Security properties:\n    1. SunPKCS11-NSS-FIPS\n';
    const v = await commandCheck(spec).run(recordedProbe({ [JAVA]: { stderr, durationMs: 310 } }));
    expect(v).toEqual({ status: 'pass', command: spec.argv, exitCode: 0, stdout: '', stderr, durationMs: 310 });
  });

  it('runs the argv as written, without a shell', async () => {
    const probe = recordedProbe({ [JAVA]: {} });
    await commandCheck(commandSpec()).run(probe);
    expect(probe.ran).toEqual([['java', '-XshowSettings:security', '-version']]);
  });

  it('fails with what was not met', async () => {
    const spec = commandSpec({ expect: expectation({ stderr: [fipsPattern] }) });
    const v = await commandCheck(spec).run(recordedProbe({ [JAVA]: { stderr: '    1. SUN\n' } }));
    expect(v.status).toBe('fail');
    expect(v.reason).toBe('stderr does not match /SunPKCS11-NSS-FIPS/');
  });

  it('fails with a reason starting "timeout" when the command hangs, naming its time limit', async () => {
    const v = await commandCheck(commandSpec({ timeoutMs: 5_000 })).run(recordedProbe({ [JAVA]: TIMED_OUT }));
    expect(v.status).toBe('fail');
    expect(v.reason).toBe('timeout: no result within 5 s');
  });

  it('uses the default time limit of 60 s in the timeout reason', async () => {
    const v = await commandCheck(commandSpec()).run(recordedProbe({ [JAVA]: TIMED_OUT }));
    expect(v.reason).toBe('timeout: no result within 60 s');
  });

  it('says the program cannot run in the image when the exit code is 127', async () => {
    const v = await commandCheck(commandSpec()).run(recordedProbe({ [JAVA]: { exitCode: 127, stderr: 'exec: "java": executable file not found in $PATH' } }));
    expect(v.status).toBe('fail');
    expect(v.reason).toBe('cannot run java in the image (exit code 127): exit code 127, expected 0');
  });

  it('says the same for exit code 126 (found but not executable)', async () => {
    const v = await commandCheck(commandSpec()).run(recordedProbe({ [JAVA]: { exitCode: 126 } }));
    expect(v.reason).toMatch(/^cannot run java in the image \(exit code 126\)/);
  });

  it('treats exit code 127 as an ordinary verdict when the check expects it', async () => {
    const spec = commandCheck(commandSpec({ argv: ['sh', '-c', 'command -v md5sum'], expect: expectation({ exitCode: 127 }) }));
    expect((await spec.run(recordedProbe({ 'sh -c command -v md5sum': { exitCode: 127 } }))).status).toBe('pass');
    const v = await spec.run(recordedProbe({ 'sh -c command -v md5sum': { exitCode: 0 } }));
    expect(v.reason).toBe('exit code 0, expected 127');
  });
});
