import { describe, expect, it } from 'vitest';
import { goSuite, judgeGoBinary, parseGoBuildInfo } from '@fipsyard/checks-runtimes';
import { fakeProbe, notFound, type Answer, type FakeProbeOptions } from '@fipsyard/plugin-api/testing';
import { checksOf, runCheck } from './helpers.js';
import { FIND, FIPS_BASE_FIND, GO_DEV_FIND, GO_ENV_122, GO_ENV_FIPS, GO_ENV_OFF, GO_FIPS_LATEST, GO_FIPS_V1, GO_NO_FIPS } from './recorded.js';

const GO = '/usr/bin/go';
const GO_ENV = `${GO} env GOFIPS140 GOVERSION`;
const BIN = '/usr/local/bin/fips-hello';
/** The ELF head of /usr/bin/openssl: an executable that is not Go. */
const NOT_GO = Buffer.concat([Buffer.from('7f454c4602010100000000000000000003003e0001000000', 'hex'), Buffer.alloc(4096)]);

/** fipsyard/go-dev: the toolchain on the PATH, one FIPS Go program in /usr/local/bin (recorded). */
const goDev = (changes: { find?: Answer; goEnv?: Answer; files?: FakeProbeOptions['files']; path?: Record<string, string> } = {}) =>
  fakeProbe({
    path: changes.path ?? { go: GO },
    recording: { [FIND]: changes.find ?? GO_DEV_FIND, [GO_ENV]: changes.goEnv ?? GO_ENV_FIPS },
    files: changes.files ?? { [BIN]: GO_FIPS_V1 },
  });

describe('parseGoBuildInfo', () => {
  it('reads the Go version and the FIPS build settings of a GOFIPS140=v1.0.0 binary', () => {
    expect(parseGoBuildInfo(GO_FIPS_V1)).toEqual({ goVersion: 'go1.24.4', gofips140: 'v1.0.0', defaultGodebug: 'fips140=on' });
  });

  it('reads GOFIPS140=latest', () => {
    expect(parseGoBuildInfo(GO_FIPS_LATEST)).toEqual({ goVersion: 'go1.24.4', gofips140: 'latest', defaultGodebug: 'fips140=on' });
  });

  it('leaves the settings out of a binary built without them', () => {
    expect(parseGoBuildInfo(GO_NO_FIPS)).toEqual({ goVersion: 'go1.24.4' });
  });

  it('reads a buffer that is only the magic header and the module text', () => {
    // Laid out as Go 1.18+ writes it: header, length-prefixed version, length-prefixed module info between sentinels.
    const sentinel = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
    const text = Buffer.from(
      'path\texample.com/svc\nmod\texample.com/svc\t(devel)\t\nbuild\t-compiler=gc\nbuild\tGOFIPS140=v1.0.0\nbuild\tDefaultGODEBUG=fips140=only,tlsmlkem=0\n',
      'latin1',
    );
    const modinfo = Buffer.concat([sentinel, text, sentinel]);
    expect(modinfo.length).toBeGreaterThanOrEqual(128); // so its length is the two-byte varint below
    const bin = Buffer.concat([
      Buffer.from('\xff Go buildinf:\x08\x02', 'latin1'),
      Buffer.alloc(16),
      Buffer.from('\x08go1.25.1', 'latin1'),
      Buffer.from([0x80 | (modinfo.length & 0x7f), modinfo.length >> 7]),
      modinfo,
    ]);
    expect(parseGoBuildInfo(bin)).toEqual({ goVersion: 'go1.25.1', gofips140: 'v1.0.0', defaultGodebug: 'fips140=only,tlsmlkem=0' });
  });

  it('says "unknown" when no Go version is found', () => {
    expect(parseGoBuildInfo(Buffer.from('\xff Go buildinf:\nbuild\tGOFIPS140=v1.0.0\n', 'latin1'))?.goVersion).toBe('unknown');
  });

  it('gives undefined for a file that is not a Go binary', () => {
    expect(parseGoBuildInfo(NOT_GO)).toBeUndefined();
    expect(parseGoBuildInfo(Buffer.from('build\tGOFIPS140=v1.0.0\n'))).toBeUndefined();
  });
});

describe('judgeGoBinary', () => {
  it('passes a frozen module version, naming the fips140 setting', () => {
    expect(judgeGoBinary({ goVersion: 'go1.24.4', gofips140: 'v1.0.0', defaultGodebug: 'fips140=on' })).toEqual({ status: 'pass', why: 'GOFIPS140=v1.0.0 (the frozen Go Cryptographic Module), fips140=on' });
    expect(judgeGoBinary({ goVersion: 'go1.24.4', gofips140: 'v1.0.0' })).toEqual({ status: 'pass', why: 'GOFIPS140=v1.0.0 (the frozen Go Cryptographic Module)' });
  });

  it('warns for GOFIPS140=latest: FIPS mode, but not the frozen module', () => {
    expect(judgeGoBinary({ goVersion: 'go1.24.4', gofips140: 'latest', defaultGodebug: 'fips140=on' })).toEqual({
      status: 'warn',
      why: "FIPS mode fips140=on but GOFIPS140=latest: Go's latest crypto, not the frozen module snapshot",
    });
  });

  it('warns for fips140=only set without GOFIPS140', () => {
    expect(judgeGoBinary({ goVersion: 'go1.24.4', defaultGodebug: 'tlsmlkem=0,fips140=only' })).toEqual({
      status: 'warn',
      why: "FIPS mode fips140=only but GOFIPS140=unset: Go's latest crypto, not the frozen module snapshot",
    });
  });

  it('fails a binary with neither, and ignores fips140=off or look-alike settings', () => {
    const fail = { status: 'fail', why: "built without GOFIPS140 and without fips140=on: Go's own standard crypto, openssl.cnf is ignored (go1.24.4)" };
    expect(judgeGoBinary({ goVersion: 'go1.24.4' })).toEqual(fail);
    expect(judgeGoBinary({ goVersion: 'go1.24.4', defaultGodebug: 'fips140=off' })).toEqual(fail);
    expect(judgeGoBinary({ goVersion: 'go1.24.4', gofips140: 'off', defaultGodebug: 'xfips140=on' })).toEqual(fail);
  });
});

describe('the go suite', () => {
  it('applies its two checks where the toolchain is on the PATH', async () => {
    const defs = [...(await checksOf(goSuite, goDev())).values()];
    expect(defs.map((d) => [d.id, d.controls])).toEqual([
      ['go-binaries-fips140', ['NIST 800-53 SC-13']],
      ['go-toolchain-fips140', undefined],
    ]);
    expect(goSuite.checkIds).toEqual(['go-binaries-fips140', 'go-toolchain-fips140', 'go-present']);
  });

  it('applies them without a toolchain when Go programs are found in the usual places', async () => {
    const probe = goDev({ path: {} });
    expect([...(await checksOf(goSuite, probe)).keys()]).toEqual(['go-binaries-fips140', 'go-toolchain-fips140']);
    expect(probe.ran).toEqual([FIND]);
    expect(probe.read).toEqual([BIN]);
  });

  it('applies them for the programs named in the paths option, without searching', async () => {
    const probe = fakeProbe({ files: { '/app/server': GO_FIPS_V1 } });
    expect([...(await checksOf(goSuite, probe, { paths: ['/app/server'] })).keys()]).toEqual(['go-binaries-fips140', 'go-toolchain-fips140']);
    expect(probe.ran).toEqual([]);
  });

  it('gives one information skip without a toolchain or Go programs (fipsyard/fips-base)', async () => {
    const probe = fakeProbe({ recording: { [FIND]: FIPS_BASE_FIND } });
    expect((await goSuite.expand(probe, {})).map((d) => [d.id, d.severity])).toEqual([['go-present', 'information']]);
  });

  it('gives the skip as well when find itself is missing', async () => {
    const probe = fakeProbe({ recording: { [FIND]: notFound('find') } });
    expect((await goSuite.expand(probe, {})).map((d) => d.id)).toEqual(['go-present']);
  });
});

describe('go-binaries-fips140', () => {
  it('passes on go-dev\'s FIPS program, found by searching, with what it read as evidence', async () => {
    const v = await runCheck(goSuite, 'go-binaries-fips140', goDev());
    expect(v).toEqual({
      status: 'pass',
      reason: '/usr/local/bin/fips-hello: GOFIPS140=v1.0.0 (the frozen Go Cryptographic Module), fips140=on',
      command: ['read', BIN],
      exitCode: null,
      stdout: '/usr/local/bin/fips-hello: go1.24.4 GOFIPS140=v1.0.0 DefaultGODEBUG=fips140=on',
      stderr: '',
      durationMs: 0,
    });
  });

  it('judges the programs named in the paths option, the worst one deciding', async () => {
    const files = { '/app/server': GO_FIPS_V1, '/app/worker': GO_FIPS_LATEST, '/app/legacy': GO_NO_FIPS, '/usr/bin/openssl': NOT_GO };
    const options = { paths: ['/app/server', '/app/worker', '/app/legacy', 42] };
    const v = await runCheck(goSuite, 'go-binaries-fips140', fakeProbe({ files }), options);
    expect(v.status).toBe('fail');
    expect(v.command).toEqual(['read', '/app/server', '/app/worker', '/app/legacy']);
    expect(v.reason).toBe(
      [
        '/app/server: GOFIPS140=v1.0.0 (the frozen Go Cryptographic Module), fips140=on',
        "/app/worker: FIPS mode fips140=on but GOFIPS140=latest: Go's latest crypto, not the frozen module snapshot",
        "/app/legacy: built without GOFIPS140 and without fips140=on: Go's own standard crypto, openssl.cnf is ignored (go1.24.4)",
      ].join('; '),
    );
  });

  it('warns when the worst program is GOFIPS140=latest', async () => {
    const v = await runCheck(goSuite, 'go-binaries-fips140', fakeProbe({ files: { '/app/a': GO_FIPS_V1, '/app/b': GO_FIPS_LATEST } }), { paths: ['/app/a', '/app/b'] });
    expect(v.status).toBe('warn');
  });

  it('does not pass quietly when a program named in paths is missing', async () => {
    const v = await runCheck(goSuite, 'go-binaries-fips140', goDev({ files: {} }), { paths: ['/app/sever'] });
    expect(v.status === 'skip' && v.severity === 'information').toBe(false);
  });

  it('skips, as information, when the toolchain is there but no Go program is', async () => {
    const v = await runCheck(goSuite, 'go-binaries-fips140', goDev({ find: FIPS_BASE_FIND, files: {} }));
    expect(v).toMatchObject({ status: 'skip', severity: 'information', reason: 'no Go binaries found (name them with the suite option paths: [...])' });
  });
});

describe('go-toolchain-fips140', () => {
  it('passes when the toolchain builds with GOFIPS140=v1.0.0 (go-dev)', async () => {
    expect(await runCheck(goSuite, 'go-toolchain-fips140', goDev())).toMatchObject({ status: 'pass', reason: 'go1.24.4: GOFIPS140=v1.0.0', command: [GO, 'env', 'GOFIPS140', 'GOVERSION'] });
  });

  it('fails when it builds with GOFIPS140=off', async () => {
    expect(await runCheck(goSuite, 'go-toolchain-fips140', goDev({ goEnv: GO_ENV_OFF }))).toMatchObject({
      status: 'fail',
      reason: "go1.24.4: GOFIPS140=off: programs built here use Go's standard crypto; set ENV GOFIPS140=v1.0.0",
    });
  });

  it('fails for a Go older than 1.24', async () => {
    expect((await runCheck(goSuite, 'go-toolchain-fips140', goDev({ goEnv: GO_ENV_122 }))).status).toBe('fail');
  });

  it('names the Go version, not "GOFIPS140=go1.22.5", for a Go older than 1.24', async () => {
    const v = await runCheck(goSuite, 'go-toolchain-fips140', goDev({ goEnv: GO_ENV_122 }));
    expect(v.reason).toBe("go1.22.5: GOFIPS140=off: programs built here use Go's standard crypto; set ENV GOFIPS140=v1.0.0");
  });

  it('skips, as information, without a toolchain', async () => {
    const probe = fakeProbe({ files: { '/app/server': GO_FIPS_V1 } });
    expect(await runCheck(goSuite, 'go-toolchain-fips140', probe, { paths: ['/app/server'] })).toMatchObject({ status: 'skip', severity: 'information', reason: 'no Go toolchain in the image' });
  });

  it('fails when the toolchain cannot run', async () => {
    expect((await runCheck(goSuite, 'go-toolchain-fips140', goDev({ goEnv: notFound(GO) }))).reason).toMatch(/^\/usr\/bin\/go cannot be run in this image \(exit code 126\)/);
  });
});
