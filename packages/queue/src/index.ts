export { connectRedis, redactUrl } from './redis.js';
export type { Redis, RedisConnectOptions } from './redis.js';
export { RunStore } from './run-store.js';
export type { RunRecord, StageRecord, StageState, RunEvent, FinishResult, RunStoreOptions } from './run-store.js';
export { StageQueue, StageWorkers, jobIdFor, QUEUE_NAMES } from './stage-queue.js';
export type { StageJob, StageProcessor, StageGiveUp, StageQueueOptions, StageWorkersOptions } from './stage-queue.js';
export { startEmbeddedRedis } from './embedded-redis.js';
export type { EmbeddedRedis, EmbeddedRedisOptions } from './embedded-redis.js';
