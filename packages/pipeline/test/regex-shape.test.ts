import { describe, expect, it } from 'vitest';
import { patternShape } from '../src/regex-shape.js';

describe('patternShape: proven linear without the checker', () => {
  it.each([
    ['^svc-265 [0-9]+\\.[0-9]+$', ''],
    ['^fips = yes$', ''],
    ['FIPS mode is enabled', ''],
    ['provider', 'i'],
    ['^1$', ''],
    ['fips|FIPS', ''],
    ['colou?r', ''],
    ['^ID="?rhel"?$', ''],
    ['\\bfips\\b', ''],
    ['OpenSSL 3\\.[0-9]+\\.[0-9]+', ''],
    ['[0-9a-f]{32}', ''],
    ['^FIPS: .*$', ''],
    ['error: .*', ''],
    ['^(?<major>[0-9]+)\\.x', ''],
    ['^[a-z]+$', 'i'],
    ['\\p{L}+', 'u'],
  ])('%s /%s', (source, flags) => {
    expect(patternShape(source, flags)).toBe('linear');
  });
});

describe('patternShape: suspicious, always checked', () => {
  it.each([
    ['(a+)+$', ''],
    ['(a|aa)*b', ''],
    ['(x|x?)*y', ''],
    ['^(?:\\w+\\s?)*$', ''],
    ['((ab)*c)+', ''],
    ['(a)\\1', ''],
    ['(?<n>a)\\k<n>', ''],
  ])('%s /%s', (source, flags) => {
    expect(patternShape(source, flags)).toBe('suspicious');
  });
});

describe('patternShape: unproven, checked while the allowance lasts', () => {
  it.each([
    // Quadratic on a long run of the repeated character: every start position rescans it.
    ['a+x', ''],
    ['foo.*bar', ''],
    ['\\w+@\\w+', ''],
    ['\\s*$', ''],
    ['a*a*b', ''],
    ['^\\s*foo', ''], // \s crosses lines, so ^ does not bound it
    ['x[a-z]+[a-c]+y', ''], // [a-c]+ can take back what [a-z]+ took
    ['a?a?a?aaa', ''],
    ['(foo)?bar', ''],
    ['(?=a)b', ''],
    ['x[a-z]+Y', 'i'], // y and Y are the same under i
    ['\\d{1,3}\\.\\d{1,3}', ''],
  ])('%s /%s', (source, flags) => {
    expect(patternShape(source, flags)).toBe('unproven');
  });
});
