import { stageRequirements } from '@fipsyard/core';
import { describe, expect, it } from 'vitest';
import { load, messages } from './helpers.js';

const file = (images: string) => `version: 1
images:
${images}`;

describe('requires: worker labels a stage needs', () => {
  it('normalizes image and check requirements to strings; a test stage needs the union, a build only the image', () => {
    const r = load(
      file(`  base:
    context: @FIX@/ctx
    requires: { fips-host: true, zone: a }
    checks:
      - id: kernel
        command: [cat, /proc/sys/crypto/fips_enabled]
        requires: { arch: amd64 }
  child:
    parent: base
    context: @FIX@/child
`),
    );
    expect(r.errors).toEqual([]);
    const [base, child] = r.value!.images;
    expect(base!.requires).toEqual({ 'fips-host': 'true', zone: 'a' });
    expect(stageRequirements(base!, 'build')).toEqual({ 'fips-host': 'true', zone: 'a' });
    expect(stageRequirements(base!, 'test')).toEqual({ arch: 'amd64', 'fips-host': 'true', zone: 'a' });
    // Image-level requirements are not inherited; inherited checks bring theirs along.
    expect(child!.requires).toBeUndefined();
    expect(stageRequirements(child!, 'build')).toEqual({});
    expect(stageRequirements(child!, 'test')).toEqual({ arch: 'amd64' });
  });

  it('keeps a number-looking value as written', () => {
    const r = load(file(`  base:\n    context: @FIX@/ctx\n    requires: { version: 1.10 }\n`));
    expect(r.errors).toEqual([]);
    expect(r.value!.images[0]!.requires).toEqual({ version: '1.10' });
  });

  it('rejects a bad label name with file:line', () => {
    const r = load(file(`  base:\n    context: @FIX@/ctx\n    requires: { "fips host": "true" }\n`));
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors[0]!.location).toMatchObject({ file: r.file, line: 5 });
    expect(r.errors[0]!.message).toMatch(/label names/);
  });

  it('rejects a bad label value where it stands', () => {
    const r = load(file(`  base:\n    context: @FIX@/ctx\n    checks:\n      - suite: openssl-fips\n        requires:\n          zone: "a,b"\n`));
    expect(messages(r)).toEqual([expect.stringMatching(/label value "a,b" of "zone"/)]);
    expect(r.errors[0]!.location).toMatchObject({ file: r.file, line: 8 });
  });

  it('rejects requirements no single worker can meet', () => {
    const r = load(
      file(`  base:
    context: @FIX@/ctx
    requires: { fips-host: "true" }
    checks:
      - suite: openssl-fips
        requires: { fips-host: "false" }
`),
    );
    expect(messages(r)).toEqual([expect.stringMatching(/test stage of "base" can run on no worker: image "base" requires fips-host=true and check suite "openssl-fips" requires fips-host=false/)]);
    expect(r.errors[0]!.location?.line).toBe(8);
  });

  it('rejects a requires that is not a map', () => {
    const r = load(file(`  base:\n    context: @FIX@/ctx\n    requires: fips-host\n`));
    expect(r.errors[0]!.location).toMatchObject({ line: 5 });
  });
});
