import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { requirementsKey, type Requirements, type StageKind } from '@fipsyard/core';

export const QUEUE_NAMES: Record<StageKind, string> = { build: 'fipsyard-build', test: 'fipsyard-test' };

/** A stage queue and what a worker must offer to consume it. */
export interface RoutedQueue {
  name: string;
  kind: StageKind;
  requires: Requirements;
}

/**
 * BullMQ cannot route a job to some workers only, so each distinct requirement set gets queues of
 * its own: `fipsyard-build` for none, `fipsyard-build@<hash of "k=v,...">` otherwise. A worker
 * consumes every queue whose requirements its labels meet.
 */
export function queueNameFor(kind: StageKind, requires: Requirements): string {
  const key = requirementsKey(requires);
  if (key === '') return QUEUE_NAMES[kind];
  return `${QUEUE_NAMES[kind]}@${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** Constrained queues are listed here (name -> {kind, requires, lastUsed}) for workers to discover. */
export function routedQueuesKey(bullPrefix: string): string {
  return `${bullPrefix}:routed-queues`;
}

/** Queues unused this long are forgotten: workers stop consuming them. */
export const ROUTED_QUEUE_RETENTION_MS = 7 * 24 * 3600 * 1000;

export async function registerRoutedQueue(redis: Redis, bullPrefix: string, q: RoutedQueue, now: number): Promise<void> {
  await redis.hset(routedQueuesKey(bullPrefix), q.name, JSON.stringify({ kind: q.kind, requires: q.requires, lastUsed: now }));
}

/** The constrained queues in use; entries past the retention are removed. */
export async function listRoutedQueues(redis: Redis, bullPrefix: string, now: number): Promise<RoutedQueue[]> {
  const all = await redis.hgetall(routedQueuesKey(bullPrefix));
  const out: RoutedQueue[] = [];
  const stale: string[] = [];
  for (const [name, raw] of Object.entries(all)) {
    try {
      const v = JSON.parse(raw) as { kind: StageKind; requires: Requirements; lastUsed: number };
      if (now - v.lastUsed > ROUTED_QUEUE_RETENTION_MS) stale.push(name);
      else if (v.kind === 'build' || v.kind === 'test') out.push({ name, kind: v.kind, requires: v.requires });
    } catch {
      stale.push(name);
    }
  }
  if (stale.length) await redis.hdel(routedQueuesKey(bullPrefix), ...stale);
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}
