import { describe, expect, it } from 'vitest';
import { load, messages } from './helpers.js';

const NOW = new Date('2026-12-03T12:00:00Z');
const SUITES = { knownSuites: ['fips', 'auto'], suiteCheckIds: { fips: ['openssl-md5-refused', 'openssl-fips-provider-active'], auto: [] }, now: NOW };

describe('custom checks', () => {
  it('normalizes file, env and metadata checks with their meta fields', () => {
    const r = load(
      `version: 1
images:
  a:
    context: @FIX@/ctx
    checks:
      - id: cnf
        title: openssl.cnf enforces FIPS
        severity: required
        controls: [NIST 800-53 SC-13]
        rationale: Only approved algorithms.
        file: { path: /etc/ssl/openssl.cnf, mode: "0644", contains: 'fips=yes', notContains: [default_sect] }
      - id: no-shadow
        file: { path: /etc/gshadow-, exists: false }
      - id: fips-env
        env: { name: OPENSSL_FIPS, equals: "1" }
      - id: no-conf-env
        severity: information
        env: { name: OPENSSL_CONF, absent: true }
      - id: meta
        metadata: { user: '^(app|1000)$', entrypoint: [node], labels: { org.opencontainers.image.vendor: acme }, exposedPorts: [8080/tcp] }
`,
      SUITES,
    );
    expect(messages(r)).toEqual([]);
    const [cnf, shadow, env, conf, meta] = r.value!.images[0]!.checks;
    expect(cnf).toMatchObject({ kind: 'file', path: '/etc/ssl/openssl.cnf', mode: 0o644, exists: true, contains: [{ source: 'fips=yes' }], notContains: [{ source: 'default_sect' }], controls: ['NIST 800-53 SC-13'], rationale: 'Only approved algorithms.', severity: 'required' });
    expect(shadow).toMatchObject({ kind: 'file', exists: false });
    expect(env).toMatchObject({ kind: 'env', name: 'OPENSSL_FIPS', equals: '1', absent: false });
    expect(conf).toMatchObject({ kind: 'env', absent: true, severity: 'information' });
    expect(meta).toMatchObject({ kind: 'metadata', user: { source: '^(app|1000)$' }, entrypoint: ['node'], labels: { 'org.opencontainers.image.vendor': { source: 'acme' } }, exposedPorts: ['8080/tcp'] });
  });

  it('refuses a check that does two things or nothing, a numeric mode, and expect without a command', () => {
    const r = load(
      `version: 1
images:
  a:
    context: @FIX@/ctx
    checks:
      - { id: two, command: [x], file: { path: /x } }
      - { id: none, title: nothing }
      - { id: mode, file: { path: /x, mode: 644 } }
      - { id: exp, env: { name: X }, expect: { exitCode: 0 } }
`,
      SUITES,
    );
    const m = messages(r).join('\n');
    expect(r.value).toBeUndefined();
    expect(m).toMatch(/mode must be a string/);
  });
});

describe('inheritance and waivers', () => {
  const PIPE = (waivers: string) => `version: 1
images:
  base:
    context: @FIX@/ctx
    checks:
      - suite: fips
      - { id: base-file, file: { path: /etc/ssl/openssl.cnf } }
  kid:
    parent: base
    context: @FIX@/child
    checks:
      - suite: fips
      - { id: kid-cmd, command: [/bin/true] }
${waivers}`;

  it('runs the parent checks in the child, once per suite, marked with their origin', () => {
    const r = load(PIPE(''), SUITES);
    expect(messages(r)).toEqual([]);
    const kid = r.value!.images.find((i) => i.name === 'kid')!;
    expect(kid.checks.map((c) => `${c.kind === 'suite' ? c.suite : c.id}@${c.origin}`)).toEqual(['fips@kid', 'kid-cmd@kid', 'base-file@base']);
  });

  it('accepts waivers naming a check the image runs, own, inherited or from a suite', () => {
    const r = load(PIPE(`    waivers:
      - { check: base-file, reason: not shipped in this image on purpose, expires: 2027-01-31 }
      - { check: openssl-md5-refused, reason: legacy protocol kept until Q1, expires: "2027-03-31" }
`), SUITES);
    expect(messages(r)).toEqual([]);
    expect(r.value!.images[1]!.waivers).toEqual([
      { check: 'base-file', reason: 'not shipped in this image on purpose', expires: '2027-01-31' },
      { check: 'openssl-md5-refused', reason: 'legacy protocol kept until Q1', expires: '2027-03-31' },
    ]);
  });

  it('refuses waivers for checks the image does not run, short reasons and bad dates; warns on expired ones', () => {
    const r = load(PIPE(`    waivers:
      - { check: base-fil, reason: a typo in the check id here, expires: 2027-01-31 }
      - { check: kid-cmd, reason: a date that does not exist, expires: 2027-02-30 }
`), SUITES);
    const m = messages(r).join('\n');
    expect(m).toMatch(/waiver names check "base-fil", which image "kid" does not run/);
    expect(r.errors.find((e) => /base-fil/.test(e.message))?.hint).toMatch(/did you mean "base-file"/);
    expect(m).toMatch(/impossible date "2027-02-30"/);
    const short = load(PIPE(`    waivers:
      - { check: kid-cmd, reason: short, expires: 2027-01-31 }
`), SUITES);
    expect(messages(short).join()).toMatch(/at least 10 characters/);
    const expired = load(PIPE(`    waivers:
      - { check: kid-cmd, reason: accepted until last year, expires: 2025-01-31 }
`), SUITES);
    expect(expired.errors).toEqual([]);
    expect(expired.warnings.map((w) => w.message).join()).toMatch(/expired on 2025-01-31/);
  });

  it('refuses a child check that reuses an inherited id', () => {
    const r = load(PIPE('').replace('kid-cmd', 'base-file'), SUITES);
    expect(messages(r).join()).toMatch(/check id "base-file" of image "kid" is already a check inherited from "base"/);
  });
});
