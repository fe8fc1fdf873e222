import { describe, expect, it } from 'vitest';
import { rubySuite } from '@fipsyard/checks-runtimes';
import { TIMED_OUT, fakeProbe, notFound, type Answer } from '@fipsyard/plugin-api/testing';
import { runCheck } from './helpers.js';
import { RUBY_COMPUTED, RUBY_NO_OPENSSL, RUBY_REFUSED } from './recorded.js';

const RUBY = '/usr/bin/ruby';
const rubyImage = (answer: Answer) => fakeProbe({ path: { ruby: RUBY }, answer: (argv) => (argv[0] === RUBY && argv[1] === '-e' && argv[2]?.includes('OpenSSL::Digest.new("MD5")') ? answer : undefined) });

describe('the ruby suite', () => {
  it('applies one check when ruby is on the PATH, one information skip otherwise', async () => {
    expect((await rubySuite.expand(rubyImage(RUBY_REFUSED), {})).map((d) => d.id)).toEqual(['ruby-md5-refused']);
    expect((await rubySuite.expand(fakeProbe(), {})).map((d) => [d.id, d.severity])).toEqual([['ruby-present', 'information']]);
    expect(rubySuite.checkIds).toEqual(['ruby-md5-refused', 'ruby-present']);
  });
});

describe('ruby-md5-refused', () => {
  it('passes when OpenSSL::Digest refuses MD5, quoting ruby', async () => {
    expect(await runCheck(rubySuite, 'ruby-md5-refused', rubyImage(RUBY_REFUSED))).toMatchObject({ status: 'pass', reason: 'refused: Digest initialization failed: initialization error' });
  });

  it('fails when it computes MD5', async () => {
    expect(await runCheck(rubySuite, 'ruby-md5-refused', rubyImage(RUBY_COMPUTED))).toMatchObject({ status: 'fail', reason: 'OpenSSL::Digest computed MD5: Ruby is not in FIPS mode' });
  });

  it('fails on any other answer', async () => {
    expect(await runCheck(rubySuite, 'ruby-md5-refused', rubyImage(RUBY_NO_OPENSSL))).toMatchObject({ status: 'fail', reason: 'unexpected answer (exit code 1)', stderr: RUBY_NO_OPENSSL.stderr });
  });

  it('fails when ruby cannot run or hangs', async () => {
    expect((await runCheck(rubySuite, 'ruby-md5-refused', rubyImage(notFound(RUBY)))).reason).toMatch(/^\/usr\/bin\/ruby cannot be run in this image \(exit code 126\)/);
    expect(await runCheck(rubySuite, 'ruby-md5-refused', rubyImage(TIMED_OUT))).toMatchObject({ status: 'fail', reason: 'timeout: /usr/bin/ruby did not finish' });
  });
});
