import type { RegistryAuth } from '@fipsyard/plugin-api';
import { JsonLinesParser, statusLine } from './build-stream.js';

/** One parsed message of the engine's push or pull progress stream. */
export type ProgressMessage =
  | { type: 'log'; text: string }
  | { type: 'digest'; digest: string }
  | { type: 'error'; message: string };

/**
 * Splits the engine's newline-delimited JSON push/pull stream into messages. Like builds, a failed
 * push or pull does not fail the HTTP call: the failure is an `errorDetail` object in the stream,
 * and the digest of a push arrives as `aux.Digest` in its last message.
 */
export class ProgressStreamParser extends JsonLinesParser<ProgressMessage> {
  constructor() {
    super((obj) => {
      const aux = obj['aux'] as { Digest?: unknown } | undefined;
      const digest: ProgressMessage[] = aux && typeof aux.Digest === 'string' ? [{ type: 'digest', digest: aux.Digest }] : [];
      // Per-layer progress bars ("Pushing [==>  ] 1.2MB/3MB") would flood the log; keep the status lines.
      return [...digest, ...(typeof obj['progress'] === 'string' ? [] : statusLine(obj))];
    });
  }
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Whether `s` is a manifest digest (`sha256:` and 64 hex digits). */
export function isDigest(s: string): boolean {
  return DIGEST.test(s);
}

/**
 * `127.0.0.1:5000/fipsyard/base@sha256:…` -> its repository and digest; undefined when the
 * reference is not pinned by a sha256 digest.
 */
export function parsePinnedReference(ref: string): { repository: string; digest: string } | undefined {
  const at = ref.lastIndexOf('@');
  if (at <= 0) return undefined;
  const digest = ref.slice(at + 1);
  if (!isDigest(digest)) return undefined;
  let repository = ref.slice(0, at);
  // `repo:tag@sha256:…` is valid for the engine; the digest wins, so the tag is dropped.
  const slash = repository.lastIndexOf('/');
  const colon = repository.lastIndexOf(':');
  if (colon > slash) repository = repository.slice(0, colon);
  return { repository, digest };
}

/**
 * `fipsyard/base:run-1` pushed to `127.0.0.1:5000` -> repository `127.0.0.1:5000/fipsyard/base`
 * and tag `run-1` (default `latest`). A repoTag that already names the registry is kept as is.
 */
export function registryTarget(registry: string, repoTag: string): { repository: string; tag: string } {
  const host = registry.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  if (!host || /[/@\s]/.test(host)) throw new Error(`invalid registry "${registry}": expected host[:port], e.g. 127.0.0.1:5000`);
  const full = repoTag.startsWith(`${host}/`) ? repoTag : `${host}/${repoTag}`;
  if (full.includes('@')) throw new Error(`cannot push "${repoTag}": a digest is not a tag; give repo:tag`);
  const slash = full.lastIndexOf('/');
  const colon = full.lastIndexOf(':');
  const [repository, tag] = colon > slash ? [full.slice(0, colon), full.slice(colon + 1)] : [full, 'latest'];
  if (repository === host || !/^[a-z0-9]+(?:[._-][a-z0-9]+|__)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository.slice(host.length + 1))) {
    throw new Error(`invalid repository "${repoTag}": use lowercase path components, e.g. fipsyard/fips-base:1`);
  }
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new Error(`invalid tag "${tag}" in "${repoTag}"`);
  return { repository, tag };
}

/** The registry host of a reference (`127.0.0.1:5000/x/y@…` -> `127.0.0.1:5000`); Docker Hub when none is named. */
export function registryOf(repository: string): string {
  const first = repository.split('/')[0] ?? '';
  return repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/** Environment variables holding registry credentials; read by the apps, never by libraries. */
export const REGISTRY_AUTH_ENV = { username: 'FIPSYARD_REGISTRY_USER', password: 'FIPSYARD_REGISTRY_PASSWORD' } as const;

/**
 * Registry credentials from an environment (the apps pass `process.env`): both variables set, or
 * neither. Throws when only one is set, so a typo does not turn into an anonymous push.
 */
export function registryAuthFromEnv(env: Readonly<Record<string, string | undefined>>): RegistryAuth | undefined {
  const username = env[REGISTRY_AUTH_ENV.username];
  const password = env[REGISTRY_AUTH_ENV.password];
  if (!username && !password) return undefined;
  if (!username || !password) {
    throw new Error(`set both ${REGISTRY_AUTH_ENV.username} and ${REGISTRY_AUTH_ENV.password}, or neither`);
  }
  return { username, password };
}

/**
 * The engine's X-Registry-Auth payload. Always sent, empty when anonymous: Engine 20.10 rejects
 * a push without the header ("Bad parameters and missing X-Registry-Auth").
 */
export function authConfig(registry: string, auth: RegistryAuth | undefined): { username?: string; password?: string; serveraddress?: string } {
  return auth ? { username: auth.username, password: auth.password, serveraddress: registry } : {};
}

/** Stream errors that mean the registry could not be reached (worth retrying), not that it said no. */
export function isRegistryUnreachable(message: string): boolean {
  return /dial tcp|connection refused|no such host|i\/o timeout|TLS handshake timeout|Temporary failure in name resolution|server misbehaving|connection reset|no route to host|network is unreachable|: EOF\b|502 Bad Gateway|503 Service Unavailable|504 Gateway Timeout|toomanyrequests/i.test(
    message,
  );
}

/** Stream errors that mean the registry refused the credentials (or their absence). */
export function isRegistryAuthError(message: string): boolean {
  return /unauthorized|authentication required|denied|no basic auth credentials|401 Unauthorized/i.test(message);
}
