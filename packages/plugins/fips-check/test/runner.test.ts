import { describe, expect, it } from 'vitest';
import type { CheckResult, CheckSpec } from '@fipsyard/core';
import { defineSuite, type CheckDefinition, type CheckSuite } from '@fipsyard/plugin-api';
import { fipsCheckPlugin, opensslFipsSuite, plannedChecks } from '@fipsyard/plugin-fips-check';
import { runChecks } from '../src/runner.js';
import { FakeRuntime, IMAGE_ID, STAGE_LABELS, TIMED_OUT, commandSpec, execResult, stageContext, type Recording } from './fakes.js';
import { MD5_COMPUTED, MD5_REFUSED_STDERR, PROVIDERS_FIPS_AND_BASE, SHA256_OF_DEV_NULL } from './recorded.js';

type Verdict = Omit<CheckResult, 'id' | 'title' | 'suite'>;

const FIPS_IMAGE: Recording = {
  'openssl list -providers': { stdout: PROVIDERS_FIPS_AND_BASE },
  'openssl dgst -md5 /dev/null': { exitCode: 1, stderr: MD5_REFUSED_STDERR },
  'openssl dgst -sha256 /dev/null': { stdout: SHA256_OF_DEV_NULL },
  'cat /proc/sys/crypto/fips_enabled': { stdout: '0\n' },
};

const OPENSSL = { kind: 'suite', suite: 'openssl-fips' } as const;

function probeCheck(id: string, run: CheckDefinition['run']): CheckDefinition {
  return { id, title: `check ${id}`, run };
}

/** A check that runs `argv` in the container and passes whatever it prints. */
const passes = (id: string, argv = ['true']) =>
  probeCheck(id, async (probe) => {
    const out = await probe.exec(argv);
    return { status: 'pass', command: out.command, exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr, durationMs: out.durationMs };
  });

/** A check that runs nothing and returns `verdict`. */
const fixed = (id: string, verdict: Partial<Verdict>) =>
  probeCheck(id, async () => ({ status: 'pass', command: [], exitCode: null, stdout: '', stderr: '', durationMs: 0, ...verdict }));

/** The `probe` suite, made of the given checks. */
function suite(...checks: CheckDefinition[]): CheckSuite {
  return defineSuite({ name: 'probe', description: 'checks written for one test', checks: () => checks });
}

const PROBE: CheckSpec = { kind: 'suite', suite: 'probe' };

/** A check during which the user cancels the run. */
const cancelsRun = (controller: AbortController, reason: Error) =>
  probeCheck('cancel', async () => {
    controller.abort(reason);
    return { status: 'pass', command: [], exitCode: null, stdout: '', stderr: '', durationMs: 0 };
  });

async function run(runtime: FakeRuntime, checks: CheckSpec[], suites: CheckSuite[] = [opensslFipsSuite], signal?: AbortSignal) {
  return runChecks(stageContext(runtime, { checks, suites, ...(signal ? { signal } : {}) }));
}

describe('runChecks', () => {
  it('runs every check as an exec in one container and removes it at the end', async () => {
    const runtime = new FakeRuntime(FIPS_IMAGE);
    const outcome = await run(runtime, [OPENSSL, commandSpec({ argv: ['java', '-version'] })]);
    expect(outcome.status).toBe('succeeded');
    expect(runtime.started).toHaveLength(1);
    expect(runtime.execContainers()).toEqual(['container-1']);
    expect(runtime.execs.map((e) => e.request.argv.join(' '))).toEqual([
      'openssl list -providers',
      'openssl dgst -md5 /dev/null',
      'openssl dgst -sha256 /dev/null',
      'cat /proc/sys/crypto/fips_enabled',
      'java -version',
    ]);
    expect(runtime.removed).toEqual(['container-1']);
    expect(runtime.live()).toEqual([]);
  });

  it('starts the check container from the built image with the stage labels', async () => {
    const runtime = new FakeRuntime(FIPS_IMAGE);
    await run(runtime, [OPENSSL]);
    expect(runtime.started[0]?.request).toEqual({ image: IMAGE_ID, labels: STAGE_LABELS });
  });

  it('returns every check result with its suite, id, title and times as the test output', async () => {
    const runtime = new FakeRuntime(FIPS_IMAGE);
    const outcome = await run(runtime, [OPENSSL, commandSpec({ argv: ['java', '-version'] })]);
    expect(outcome.output?.kind).toBe('test');
    if (outcome.output?.kind !== 'test') return;
    const { test } = outcome.output;
    expect(test.imageId).toBe(IMAGE_ID);
    expect(test.tagged).toEqual([]);
    expect(test.checks.map((c) => [c.suite, c.id, c.status])).toEqual([
      ['openssl-fips', 'openssl-fips-provider-active', 'pass'],
      ['openssl-fips', 'openssl-md5-refused', 'pass'],
      ['openssl-fips', 'openssl-sha256-works', 'pass'],
      ['openssl-fips', 'openssl-fips-env', 'pass'],
      ['openssl-fips', 'kernel-fips-enabled', 'warn'],
      ['custom', 'java-fips', 'pass'],
    ]);
    const first = test.checks[0]!;
    expect(first.title).toBe('OpenSSL FIPS provider is present and active');
    expect(Date.parse(first.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(first.startedAt!));
  });

  it('fails the stage when a check fails, naming the check in the reason', async () => {
    const runtime = new FakeRuntime({ ...FIPS_IMAGE, 'openssl dgst -md5 /dev/null': { stdout: MD5_COMPUTED } });
    const outcome = await run(runtime, [OPENSSL]);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe('1 of 5 checks failed: openssl-md5-refused');
    expect(outcome.infrastructure).toBeUndefined();
    expect(outcome.output?.kind === 'test' && outcome.output.test.checks).toHaveLength(5);
    expect(runtime.live()).toEqual([]);
  });

  it('does not fail the stage for a failed information-only check', async () => {
    const runtime = new FakeRuntime();
    const outcome = await run(runtime, [PROBE], [suite(fixed('note', { status: 'fail', severity: 'information', reason: 'noted' }), passes('real'))]);
    expect(outcome.status).toBe('succeeded');
    expect(outcome.output?.kind === 'test' && outcome.output.test.checks.map((c) => c.status)).toEqual(['fail', 'pass']);
  });

  it('records a check that throws as failed, runs the rest, and removes the container', async () => {
    const runtime = new FakeRuntime();
    const boom = probeCheck('boom', async () => {
      throw new Error('unexpected output shape');
    });
    const outcome = await run(runtime, [PROBE], [suite(boom, passes('after'))]);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe('1 of 2 checks failed: boom');
    const checks = outcome.output?.kind === 'test' ? outcome.output.test.checks : [];
    expect(checks[0]).toMatchObject({ id: 'boom', status: 'fail', reason: 'check could not run: unexpected output shape', command: [], exitCode: null });
    expect(checks[1]).toMatchObject({ id: 'after', status: 'pass' });
    expect(runtime.removed).toEqual(['container-1']);
    expect(runtime.live()).toEqual([]);
  });

  it('records a rejected exec as a failed check and removes the container', async () => {
    const runtime = new FakeRuntime();
    runtime.onExec = () => Promise.reject(new Error('connection to the Docker Engine reset'));
    const outcome = await run(runtime, [PROBE], [suite(passes('a'), passes('b'))]);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe('2 of 2 checks failed: a, b');
    const checks = outcome.output?.kind === 'test' ? outcome.output.test.checks : [];
    expect(checks[0]?.reason).toBe('check could not run: connection to the Docker Engine reset');
    expect(runtime.removed).toEqual(['container-1']);
  });

  it('replaces the container after a timed-out check; the old one is removed, the rest run in the new one', async () => {
    const runtime = new FakeRuntime({ 'sleep infinity': TIMED_OUT });
    const hung = commandSpec({ id: 'hung', argv: ['sleep', 'infinity'], timeoutMs: 1_000 });
    const outcome = await run(runtime, [hung, commandSpec({ id: 'next', argv: ['true'] })]);
    expect(runtime.execs.map((e) => [e.request.argv[0], e.containerId])).toEqual([
      ['sleep', 'container-1'],
      ['true', 'container-2'],
    ]);
    expect(runtime.removed).toEqual(['container-1', 'container-2']);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe('1 of 2 checks failed: hung');
    const checks = outcome.output?.kind === 'test' ? outcome.output.test.checks : [];
    expect(checks[0]?.reason).toBe('timeout: no result within 1 s');
  });

  it('passes the check time limit to the exec', async () => {
    const runtime = new FakeRuntime();
    await run(runtime, [commandSpec({ argv: ['true'], timeoutMs: 2_500 })]);
    expect(runtime.execs[0]?.request).toEqual({ argv: ['true'], timeoutMs: 2_500 });
  });

  it('does not start another container when the last check timed out', async () => {
    const runtime = new FakeRuntime({ 'sleep infinity': TIMED_OUT });
    await run(runtime, [commandSpec({ id: 'hung', argv: ['sleep', 'infinity'] })]);
    expect(runtime.started).toHaveLength(1);
  });

  it('gives a failed outcome and leaves nothing to remove when the container cannot start', async () => {
    const runtime = new FakeRuntime(FIPS_IMAGE);
    runtime.startFailure = () => new Error('OCI runtime create failed: unable to start container process');
    const outcome = await run(runtime, [OPENSSL]);
    expect(outcome).toEqual({ status: 'failed', reason: 'cannot start a container of the image: OCI runtime create failed: unable to start container process' });
    expect(runtime.execs).toEqual([]);
    expect(runtime.removed).toEqual([]);
  });

  it('fails as infrastructure when the built image is not in the engine, starting nothing', async () => {
    const runtime = new FakeRuntime();
    runtime.images.clear();
    const outcome = await run(runtime, [OPENSSL]);
    expect(outcome).toMatchObject({ status: 'failed', infrastructure: true });
    expect(outcome.reason).toContain(IMAGE_ID);
    expect(runtime.started).toEqual([]);
  });

  it('fails when the build stage recorded no image ID', async () => {
    const runtime = new FakeRuntime();
    const outcome = await runChecks(stageContext(runtime, { checks: [OPENSSL], suites: [opensslFipsSuite], builtImageId: null }));
    expect(outcome).toEqual({ status: 'failed', reason: 'no image ID from the build stage' });
    expect(runtime.started).toEqual([]);
  });

  it('stops at cancellation, removes the container and re-throws the cancellation', async () => {
    const runtime = new FakeRuntime();
    const controller = new AbortController();
    const cancelled = new Error('cancelled by user');
    await expect(run(runtime, [PROBE], [suite(cancelsRun(controller, cancelled), passes('never'))], controller.signal)).rejects.toBe(cancelled);
    expect(runtime.execs).toEqual([]);
    expect(runtime.live()).toEqual([]);
  });

  it('re-throws the cancellation even when removing the container fails', async () => {
    const runtime = new FakeRuntime();
    runtime.removeFailure = new Error('Docker Engine unreachable');
    const controller = new AbortController();
    const cancelled = new Error('cancelled by user');
    await expect(run(runtime, [PROBE], [suite(cancelsRun(controller, cancelled), passes('never'))], controller.signal)).rejects.toBe(cancelled);
  });
});

describe('plannedChecks', () => {
  it('expands suites into their checks and keeps inline commands, in pipeline order', () => {
    const planned = plannedChecks({ image: stageContext(new FakeRuntime(), { checks: [commandSpec(), OPENSSL] }).image, suites: new Map([['openssl-fips', opensslFipsSuite]]) });
    expect(planned.map((p) => `${p.suite}/${p.def.id}`)).toEqual([
      'custom/java-fips',
      'openssl-fips/openssl-fips-provider-active',
      'openssl-fips/openssl-md5-refused',
      'openssl-fips/openssl-sha256-works',
      'openssl-fips/openssl-fips-env',
      'openssl-fips/kernel-fips-enabled',
    ]);
  });

  it('refuses a suite this worker does not know', () => {
    expect(() => plannedChecks({ image: stageContext(new FakeRuntime(), { checks: [{ kind: 'suite', suite: 'nss-fips' }] }).image, suites: new Map() })).toThrow(
      'unknown check suite "nss-fips" on this worker',
    );
  });
});

describe('fipsCheckPlugin', () => {
  it('is the test-stage plugin that runs the checks', async () => {
    expect([fipsCheckPlugin.name, fipsCheckPlugin.kind]).toEqual(['fips-check', 'test']);
    const runtime = new FakeRuntime(FIPS_IMAGE);
    const outcome = await fipsCheckPlugin.run(stageContext(runtime, { checks: [OPENSSL], suites: [opensslFipsSuite] }));
    expect(outcome.status).toBe('succeeded');
    expect(runtime.live()).toEqual([]);
  });
});

// Keep the helper honest: an exec into a removed container rejects, as Docker's does.
describe('FakeRuntime', () => {
  it('rejects an exec into a container that was removed', async () => {
    const runtime = new FakeRuntime();
    const { id } = await runtime.startIdle({ image: IMAGE_ID, labels: {} });
    await expect(runtime.exec(id, { argv: ['true'] })).resolves.toEqual(execResult());
    await runtime.remove(id);
    await expect(runtime.exec(id, { argv: ['true'] })).rejects.toThrow(`No such container: ${id}`);
  });
});
