import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { extract } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { hashContext, listContext, packContext } from '../src/index.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fy-ctx-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

describe('listContext honours .dockerignore as Docker does', () => {
  it('drops ignored files and directories, keeps exceptions, the Dockerfile and .dockerignore', () => {
    const dir = tree({
      Dockerfile: 'FROM x',
      '.dockerignore': '# comment\n*.log\nsecrets/\nbuild/**\n!build/keep.txt\nDockerfile\n.dockerignore\n',
      'app.js': '1',
      'debug.log': 'x',
      'secrets/key.pem': 'PRIVATE',
      'build/out.bin': 'x',
      'build/keep.txt': 'keep',
      'src/a.ts': 'a',
    });
    const rels = listContext(dir, 'Dockerfile').filter((e) => e.type !== 'dir').map((e) => e.rel);
    expect(rels).toEqual(['.dockerignore', 'Dockerfile', 'app.js', 'build/keep.txt', 'src/a.ts']);
  });

  it('keeps a Dockerfile in a subdirectory even when its directory is ignored', () => {
    const dir = tree({ 'docker/Dockerfile': 'FROM x', '.dockerignore': 'docker\n', 'a.txt': 'a' });
    expect(listContext(dir, 'docker/Dockerfile').map((e) => e.rel)).toContain('docker/Dockerfile');
  });

  it('lists symlinks as links, without following them out of the context', () => {
    const dir = tree({ Dockerfile: 'FROM x' });
    symlinkSync('/etc/passwd', path.join(dir, 'link'));
    const link = listContext(dir, 'Dockerfile').find((e) => e.rel === 'link');
    expect(link?.type).toBe('symlink');
  });

  it('packs exactly the listed entries into a tar stream', async () => {
    const dir = tree({ Dockerfile: 'FROM x', '.dockerignore': 'ignored.txt', 'ignored.txt': 'no', 'kept/a.txt': 'hello' });
    const tar = packContext(listContext(dir, 'Dockerfile'));
    const names: string[] = [];
    const contents: Record<string, string> = {};
    const ex = extract();
    await new Promise<void>((resolve, reject) => {
      ex.on('entry', (header, stream, next) => {
        names.push(header.name);
        const chunks: Buffer[] = [];
        stream.on('data', (c: unknown) => chunks.push(c as Buffer));
        stream.on('end', () => {
          contents[header.name] = Buffer.concat(chunks).toString();
          next();
        });
        stream.resume();
      });
      ex.on('finish', resolve);
      ex.on('error', reject);
      tar.pipe(ex as unknown as NodeJS.WritableStream);
    });
    expect(names).toEqual(['.dockerignore', 'Dockerfile', 'kept', 'kept/a.txt']);
    expect(contents['kept/a.txt']).toBe('hello');
  });
});

describe('hashContext: the build cache sees what the engine would receive', () => {
  const hashOf = (dir: string) => hashContext(listContext(dir, 'Dockerfile'));
  const files = { Dockerfile: 'FROM x\nCOPY . /app\n', '.dockerignore': '*.log\n', 'app.js': 'console.log(1)', 'lib/util.js': 'u' };

  it('is equal for equal content, whatever the file times', async () => {
    const a = tree(files);
    const b = tree(files);
    utimesSync(path.join(b, 'app.js'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(await hashOf(a)).toBe(await hashOf(b));
    expect(await hashOf(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('ignores files .dockerignore leaves out', async () => {
    const a = tree(files);
    const before = await hashOf(a);
    writeFileSync(path.join(a, 'debug.log'), 'noise');
    expect(await hashOf(a)).toBe(before);
  });

  it('changes with a file content, the Dockerfile, an added or renamed file, a mode or a link target', async () => {
    const a = tree(files);
    const seen = new Set([await hashOf(a)]);
    const step = async (change: () => void) => {
      change();
      const h = await hashOf(a);
      expect(seen.has(h)).toBe(false);
      seen.add(h);
    };
    await step(() => writeFileSync(path.join(a, 'app.js'), 'console.log(2)'));
    await step(() => writeFileSync(path.join(a, 'Dockerfile'), 'FROM x\nCOPY . /srv\n'));
    await step(() => writeFileSync(path.join(a, 'new.js'), ''));
    await step(() => renameSync(path.join(a, 'new.js'), path.join(a, 'new2.js')));
    await step(() => chmodSync(path.join(a, 'app.js'), 0o755));
    await step(() => symlinkSync('app.js', path.join(a, 'link')));
    await step(() => {
      rmSync(path.join(a, 'link'));
      symlinkSync('lib/util.js', path.join(a, 'link'));
    });
    await step(() => writeFileSync(path.join(a, '.dockerignore'), '*.log\n*.tmp\n'));
  });

  it('tells a file name from file content that looks like a path', async () => {
    const a = tree({ Dockerfile: 'FROM x', 'ab': 'c' });
    const b = tree({ Dockerfile: 'FROM x', 'a': 'bc' });
    expect(await hashOf(a)).not.toBe(await hashOf(b));
  });
});
