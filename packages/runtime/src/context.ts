import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import { pack } from 'tar-stream';
import type { Ignore } from '@balena/dockerignore';

// A CommonJS module whose typings declare an ES default export it does not have.
const createIgnore = createRequire(import.meta.url)('@balena/dockerignore') as () => Ignore;

export interface ContextEntry {
  /** POSIX path relative to the context root. */
  rel: string;
  abs: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  size: number;
}

/**
 * Lists the files Docker would receive for this context, honouring `.dockerignore` with Docker's
 * own semantics; the Dockerfile and `.dockerignore` are always kept. Sorted, for stable hashes.
 */
export function listContext(contextDir: string, dockerfile: string): ContextEntry[] {
  const ignoreFile = path.join(contextDir, '.dockerignore');
  let patterns: string[] = [];
  try {
    patterns = readFileSync(ignoreFile, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('#'));
  } catch {
    // no .dockerignore
  }
  const ig = createIgnore().add(patterns);
  const keep = new Set([path.posix.normalize(dockerfile), '.dockerignore']);
  const out: ContextEntry[] = [];
  const walk = (dirAbs: string, dirRel: string): void => {
    const names = readdirSync(dirAbs).sort();
    for (const name of names) {
      const abs = path.join(dirAbs, name);
      const rel = dirRel ? `${dirRel}/${name}` : name;
      const st = lstatSync(abs);
      const ignored = ig.ignores(rel) && !keep.has(rel);
      if (st.isDirectory()) {
        // An ignored directory may still hold re-included files ("!dir/keep"): descend anyway.
        if (!ignored) out.push({ rel, abs, type: 'dir', mode: st.mode & 0o7777, size: 0 });
        walk(abs, rel);
      } else if (!ignored && (st.isFile() || st.isSymbolicLink())) {
        out.push({ rel, abs, type: st.isSymbolicLink() ? 'symlink' : 'file', mode: st.mode & 0o7777, size: st.size });
      }
    }
  };
  walk(contextDir, '');
  return out;
}

/** A tar stream of the context, as `docker build` would send it. */
export function packContext(entries: readonly ContextEntry[]): Readable {
  const tar = pack();
  const mtime = new Date(0); // stable archives: the build cache keys on content, not time
  (async () => {
    for (const e of entries) {
      if (e.type === 'dir') {
        tar.entry({ name: e.rel, type: 'directory', mode: e.mode, mtime });
      } else if (e.type === 'symlink') {
        tar.entry({ name: e.rel, type: 'symlink', linkname: readlinkSync(e.abs), mode: e.mode, mtime });
      } else {
        await new Promise<void>((resolve, reject) => {
          const entry = tar.entry({ name: e.rel, type: 'file', mode: e.mode, size: e.size, mtime }, (err) => (err ? reject(err) : resolve()));
          const src = createReadStream(e.abs);
          src.on('error', reject);
          // The archive is destroyed when the engine connection breaks mid-upload.
          entry.on('error', (err: unknown) => {
            src.destroy();
            reject(err instanceof Error ? err : new Error(String(err)));
          });
          src.pipe(entry as unknown as NodeJS.WritableStream);
        });
      }
    }
    tar.finalize();
  })().catch((err: unknown) => tar.destroy(err instanceof Error ? err : new Error(String(err))));
  // tar-stream speaks streamx; dockerode only needs something it can pipe.
  return tar as unknown as Readable;
}

/**
 * A content hash of what the engine would receive for this context: each entry's path, type,
 * permission bits and content (or link target). File times and ownership are left out, as in the
 * archive `packContext` sends, so a fresh checkout of the same files hashes the same.
 */
export async function hashContext(entries: readonly ContextEntry[]): Promise<string> {
  const all = createHash('sha256');
  for (const e of entries) {
    let body: string;
    if (e.type === 'dir') body = '';
    else if (e.type === 'symlink') body = readlinkSync(e.abs);
    else body = await hashFile(e.abs);
    // NUL cannot occur in a path: the fields cannot run into each other.
    all.update(`${e.type}\0${e.rel}\0${e.mode.toString(8)}\0${body}\n`);
  }
  return `sha256:${all.digest('hex')}`;
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
