import { describe, expect, it } from 'vitest';
import { autoSuite, goSuite, javaSuite, nodeSuite, pythonSuite, rubySuite, RUNTIME_SUITES } from '@fipsyard/checks-runtimes';
import { fakeProbe } from '@fipsyard/plugin-api/testing';
import { FIND, FIPS_BASE_FIND, GO_DEV_FIND, GO_FIPS_V1, NODE_REFUSED, PY_BOTH_REFUSED } from './recorded.js';

describe('the auto suite', () => {
  it('may produce every runtime check id, each once', () => {
    expect(RUNTIME_SUITES).toEqual([nodeSuite, pythonSuite, javaSuite, goSuite, rubySuite]);
    const all = RUNTIME_SUITES.flatMap((s) => s.checkIds);
    expect([...autoSuite.checkIds].sort()).toEqual([...new Set(all)].sort());
    expect(autoSuite.checkIds).toContain('node-md5-refused');
    expect(autoSuite.checkIds).toContain('go-binaries-fips140');
  });

  it('gives nothing for an image without any runtime (fipsyard/fips-base), not even the "present" skips', async () => {
    const probe = fakeProbe({ recording: { [FIND]: FIPS_BASE_FIND } });
    expect(await autoSuite.expand(probe, {})).toEqual([]);
    expect(probe.whiches).toEqual(['node', 'nodejs', 'python3', 'python', 'java', 'go', 'ruby']);
  });

  it('detects only the runtimes on the PATH (node-dev: node; python-dev: python3)', async () => {
    const node = fakeProbe({ path: { node: '/usr/bin/node' }, recording: { [FIND]: FIPS_BASE_FIND } });
    expect((await autoSuite.expand(node, {})).map((d) => d.id)).toEqual(['node-md5-refused', 'node-getfips', 'node-openssl-shared']);
    const python = fakeProbe({ path: { python3: '/usr/bin/python3' }, recording: { [FIND]: FIPS_BASE_FIND } });
    expect((await autoSuite.expand(python, {})).map((d) => d.id)).toEqual(['python-openssl-md5-refused', 'python-builtin-md5-fallback', 'python-fips-mode']);
  });

  it('detects Go from its programs when no toolchain is on the PATH', async () => {
    const probe = fakeProbe({ recording: { [FIND]: GO_DEV_FIND }, files: { '/usr/local/bin/fips-hello': GO_FIPS_V1 } });
    expect((await autoSuite.expand(probe, {})).map((d) => d.id)).toEqual(['go-binaries-fips140', 'go-toolchain-fips140']);
  });

  it('passes its options on, so go sees paths', async () => {
    const probe = fakeProbe({ files: { '/srv/api': GO_FIPS_V1 } });
    const defs = await autoSuite.expand(probe, { paths: ['/srv/api'] });
    expect(defs.map((d) => d.id)).toEqual(['go-binaries-fips140', 'go-toolchain-fips140']);
    expect(probe.ran).toEqual([]);
  });

  it('runs the detected checks against the image (node and python together)', async () => {
    const probe = fakeProbe({
      path: { node: '/usr/bin/node', python3: '/usr/bin/python3' },
      recording: { [FIND]: FIPS_BASE_FIND },
      answer: (argv) => (argv[0] === '/usr/bin/node' ? NODE_REFUSED : argv[0] === '/usr/bin/python3' ? PY_BOTH_REFUSED : undefined),
    });
    const verdicts = [];
    for (const def of await autoSuite.expand(probe, {})) verdicts.push([def.id, (await def.run(probe)).status]);
    expect(verdicts).toEqual([
      ['node-md5-refused', 'pass'],
      ['node-getfips', 'pass'],
      ['node-openssl-shared', 'pass'],
      ['python-openssl-md5-refused', 'pass'],
      ['python-builtin-md5-fallback', 'pass'],
      ['python-fips-mode', 'pass'],
    ]);
  });
});
