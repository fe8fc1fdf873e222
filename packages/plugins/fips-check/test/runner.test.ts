import { describe, expect, it } from 'vitest';
import type { CheckResult, CheckSpec, SuiteCheckSpec } from '@fipsyard/core';
import { defineSuite, evidenceOf, metadataVerdict, type CheckDefinition, type CheckSuite, type CheckVerdict } from '@fipsyard/plugin-api';
import { fipsCheckPlugin, runChecks } from '@fipsyard/plugin-fips-check';
import {
  FakeRuntime,
  IMAGE_ID,
  STAGE_LABELS,
  TIMED_OUT,
  commandSpec,
  execResult,
  expectation,
  notFound,
  re,
  recordingLogger,
  stageContext,
  type StageOptions,
} from './fakes.js';

const probeCheck = (id: string, run: CheckDefinition['run'], extra: Partial<CheckDefinition> = {}): CheckDefinition => ({ id, title: `check ${id}`, run, ...extra });

/** A check that runs `argv` in the container and passes whatever it prints. */
const passes = (id: string, argv = ['true']) =>
  probeCheck(id, async (probe) => ({ ...evidenceOf(await probe.exec(argv)), status: 'pass' }));

/** A check that runs nothing and returns `verdict`. */
const fixed = (id: string, verdict: Partial<CheckVerdict>, extra: Partial<CheckDefinition> = {}) =>
  probeCheck(id, async () => ({ ...metadataVerdict('pass', ''), ...verdict }), extra);

/** The `probe` suite, made of the given checks. */
const suite = (...checks: CheckDefinition[]): CheckSuite =>
  defineSuite({ name: 'probe', description: 'checks written for one test', checkIds: checks.map((c) => c.id), expand: () => checks });

const PROBE: SuiteCheckSpec = { kind: 'suite', suite: 'probe', options: {}, origin: 'fips-base' };

/** A check during which the user cancels the run. */
const cancelsRun = (controller: AbortController, reason: Error) =>
  probeCheck('cancel', async () => {
    controller.abort(reason);
    return metadataVerdict('pass', '');
  });

const run = (runtime: FakeRuntime, checks: CheckSpec[], suites: CheckSuite[] = [], more: Partial<StageOptions> = {}) => runChecks(stageContext(runtime, { checks, suites, ...more }));

function checksOf(outcome: Awaited<ReturnType<typeof runChecks>>): CheckResult[] {
  if (outcome.output?.kind !== 'test') throw new Error(`no test output: ${JSON.stringify(outcome)}`);
  return outcome.output.test.checks;
}

/** What `openssl` printed in fipsyard/fips-base (recorded). */
const FIPS_IMAGE = {
  'openssl dgst -md5 /dev/null': {
    exitCode: 1,
    stderr:
      'Error setting digest\n40773FD8BF7F0000:error:0308010C:digital envelope routines:inner_evp_generic_fetch:unsupported:../crypto/evp/evp_fetch.c:376:Global default library context, Algorithm (MD5 : 99), Properties ()\n',
  },
  'openssl dgst -sha256 /dev/null': { stdout: 'SHA2-256(/dev/null)= e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n' },
};
const md5Refused = commandSpec({ id: 'md5-refused', title: 'MD5 refused', argv: ['openssl', 'dgst', '-md5', '/dev/null'], expect: expectation({ exitCode: 1, stderr: [re('unsupported')] }) });
const sha256Works = commandSpec({ id: 'sha256-works', title: 'SHA-256 works', argv: ['openssl', 'dgst', '-sha256', '/dev/null'], expect: expectation({ stdout: [re('e3b0c442')] }) });

describe('runChecks: the container', () => {
  it('runs every check in one container started from the built image with the stage labels, and removes it at the end', async () => {
    const runtime = new FakeRuntime(FIPS_IMAGE);
    const outcome = await run(runtime, [md5Refused, PROBE, sha256Works], [suite(passes('a', ['true']), passes('b', ['id', '-u']))]);
    expect(outcome.status).toBe('succeeded');
    expect(runtime.started.map((s) => s.request)).toEqual([{ image: IMAGE_ID, labels: STAGE_LABELS }]);
    expect(runtime.execs.map((e) => `${e.containerId}: ${e.request.argv.join(' ')}`)).toEqual([
      'container-1: openssl dgst -md5 /dev/null',
      'container-1: true',
      'container-1: id -u',
      'container-1: openssl dgst -sha256 /dev/null',
    ]);
    expect(runtime.removed).toEqual(['container-1']);
    expect(runtime.live()).toEqual([]);
  });

  it('passes the stage signal to the start and every exec', async () => {
    const runtime = new FakeRuntime();
    const controller = new AbortController();
    await run(runtime, [commandSpec({ argv: ['true'] })], [], { signal: controller.signal });
    expect(runtime.started[0]?.signal).toBe(controller.signal);
    expect(runtime.execSignals).toEqual([controller.signal]);
  });

  it('passes a check time limit and environment to the exec', async () => {
    const runtime = new FakeRuntime();
    const withEnv = probeCheck('env', async (probe) => ({ ...evidenceOf(await probe.exec(['openssl', 'dgst', '-sha256', '/dev/null'], { env: { OPENSSL_CONF: '/tmp/x.cnf' } })), status: 'pass' }));
    await run(runtime, [commandSpec({ argv: ['true'], timeoutMs: 2_500 }), PROBE], [suite(withEnv)]);
    expect(runtime.execs.map((e) => e.request)).toEqual([
      { argv: ['true'], timeoutMs: 2_500 },
      { argv: ['openssl', 'dgst', '-sha256', '/dev/null'], env: { OPENSSL_CONF: '/tmp/x.cnf' } },
    ]);
  });

  it('gives checks file access to the running container, and finds programs on the image PATH without a shell', async () => {
    const runtime = new FakeRuntime({}, { '/usr/bin/node': { mode: 0o755 }, '/usr/local/bin/python3': { type: 'symlink', linkTarget: '/usr/bin/python3.13' }, '/etc/os-release': { content: 'ID=debian\n' } });
    runtime.images.set(IMAGE_ID, { ...runtime.images.get(IMAGE_ID)!, env: { PATH: '/usr/local/bin:/usr/bin:relative/bin' } });
    const found: (string | undefined)[] = [];
    const looks = probeCheck('looks', async (probe) => {
      found.push(await probe.which('node'), await probe.which('python3'), await probe.which('java'), await probe.which('node'));
      const osRelease = (await probe.readFile('/etc/os-release'))?.toString();
      await probe.writeFile('/tmp/probe.txt', 'x');
      return metadataVerdict('pass', osRelease ?? 'absent');
    });
    const outcome = await run(runtime, [PROBE], [suite(looks)]);
    expect(checksOf(outcome)[0]?.reason).toBe('ID=debian\n');
    expect(found).toEqual(['/usr/bin/node', '/usr/local/bin/python3', undefined, '/usr/bin/node']);
    // Each name is looked up once; relative PATH entries are ignored.
    expect(runtime.stats.map((s) => s.path)).toEqual(['/usr/local/bin/node', '/usr/bin/node', '/usr/local/bin/python3', '/usr/local/bin/java', '/usr/bin/java']);
    expect(runtime.written).toEqual([{ containerId: 'container-1', path: '/tmp/probe.txt', content: 'x' }]);
  });

  it('uses the usual PATH when the image sets none', async () => {
    const runtime = new FakeRuntime({}, { '/bin/sh': {} });
    runtime.images.set(IMAGE_ID, { ...runtime.images.get(IMAGE_ID)!, env: {} });
    let sh: string | undefined;
    await run(runtime, [PROBE], [suite(probeCheck('sh', async (probe) => ((sh = await probe.which('sh')), metadataVerdict('pass', ''))))]);
    expect(sh).toBe('/bin/sh');
    expect(runtime.stats.map((s) => s.path)).toEqual(['/usr/local/sbin/sh', '/usr/local/bin/sh', '/usr/sbin/sh', '/usr/bin/sh', '/sbin/sh', '/bin/sh']);
  });

  it('records a check that throws as failed, runs the rest, and removes the container', async () => {
    const runtime = new FakeRuntime();
    const boom = probeCheck('boom', async () => {
      throw new Error('unexpected output shape');
    });
    const outcome = await run(runtime, [PROBE], [suite(boom, passes('after'))]);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe('1 of 2 checks failed: boom');
    expect(checksOf(outcome)[0]).toMatchObject({ id: 'boom', status: 'fail', reason: 'check could not run: unexpected output shape', command: [], exitCode: null });
    expect(checksOf(outcome)[1]).toMatchObject({ id: 'after', status: 'pass' });
    expect(runtime.live()).toEqual([]);
  });

  it('records a rejected exec as a failed check and removes the container', async () => {
    const runtime = new FakeRuntime();
    runtime.onExec = () => Promise.reject(new Error('connection to the Docker Engine reset'));
    const outcome = await run(runtime, [PROBE], [suite(passes('a'), passes('b'))]);
    expect(outcome.reason).toBe('2 of 2 checks failed: a, b');
    expect(checksOf(outcome)[0]?.reason).toBe('check could not run: connection to the Docker Engine reset');
    expect(runtime.removed).toEqual(['container-1']);
  });

  it('replaces the container after a timed-out check: the old one is removed, the rest run in the new one', async () => {
    const runtime = new FakeRuntime({ 'sleep infinity': TIMED_OUT });
    const hung = commandSpec({ id: 'hung', argv: ['sleep', 'infinity'], timeoutMs: 1_000 });
    const outcome = await run(runtime, [hung, commandSpec({ id: 'next', argv: ['true'] }), commandSpec({ id: 'last', argv: ['id'] })]);
    expect(runtime.execs.map((e) => [e.request.argv[0], e.containerId])).toEqual([
      ['sleep', 'container-1'],
      ['true', 'container-2'],
      ['id', 'container-2'],
    ]);
    expect(runtime.started.map((s) => s.request)).toEqual([
      { image: IMAGE_ID, labels: STAGE_LABELS },
      { image: IMAGE_ID, labels: STAGE_LABELS },
    ]);
    expect(runtime.removed).toEqual(['container-1', 'container-2']);
    expect(outcome.reason).toBe('1 of 3 checks failed: hung');
    expect(checksOf(outcome)[0]?.reason).toBe('timeout: no result within 1 s');
  });

  it('does not start another container when the last check timed out', async () => {
    const runtime = new FakeRuntime({ 'sleep infinity': TIMED_OUT });
    await run(runtime, [commandSpec({ id: 'first', argv: ['true'] }), commandSpec({ id: 'hung', argv: ['sleep', 'infinity'] })]);
    expect(runtime.started).toHaveLength(1);
    expect(runtime.removed).toEqual(['container-1']);
  });

  it('fails the remaining checks, without running them, when no new container can be started after a timeout', async () => {
    const logger = recordingLogger();
    const runtime = new FakeRuntime({ 'sleep infinity': TIMED_OUT });
    runtime.startFailure = (n) => (n === 2 ? new Error('OCI runtime create failed: cgroup limit reached') : undefined);
    const outcome = await run(runtime, [commandSpec({ id: 'hung', argv: ['sleep', 'infinity'] }), commandSpec({ id: 'next', argv: ['true'] })], [], { logger });
    expect(runtime.execs).toHaveLength(1);
    expect(checksOf(outcome)[1]).toMatchObject({ id: 'next', status: 'fail', reason: 'not run: no container after an earlier check timed out' });
    expect(outcome.reason).toBe('2 of 2 checks failed: hung, next');
    expect(runtime.removed).toEqual(['container-1']);
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual(['cannot start a new container: OCI runtime create failed: cgroup limit reached']);
  });

  it('gives a failed outcome and leaves nothing to remove when the container cannot start', async () => {
    const runtime = new FakeRuntime();
    runtime.startFailure = () => new Error('OCI runtime create failed: unable to start container process');
    const outcome = await run(runtime, [md5Refused]);
    expect(outcome).toEqual({ status: 'failed', reason: 'cannot start a container of the image: OCI runtime create failed: unable to start container process' });
    expect(runtime.execs).toEqual([]);
    expect(runtime.removed).toEqual([]);
  });

  it('fails as infrastructure when the built image is not in the engine, starting nothing', async () => {
    const runtime = new FakeRuntime();
    runtime.images.clear();
    const outcome = await run(runtime, [md5Refused]);
    expect(outcome).toEqual({ status: 'failed', reason: `image ${IMAGE_ID} is not in the Docker Engine`, infrastructure: true });
    expect(runtime.started).toEqual([]);
  });

  it('fails when the build stage recorded no image ID', async () => {
    const runtime = new FakeRuntime();
    const outcome = await run(runtime, [md5Refused], [], { builtImageId: null });
    expect(outcome).toEqual({ status: 'failed', reason: 'no image ID from the build stage' });
    expect(runtime.started).toEqual([]);
  });

  it('removes the container when planning fails (unknown suite), and lets the error through', async () => {
    const runtime = new FakeRuntime();
    await expect(run(runtime, [{ kind: 'suite', suite: 'nss-fips', options: {}, origin: 'fips-base' }])).rejects.toThrow('unknown check suite "nss-fips" on this worker');
    expect(runtime.started).toHaveLength(1);
    expect(runtime.live()).toEqual([]);
  });

  it('stops at cancellation, removes the container and re-throws the cancellation', async () => {
    const runtime = new FakeRuntime();
    const controller = new AbortController();
    const cancelled = new Error('cancelled by user');
    await expect(run(runtime, [PROBE], [suite(cancelsRun(controller, cancelled), passes('never'))], { signal: controller.signal })).rejects.toBe(cancelled);
    expect(runtime.execs).toEqual([]);
    expect(runtime.removed).toEqual(['container-1']);
  });

  it('re-throws a cancellation that arrives during the last check', async () => {
    const runtime = new FakeRuntime();
    const controller = new AbortController();
    const cancelled = new Error('cancelled by user');
    // What the Docker adapter returns for an exec cut short by the signal: no exit code, not a timeout.
    runtime.onExec = () => (controller.abort(cancelled), execResult({ exitCode: null, durationMs: 900 }));
    await expect(run(runtime, [commandSpec({ argv: ['java', '-version'] })], [], { signal: controller.signal })).rejects.toBe(cancelled);
  });

  it('re-throws what a check threw once the run is cancelled, rather than recording it', async () => {
    const runtime = new FakeRuntime();
    const controller = new AbortController();
    const aborted = new Error('exec aborted');
    const dies = probeCheck('dies', async () => {
      controller.abort(new Error('cancelled by user'));
      throw aborted;
    });
    await expect(run(runtime, [PROBE], [suite(dies, passes('never'))], { signal: controller.signal })).rejects.toBe(aborted);
    expect(runtime.live()).toEqual([]);
  });

  it('re-throws the cancellation even when removing the container fails, and logs the failed removal', async () => {
    const logger = recordingLogger();
    const runtime = new FakeRuntime();
    runtime.removeFailure = new Error('Docker Engine unreachable');
    const controller = new AbortController();
    const cancelled = new Error('cancelled by user');
    await expect(run(runtime, [PROBE], [suite(cancelsRun(controller, cancelled), passes('never'))], { signal: controller.signal, logger })).rejects.toBe(cancelled);
    expect(runtime.removed).toEqual(['container-1']);
    expect(logger.entries.find((e) => e.level === 'warn')).toMatchObject({
      message: 'cannot remove check container (the run-end sweep by label will): Docker Engine unreachable',
      context: { containerId: 'container-1' },
    });
  });

  it('still returns the outcome when the final removal fails', async () => {
    const runtime = new FakeRuntime();
    runtime.removeFailure = new Error('Docker Engine unreachable');
    const outcome = await run(runtime, [commandSpec({ argv: ['true'] })]);
    expect(outcome.status).toBe('succeeded');
  });
});

describe('runChecks: results', () => {
  it('returns every result with its suite, id, title, origin and times, and the image configuration', async () => {
    const runtime = new FakeRuntime(FIPS_IMAGE);
    const outcome = await run(runtime, [PROBE, md5Refused], [suite(passes('a'))]);
    if (outcome.output?.kind !== 'test') throw new Error('no test output');
    const { test } = outcome.output;
    expect(test.imageId).toBe(IMAGE_ID);
    expect(test.tagged).toEqual([]);
    expect(test.image).toEqual({ repoTags: ['fipsyard/fips-base:latest'], labels: {}, user: '', entrypoint: [], cmd: ['bash'], created: '2026-12-03T16:43:00Z' });
    expect(test.checks.map((c) => [c.suite, c.id, c.title, c.status, c.origin])).toEqual([
      ['probe', 'a', 'check a', 'pass', 'fips-base'],
      ['custom', 'md5-refused', 'MD5 refused', 'pass', 'fips-base'],
    ]);
    const first = test.checks[0]!;
    expect(Date.parse(first.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(first.startedAt!));
  });

  it('carries severity, controls and rationale of a check definition into its result', async () => {
    const runtime = new FakeRuntime();
    const def = fixed('openssl-md5-refused', {}, { severity: 'required', controls: ['NIST 800-53 SC-13'], rationale: 'An enforcing FIPS configuration refuses algorithms that are not approved.' });
    const [r] = checksOf(await run(runtime, [PROBE], [suite(def)]));
    expect(r).toMatchObject({ severity: 'required', controls: ['NIST 800-53 SC-13'], rationale: 'An enforcing FIPS configuration refuses algorithms that are not approved.', origin: 'fips-base' });
  });

  it('lets the pipeline entry override severity, controls and rationale, for every check of a suite', async () => {
    const runtime = new FakeRuntime();
    const spec: SuiteCheckSpec = { ...PROBE, origin: 'python-dev', severity: 'information', controls: ['FedRAMP SC-13'], rationale: 'tracked, not enforced, until Q2' };
    const defs = [fixed('a', {}, { controls: ['NIST 800-53 SC-13'], rationale: 'suite text' }), fixed('b', { severity: 'required' })];
    const results = checksOf(await run(runtime, [spec], [suite(...defs)], { name: 'python-dev' }));
    expect(results.map((r) => [r.id, r.severity, r.controls, r.rationale, r.origin])).toEqual([
      ['a', 'information', ['FedRAMP SC-13'], 'tracked, not enforced, until Q2', 'python-dev'],
      ['b', 'information', ['FedRAMP SC-13'], 'tracked, not enforced, until Q2', 'python-dev'],
    ]);
  });

  it('carries the metadata of a custom check from its spec', async () => {
    const runtime = new FakeRuntime(FIPS_IMAGE);
    const spec = { ...md5Refused, origin: 'fips-base', severity: 'required' as const, controls: ['NIST 800-53 SC-13', 'CIS 3.1'], rationale: 'MD5 must not be usable' };
    const [r] = checksOf(await run(runtime, [spec], [], { name: 'node-dev' }));
    expect(r).toMatchObject({ id: 'md5-refused', suite: 'custom', origin: 'fips-base', severity: 'required', controls: ['NIST 800-53 SC-13', 'CIS 3.1'], rationale: 'MD5 must not be usable' });
  });

  it('keeps a severity the verdict itself chose when neither the spec nor the definition set one', async () => {
    const runtime = new FakeRuntime();
    const [r] = checksOf(await run(runtime, [PROBE], [suite(fixed('go-binaries-fips140', { status: 'skip', severity: 'information' }))]));
    expect(r?.severity).toBe('information');
  });

  it('leaves out metadata nobody set', async () => {
    const runtime = new FakeRuntime();
    const [r] = checksOf(await run(runtime, [PROBE], [suite(fixed('plain', {}))]));
    expect(Object.keys(r!)).not.toContain('severity');
    expect(Object.keys(r!)).not.toContain('controls');
    expect(Object.keys(r!)).not.toContain('rationale');
  });

  it('fails the stage when a required check fails, naming the check in the reason', async () => {
    const runtime = new FakeRuntime({ ...FIPS_IMAGE, 'openssl dgst -md5 /dev/null': { stdout: 'MD5(/dev/null)= d41d8cd98f00b204e9800998ecf8427e\n' } });
    const outcome = await run(runtime, [md5Refused, sha256Works]);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe('1 of 2 checks failed: md5-refused');
    expect(outcome.infrastructure).toBeUndefined();
    expect(checksOf(outcome)).toHaveLength(2);
  });

  it('does not fail the stage for a failed information-only check', async () => {
    const runtime = new FakeRuntime();
    const outcome = await run(runtime, [PROBE], [suite(fixed('note', { status: 'fail', reason: 'noted' }, { severity: 'information' }), passes('real'))]);
    expect(outcome.status).toBe('succeeded');
    expect(checksOf(outcome).map((c) => c.status)).toEqual(['fail', 'pass']);
  });

  it('skips a command check whose program the image lacks, and a derived image fails on that inherited skip', async () => {
    const java = commandSpec({ argv: ['java', '-version'], origin: 'java-dev' });
    const own = await run(new FakeRuntime({ 'java -version': notFound('java') }), [java], [], { name: 'java-dev' });
    expect(own.status).toBe('succeeded');
    expect(checksOf(own)[0]).toMatchObject({ status: 'skip', reason: 'java cannot be run in this image (exit code 126): the command check does not apply' });
    const derived = await run(new FakeRuntime({ 'java -version': notFound('java') }), [java], [], { name: 'java-app' });
    expect(derived.status).toBe('failed');
    expect(checksOf(derived)[0]?.reason).toMatch(/^inherited from java-dev and skipped here/);
  });

  it('applies the image waivers with the injected clock', async () => {
    const runtime = new FakeRuntime({ ...FIPS_IMAGE, 'openssl dgst -md5 /dev/null': { stdout: 'MD5(/dev/null)= d41d8cd98f00b204e9800998ecf8427e\n' } });
    const waivers = [
      { check: 'md5-refused', reason: 'legacy client until migration (TICKET-7)', expires: '2026-12-31' },
      { check: 'sha256-works', reason: 'old waiver', expires: '2026-12-02' },
      { check: 'openssl-md4-refused', reason: 'typo', expires: '2027-01-01' },
    ];
    const outcome = await run(runtime, [md5Refused, sha256Works], [], { waivers, now: () => new Date('2026-12-03T23:59:59Z') });
    const results = checksOf(outcome);
    expect(results.map((r) => [r.id, r.status, r.waived !== undefined])).toEqual([
      ['md5-refused', 'fail', true],
      ['sha256-works', 'fail', false],
      ['waiver-openssl-md4-refused', 'warn', false],
    ]);
    expect(outcome.reason).toBe('1 of 3 checks failed: sha256-works');
  });

  it('lets a waiver hold through its last day (UTC) and not a day more', async () => {
    const failing = { ...FIPS_IMAGE, 'openssl dgst -md5 /dev/null': { stdout: 'MD5(/dev/null)= d41d8cd98f00b204e9800998ecf8427e\n' } };
    const waivers = [{ check: 'md5-refused', reason: 'legacy client', expires: '2026-12-31' }];
    const lastDay = await run(new FakeRuntime(failing), [md5Refused], [], { waivers, now: () => new Date('2026-12-31T23:00:00Z') });
    expect(lastDay.status).toBe('succeeded');
    const dayAfter = await run(new FakeRuntime(failing), [md5Refused], [], { waivers, now: () => new Date('2027-01-01T00:00:00Z') });
    expect(dayAfter.status).toBe('failed');
  });
});

describe('fipsCheckPlugin', () => {
  it('is the test-stage plugin that runs the checks', async () => {
    expect([fipsCheckPlugin.name, fipsCheckPlugin.kind]).toEqual(['fips-check', 'test']);
    const runtime = new FakeRuntime(FIPS_IMAGE);
    const outcome = await fipsCheckPlugin.run(stageContext(runtime, { checks: [md5Refused, sha256Works] }));
    expect(outcome.status).toBe('succeeded');
    expect(runtime.live()).toEqual([]);
  });
});

// Keep the helper honest: anything aimed at a removed container rejects, as Docker does.
describe('FakeRuntime', () => {
  it('rejects an exec or a file read in a container that was removed', async () => {
    const runtime = new FakeRuntime();
    const { id } = await runtime.startIdle({ image: IMAGE_ID, labels: {} });
    await expect(runtime.exec(id, { argv: ['true'] })).resolves.toEqual(execResult());
    await runtime.remove(id);
    await expect(runtime.exec(id, { argv: ['true'] })).rejects.toThrow(`No such container: ${id}`);
    await expect(runtime.statPath(id, '/etc/os-release')).rejects.toThrow(`No such container: ${id}`);
  });
});
