import { describe, expect, it } from 'vitest';
import { formatLabels, labelProblem, requirementsKey, satisfies, stageRequirements, unschedulableReason } from '../src/index.js';

describe('requirements', () => {
  it('have a stable key whatever the order they were written in', () => {
    expect(requirementsKey({ zone: 'a', 'fips-host': 'true' })).toBe('fips-host=true,zone=a');
    expect(requirementsKey({})).toBe('');
  });

  it('are met only by a worker carrying every pair with the same value', () => {
    expect(satisfies({ 'fips-host': 'true', arch: 'amd64' }, { 'fips-host': 'true' })).toBe(true);
    expect(satisfies({ 'fips-host': 'false', arch: 'amd64' }, { 'fips-host': 'true' })).toBe(false);
    expect(satisfies({}, { zone: 'a' })).toBe(false);
    expect(satisfies({}, {})).toBe(true);
  });

  it('of a test stage include its checks; of a build stage only the image', () => {
    const image = { requires: { arch: 'amd64' }, checks: [{ kind: 'suite' as const, suite: 'fips', options: {}, origin: 'x', requires: { 'fips-host': 'true' } }] };
    expect(stageRequirements(image, 'build')).toEqual({ arch: 'amd64' });
    expect(stageRequirements(image, 'test')).toEqual({ arch: 'amd64', 'fips-host': 'true' });
  });

  it('explain an unschedulable stage with the workers seen', () => {
    expect(formatLabels({ 'fips-host': 'false', arch: 'amd64' })).toBe('{arch=amd64, fips-host=false}');
    expect(unschedulableReason({ 'fips-host': 'true' }, [{ name: 'w1', labels: { arch: 'amd64', 'fips-host': 'false' } }])).toBe('no worker offers fips-host=true (workers seen: w1 {arch=amd64, fips-host=false})');
    expect(unschedulableReason({ zone: 'a' }, [])).toBe('no worker offers zone=a (workers seen: none)');
  });

  it('reject label names and values that would break lists and queue names', () => {
    expect(labelProblem('fips-host', 'true')).toBeUndefined();
    expect(labelProblem('fips host', 'true')).toMatch(/label name/);
    expect(labelProblem('zone', 'a,b')).toMatch(/label value/);
    expect(labelProblem('zone', '')).toMatch(/label value/);
  });
});
