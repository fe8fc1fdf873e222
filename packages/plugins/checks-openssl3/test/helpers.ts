import type { CheckDefinition } from '@fipsyard/plugin-api';
import { openssl3Suite } from '@fipsyard/checks-openssl3';
import { fakeProbe, type FakeProbeOptions, type Recording } from '@fipsyard/plugin-api/testing';
import {
  CHACHA20_REFUSED_STDERR,
  FIPSMODULE_CNF,
  MD5_REFUSED_STDERR,
  OPENSSL_CNF_FIPS,
  PROVIDERS_FIPS_BASE,
  SHA256_OF_EMPTY,
  SHA256_REFUSED_STDERR,
  SHA512_OF_EMPTY,
  SM3_REFUSED_STDERR,
  VERIFY_PASSED_STDERR,
  VERSION_DIRS,
} from './recorded.js';

export const LIST = 'openssl list -providers';
export const MD5 = 'openssl dgst -md5 /dev/null';
export const SM3 = 'openssl dgst -sm3 /dev/null';
export const CHACHA20 = `openssl enc -chacha20 -K ${'0'.repeat(64)} -iv ${'0'.repeat(32)} -in /dev/null -out /dev/null`;
export const SHA256 = 'openssl dgst -sha256 /dev/null';
export const SHA512 = 'openssl dgst -sha512 /dev/null';
export const DIRS = 'openssl version -d -m';
export const VERIFY = 'openssl fipsinstall -module /usr/lib/x86_64-linux-gnu/ossl-modules/fips.so -in /usr/lib/ssl/fipsmodule.cnf -verify';
export const SCRATCH_CNF = '/tmp/.fipsyard-failclosed-openssl.cnf';
export const SCRATCH_MODULE = '/tmp/.fipsyard-failclosed-fipsmodule.cnf';
export const FAILCLOSED_SHA256 = `OPENSSL_CONF=${SCRATCH_CNF} ${SHA256}`;
export const FAILCLOSED_MD5 = `OPENSSL_CONF=${SCRATCH_CNF} ${MD5}`;

/** Everything fipsyard/fips-base answered (recorded). */
export const FIPS_BASE: Recording = {
  [LIST]: { stdout: PROVIDERS_FIPS_BASE },
  [MD5]: { exitCode: 1, stderr: MD5_REFUSED_STDERR },
  [SM3]: { exitCode: 1, stderr: SM3_REFUSED_STDERR },
  [CHACHA20]: { exitCode: 1, stderr: CHACHA20_REFUSED_STDERR },
  [SHA256]: { stdout: SHA256_OF_EMPTY },
  [SHA512]: { stdout: SHA512_OF_EMPTY },
  [DIRS]: { stdout: VERSION_DIRS },
  [VERIFY]: { stderr: VERIFY_PASSED_STDERR },
  [FAILCLOSED_SHA256]: { exitCode: 1, stderr: SHA256_REFUSED_STDERR },
  [FAILCLOSED_MD5]: { exitCode: 1, stderr: MD5_REFUSED_STDERR },
};

export const FIPS_BASE_FILES = { '/usr/lib/ssl/openssl.cnf': OPENSSL_CNF_FIPS, '/usr/lib/ssl/fipsmodule.cnf': FIPSMODULE_CNF };

export function check(id: string): CheckDefinition {
  const def = (openssl3Suite.expand(fakeProbe(), {}) as CheckDefinition[]).find((c) => c.id === id);
  if (!def) throw new Error(`openssl3 has no check ${id}`);
  return def;
}

/** The fips-base recording and files, with `changes` on top. */
export function fipsBase(changes: Recording = {}, more: Omit<FakeProbeOptions, 'recording'> = {}) {
  return fakeProbe({ recording: { ...FIPS_BASE, ...changes }, files: FIPS_BASE_FILES, ...more });
}
