import type { Redis } from 'ioredis';
import type { TestOutput } from '@fipsyard/core';

/** A test stage that passed: what the cache hands out instead of checking the same image again. */
export interface Verdict {
  /** The image checked. */
  imageId: string;
  runId: string;
  /** When the checks finished (ISO 8601). */
  at: string;
  worker?: string;
  test: TestOutput;
}

/**
 * Passed verdicts by input hash (image ID, check definitions, waivers, host, tool), and where each
 * run wrote its evidence. Only passing verdicts are stored: a failed check is always run again.
 */
export class VerdictStore {
  private readonly prefix: string;
  private readonly ttl: number;

  constructor(
    private readonly redis: Redis,
    options: { prefix?: string; ttlSeconds?: number } = {},
  ) {
    this.prefix = options.prefix ?? 'fipsyard';
    this.ttl = options.ttlSeconds ?? 30 * 24 * 3600;
  }

  async get(key: string): Promise<Verdict | undefined> {
    const raw = await this.redis.get(`${this.prefix}:verdict:${key}`);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as Verdict;
    } catch {
      return undefined; // a damaged record is a miss, never a pass
    }
  }

  async put(key: string, verdict: Verdict): Promise<void> {
    await this.redis.set(`${this.prefix}:verdict:${key}`, JSON.stringify(verdict), 'EX', this.ttl);
  }

  /** The image ID last built from a build cache key (a pointer: the engine must still have it). */
  async builtImage(key: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}:built:${key}`)) ?? undefined;
  }

  async setBuiltImage(key: string, imageId: string): Promise<void> {
    await this.redis.set(`${this.prefix}:built:${key}`, imageId, 'EX', this.ttl);
  }

  async forget(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}:verdict:${key}`);
  }

  /** Records where a run's report and evidence were written (by the controller that wrote them). */
  async setEvidenceDir(runId: string, dir: string): Promise<void> {
    await this.redis.set(`${this.prefix}:evidence-dir:${runId}`, dir, 'EX', this.ttl);
  }

  async evidenceDir(runId: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}:evidence-dir:${runId}`)) ?? undefined;
  }

  /**
   * Deletes every key but the cache's: for a private Redis reloaded from its snapshot, whose
   * earlier runs and queued jobs belong to processes that have ended and must not be picked up.
   */
  async keepOnlyCache(): Promise<number> {
    let cursor = '0';
    let removed = 0;
    const keepers = [`${this.prefix}:verdict:`, `${this.prefix}:evidence-dir:`, `${this.prefix}:built:`];
    do {
      const [next, keys] = await this.redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      const drop = keys.filter((k) => !keepers.some((p) => k.startsWith(p)));
      if (drop.length) removed += await this.redis.del(...drop);
    } while (cursor !== '0');
    return removed;
  }
}
