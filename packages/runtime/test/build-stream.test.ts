import { describe, expect, it } from 'vitest';
import { BuildStreamParser, isImageSourceError, redact, splitReference } from '../src/index.js';

describe('BuildStreamParser', () => {
  it('finds the image ID, log lines and errors across chunk boundaries', () => {
    const p = new BuildStreamParser();
    const a = p.push('{"stream":"Step 1/2 : FROM x\\n"}\n{"aux":{"ID":"sha256:ab');
    const b = p.push('c"}}\n{"errorDetail":{"code":1,"message":"boom"},"error":"boom"}\n{"stream":"tail"}');
    const c = p.end();
    expect([...a, ...b, ...c]).toEqual([
      { type: 'log', text: 'Step 1/2 : FROM x' },
      { type: 'image', id: 'sha256:abc' },
      { type: 'error', message: 'boom' },
      { type: 'log', text: 'tail' },
    ]);
  });
  it('keeps non-JSON lines as log text', () => {
    expect(new BuildStreamParser().push('plain text\n')).toEqual([{ type: 'log', text: 'plain text' }]);
  });
});

describe('isImageSourceError', () => {
  it('recognizes registry and DNS failures, not Dockerfile step failures', () => {
    expect(isImageSourceError('Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host')).toBe(true);
    expect(isImageSourceError('pull access denied for nope, repository does not exist')).toBe(true);
    expect(isImageSourceError("The command '/bin/sh -c false' returned a non-zero code: 1")).toBe(false);
  });
});

describe('redact', () => {
  it('replaces secret values', () => {
    expect(redact('token=s3cr3t and s3cr3t', ['s3cr3t'])).toBe('token=*** and ***');
  });
});

describe('splitReference', () => {
  it('splits repository and tag, defaulting to latest, with registry ports', () => {
    expect(splitReference('a/b:1')).toEqual({ repo: 'a/b', tag: '1' });
    expect(splitReference('localhost:5000/a')).toEqual({ repo: 'localhost:5000/a', tag: 'latest' });
    expect(splitReference('localhost:5000/a:2')).toEqual({ repo: 'localhost:5000/a', tag: '2' });
  });
});
