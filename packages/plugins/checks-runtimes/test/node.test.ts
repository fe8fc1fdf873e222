import { describe, expect, it } from 'vitest';
import { nodeSuite } from '@fipsyard/checks-runtimes';
import { TIMED_OUT, fakeProbe, notFound, type Answer } from '@fipsyard/plugin-api/testing';
import { checksOf, runCheck } from './helpers.js';
import { NODE_BAD_OPTIONS, NODE_COMPUTED_BUNDLED, NODE_COMPUTED_SHARED, NODE_REFUSED } from './recorded.js';

const NODE = '/usr/bin/node';
/** node-dev's PATH, and node's answer to the suite's script. */
const nodeImage = (answer: Answer, path: Record<string, string> = { node: NODE }) =>
  fakeProbe({ path, answer: (argv) => (argv[1] === '-e' && argv[0] === (path['node'] ?? path['nodejs']) ? answer : undefined) });

describe('the node suite', () => {
  it('applies three checks when node is on the PATH', async () => {
    const defs = await checksOf(nodeSuite, nodeImage(NODE_REFUSED));
    expect([...defs.values()].map((d) => [d.id, d.severity])).toEqual([
      ['node-md5-refused', undefined],
      ['node-getfips', 'information'],
      ['node-openssl-shared', 'information'],
    ]);
    expect(nodeSuite.checkIds).toEqual(['node-md5-refused', 'node-getfips', 'node-openssl-shared', 'node-present']);
  });

  it('finds node under its Debian alias nodejs too', async () => {
    const probe = nodeImage(NODE_REFUSED, { nodejs: '/usr/bin/nodejs' });
    expect((await runCheck(nodeSuite, 'node-md5-refused', probe)).status).toBe('pass');
    expect(probe.ran[0]?.startsWith('/usr/bin/nodejs -e ')).toBe(true);
  });

  it('gives one information skip when the image has no node', async () => {
    const probe = fakeProbe();
    const defs = await nodeSuite.expand(probe, {});
    expect(defs.map((d) => [d.id, d.severity])).toEqual([['node-present', 'information']]);
    expect(await defs[0]!.run(probe)).toMatchObject({ status: 'skip', reason: "node / nodejs not found on the image's PATH: the node checks do not apply", command: [] });
    expect(probe.whiches).toEqual(['node', 'nodejs']);
  });

  it('asks node once for all three checks, with a time limit', async () => {
    const probe = nodeImage(NODE_REFUSED);
    for (const def of (await checksOf(nodeSuite, probe)).values()) await def.run(probe);
    expect(probe.ran).toHaveLength(1);
    expect(probe.execOptions).toEqual([{ timeoutMs: 60_000 }]);
  });
});

describe('node-md5-refused', () => {
  it('passes when node refuses MD5 (node-dev: nodejs_conf in openssl.cnf)', async () => {
    const v = await runCheck(nodeSuite, 'node-md5-refused', nodeImage(NODE_REFUSED));
    expect(v).toMatchObject({ status: 'pass', reason: 'node v20.19.2: refused: error:0308010C:digital envelope routines::unsupported', stdout: NODE_REFUSED.stdout, exitCode: 0 });
    expect(v.command.slice(0, 2)).toEqual([NODE, '-e']);
  });

  it('fails when node computes MD5 with the shared system OpenSSL, pointing at nodejs_conf', async () => {
    const v = await runCheck(nodeSuite, 'node-md5-refused', nodeImage(NODE_COMPUTED_SHARED));
    expect(v).toMatchObject({ status: 'fail', reason: 'MD5 computed by node v20.19.2 (OpenSSL 3.5.9, shared system): add "nodejs_conf = openssl_init" to openssl.cnf' });
  });

  it('fails for a node with its own bundled OpenSSL, saying that copy has no FIPS module', async () => {
    const v = await runCheck(nodeSuite, 'node-md5-refused', nodeImage(NODE_COMPUTED_BUNDLED));
    expect(v.reason).toBe(
      'MD5 computed by node v22.12.0 (OpenSSL 3.0.15+quic, bundled): add "nodejs_conf = openssl_init" to openssl.cnf, and note a bundled OpenSSL has no FIPS module of its own',
    );
  });

  it('fails when node does not answer the probe', async () => {
    const v = await runCheck(nodeSuite, 'node-md5-refused', nodeImage(NODE_BAD_OPTIONS));
    expect(v).toMatchObject({ status: 'fail', reason: 'node did not answer the probe (exit code 9)', stderr: NODE_BAD_OPTIONS.stderr });
  });

  it('fails when node is on the PATH but cannot run, and on a timeout', async () => {
    expect(await runCheck(nodeSuite, 'node-md5-refused', nodeImage(notFound(NODE)))).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^\/usr\/bin\/node cannot be run in this image \(exit code 126\)/) });
    expect(await runCheck(nodeSuite, 'node-md5-refused', nodeImage(TIMED_OUT))).toMatchObject({ status: 'fail', reason: 'timeout: /usr/bin/node did not finish' });
  });
});

describe('node-getfips', () => {
  it('passes on getFips() = 1 and warns on 0, as information that proves nothing', async () => {
    expect(await runCheck(nodeSuite, 'node-getfips', nodeImage(NODE_REFUSED))).toMatchObject({ status: 'pass', reason: 'information: crypto.getFips() = 1; only node-md5-refused proves the behaviour' });
    expect(await runCheck(nodeSuite, 'node-getfips', nodeImage(NODE_COMPUTED_SHARED))).toMatchObject({ status: 'warn', reason: 'information: crypto.getFips() = 0; only node-md5-refused proves the behaviour' });
  });

  it('fails like the others when node does not answer', async () => {
    expect((await runCheck(nodeSuite, 'node-getfips', nodeImage(NODE_BAD_OPTIONS))).status).toBe('fail');
  });
});

describe('node-openssl-shared', () => {
  it('passes for the shared system OpenSSL and warns for a bundled one', async () => {
    expect(await runCheck(nodeSuite, 'node-openssl-shared', nodeImage(NODE_REFUSED))).toMatchObject({ status: 'pass', reason: 'node v20.19.2 uses the shared system OpenSSL 3.5.9' });
    expect(await runCheck(nodeSuite, 'node-openssl-shared', nodeImage(NODE_COMPUTED_BUNDLED))).toMatchObject({
      status: 'warn',
      reason: "node v22.12.0 bundles OpenSSL 3.0.15+quic (node_shared_openssl=false): it does not use the system's FIPS module config unless pointed at it",
    });
  });

  it('fails like the others when node does not answer', async () => {
    expect((await runCheck(nodeSuite, 'node-openssl-shared', nodeImage(TIMED_OUT))).status).toBe('fail');
  });
});
