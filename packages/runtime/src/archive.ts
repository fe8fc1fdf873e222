import { Readable } from 'node:stream';
import * as path from 'node:path';
import { extract, pack } from 'tar-stream';
import type { PathStat } from '@fipsyard/plugin-api';

/** Decodes Docker's `X-Docker-Container-Path-Stat` header (base64 JSON with a Go FileMode). */
export function decodePathStat(header: string, requested: string): PathStat {
  const raw = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { name: string; size: number; mode: number; linkTarget?: string };
  const m = raw.mode >>> 0;
  const type = m & 0x80000000 ? 'dir' : m & 0x08000000 ? 'symlink' : m & 0x8f280000 ? 'other' : 'file';
  let mode = m & 0o777;
  if (m & (1 << 23)) mode |= 0o4000; // setuid
  if (m & (1 << 22)) mode |= 0o2000; // setgid
  if (m & (1 << 20)) mode |= 0o1000; // sticky
  return { path: requested, type, mode, size: raw.size, linkTarget: raw.linkTarget ?? '' };
}

export type TarEntry = { kind: 'file'; content: Buffer } | { kind: 'symlink'; target: string } | { kind: 'other' };

/** The first entry of a tar stream, its content cut at `maxBytes`. */
export async function firstTarEntry(stream: NodeJS.ReadableStream, maxBytes: number): Promise<TarEntry | undefined> {
  const ex = extract();
  return new Promise<TarEntry | undefined>((resolve, reject) => {
    let done = false;
    const finish = (v: TarEntry | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      (stream as Readable).destroy?.();
    };
    ex.on('entry', (header, entry, next) => {
      if (header.type === 'symlink') {
        finish({ kind: 'symlink', target: header.linkname ?? '' });
        entry.resume();
        return next();
      }
      if (header.type !== 'file') {
        finish({ kind: 'other' });
        entry.resume();
        return next();
      }
      const chunks: Buffer[] = [];
      let size = 0;
      entry.on('data', (data: unknown) => {
        const c = data as Buffer;
        if (size < maxBytes) chunks.push(c.subarray(0, maxBytes - size));
        size += c.length;
      });
      entry.on('end', () => {
        finish({ kind: 'file', content: Buffer.concat(chunks) });
        next();
      });
    });
    ex.on('finish', () => finish(undefined));
    ex.on('error', (err: Error) => (done ? undefined : reject(err)));
    stream.on('error', (err: Error) => (done ? undefined : reject(err)));
    stream.pipe(ex as unknown as NodeJS.WritableStream);
  });
}

/** A tar archive holding one file (with its directories when `withDirs`), for putArchive. */
export async function singleFileTar(name: string, content: Buffer, mode: number, withDirs = false): Promise<Buffer> {
  const p = pack();
  if (withDirs) {
    const parts = name.split('/').slice(0, -1);
    parts.forEach((_, i) => p.entry({ name: parts.slice(0, i + 1).join('/'), type: 'directory', mode: 0o755, mtime: new Date(0) }));
  }
  p.entry({ name: withDirs ? name : path.posix.basename(name), mode, size: content.length, mtime: new Date(0) }, content);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}
