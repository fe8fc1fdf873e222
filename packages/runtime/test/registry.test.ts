import { describe, expect, it } from 'vitest';
import {
  ProgressStreamParser,
  isRegistryAuthError,
  isRegistryUnreachable,
  parsePinnedReference,
  registryAuthFromEnv,
  registryOf,
  registryTarget,
} from '../src/index.js';

const D = `sha256:${'ab'.repeat(32)}`;

describe('ProgressStreamParser', () => {
  it('finds the digest in the last message of a push and keeps status lines, not progress bars', () => {
    const p = new ProgressStreamParser();
    const stream = [
      '{"status":"The push refers to repository [127.0.0.1:5000/x]"}',
      '{"status":"Preparing","progressDetail":{},"id":"5f70bf18a086"}',
      '{"status":"Pushing","progressDetail":{"current":512,"total":1024},"progress":"[=====>   ]","id":"5f70bf18a086"}',
      '{"status":"Pushed","progressDetail":{},"id":"5f70bf18a086"}',
      `{"status":"v1: digest: ${D} size: 528"}`,
      `{"progressDetail":{},"aux":{"Tag":"v1","Digest":"${D}","Size":528}}`,
      '',
    ].join('\n');
    // Split mid-line, as a socket would.
    const msgs = [...p.push(stream.slice(0, 100)), ...p.push(stream.slice(100)), ...p.end()];
    expect(msgs.filter((m) => m.type === 'digest')).toEqual([{ type: 'digest', digest: D }]);
    const logs = msgs.flatMap((m) => (m.type === 'log' ? [m.text] : []));
    expect(logs).toContain('5f70bf18a086: Pushed');
    expect(logs.some((l) => l.includes('Pushing'))).toBe(false);
  });

  it('reports an error carried inside the stream', () => {
    const msgs = new ProgressStreamParser().push('{"errorDetail":{"message":"dial tcp 127.0.0.1:1: connect: connection refused"},"error":"x"}\n');
    expect(msgs).toEqual([{ type: 'error', message: 'dial tcp 127.0.0.1:1: connect: connection refused' }]);
  });
});

describe('references', () => {
  it('parses pinned references, dropping a tag the digest overrides', () => {
    expect(parsePinnedReference(`127.0.0.1:5000/fipsyard/base@${D}`)).toEqual({ repository: '127.0.0.1:5000/fipsyard/base', digest: D });
    expect(parsePinnedReference(`127.0.0.1:5000/fipsyard/base:1@${D}`)).toEqual({ repository: '127.0.0.1:5000/fipsyard/base', digest: D });
    expect(parsePinnedReference('127.0.0.1:5000/fipsyard/base:1')).toBeUndefined();
    expect(parsePinnedReference('127.0.0.1:5000/x@sha256:short')).toBeUndefined();
  });

  it('puts a repo:tag under the registry once, defaulting the tag to latest', () => {
    expect(registryTarget('127.0.0.1:5000', 'fipsyard/base:run-1')).toEqual({ repository: '127.0.0.1:5000/fipsyard/base', tag: 'run-1' });
    expect(registryTarget('127.0.0.1:5000', '127.0.0.1:5000/fipsyard/base')).toEqual({ repository: '127.0.0.1:5000/fipsyard/base', tag: 'latest' });
    expect(() => registryTarget('127.0.0.1:5000', 'Fipsyard/Base:1')).toThrow(/lowercase/);
    expect(() => registryTarget('127.0.0.1:5000/x', 'a:1')).toThrow(/host\[:port\]/);
    expect(() => registryTarget('127.0.0.1:5000', `a@${D}`)).toThrow(/digest is not a tag/);
  });

  it('names the registry of a repository', () => {
    expect(registryOf('127.0.0.1:5000/a/b')).toBe('127.0.0.1:5000');
    expect(registryOf('localhost/a')).toBe('localhost');
    expect(registryOf('library/debian')).toBe('docker.io');
  });
});

describe('registry credentials and failures', () => {
  it('reads both credentials from an environment, or none, never half', () => {
    expect(registryAuthFromEnv({})).toBeUndefined();
    expect(registryAuthFromEnv({ FIPSYARD_REGISTRY_USER: 'u', FIPSYARD_REGISTRY_PASSWORD: 'p' })).toEqual({ username: 'u', password: 'p' });
    expect(() => registryAuthFromEnv({ FIPSYARD_REGISTRY_USER: 'u' })).toThrow(/both/);
  });

  it('tells an unreachable registry from one that says no', () => {
    expect(isRegistryUnreachable('Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused')).toBe(true);
    expect(isRegistryUnreachable('unauthorized: authentication required')).toBe(false);
    expect(isRegistryAuthError('no basic auth credentials')).toBe(true);
    expect(isRegistryAuthError('manifest unknown')).toBe(false);
  });
});
