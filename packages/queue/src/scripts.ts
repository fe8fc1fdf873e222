/**
 * Lua scripts that move a run's stages atomically. Redis is the source of truth for a run:
 * BullMQ only carries "please run stage X"; a re-delivered or duplicated job finds the stage's
 * state here and does nothing twice.
 *
 * Stage states: pending -> ready -> running -> succeeded | failed; pending/ready -> skipped.
 */

/** KEYS: run, status, claim, events. ARGV: stageId, worker, now. Returns attempt number, 0 if terminal, -1 if not ready. */
export const CLAIM_STAGE = `
local st = redis.call('HGET', KEYS[2], ARGV[1])
if st == 'succeeded' or st == 'failed' or st == 'skipped' then return 0 end
if st ~= 'ready' and st ~= 'running' then return -1 end
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], 'running')
local prev = redis.call('HGET', KEYS[3], ARGV[1])
local attempt = 1
if prev then attempt = cjson.decode(prev)['attempt'] + 1 end
redis.call('HSET', KEYS[3], ARGV[1], cjson.encode({worker = ARGV[2], startedAt = ARGV[3], attempt = attempt}))
redis.call('XADD', KEYS[4], 'MAXLEN', '~', '100000', '*', 'type', 'stage-started', 'stage', ARGV[1], 'worker', ARGV[2], 'attempt', tostring(attempt), 'at', ARGV[3])
return attempt
`;

/**
 * KEYS: run, status, remaining, dependents, result, events.
 * ARGV: stageId, status (succeeded|failed), resultJson, now, reason, cached ('1' or '').
 * Returns {applied, runFinished, released..., '|', skipped...}.
 */
export const FINISH_STAGE = `
local stage = ARGV[1]
local st = redis.call('HGET', KEYS[2], stage)
if st ~= 'running' and st ~= 'ready' then return {0, 0} end
redis.call('HSET', KEYS[2], stage, ARGV[2])
redis.call('HSET', KEYS[5], stage, ARGV[3])
redis.call('XADD', KEYS[6], 'MAXLEN', '~', '100000', '*', 'type', 'stage-finished', 'stage', stage, 'status', ARGV[2], 'reason', ARGV[5], 'at', ARGV[4], 'cached', ARGV[6])
local released = {}
local skipped = {}
local direct = cjson.decode(redis.call('HGET', KEYS[4], stage) or '[]')
if ARGV[2] == 'succeeded' then
  for _, d in ipairs(direct) do
    local n = redis.call('HINCRBY', KEYS[3], d, -1)
    if n <= 0 and redis.call('HGET', KEYS[2], d) == 'pending' then
      redis.call('HSET', KEYS[2], d, 'ready')
      table.insert(released, d)
    end
  end
else
  local queue = {}
  for _, d in ipairs(direct) do table.insert(queue, d) end
  local i = 1
  while i <= #queue do
    local d = queue[i]
    i = i + 1
    local ds = redis.call('HGET', KEYS[2], d)
    if ds == 'pending' or ds == 'ready' then
      redis.call('HSET', KEYS[2], d, 'skipped')
      redis.call('HSET', KEYS[5], d, cjson.encode({status = 'skipped', reason = 'skipped because ' .. stage .. ' ' .. ARGV[2], finishedAt = ARGV[4]}))
      redis.call('XADD', KEYS[6], 'MAXLEN', '~', '100000', '*', 'type', 'stage-finished', 'stage', d, 'status', 'skipped', 'reason', 'skipped because ' .. stage .. ' ' .. ARGV[2], 'at', ARGV[4])
      table.insert(skipped, d)
      for _, dd in ipairs(cjson.decode(redis.call('HGET', KEYS[4], d) or '[]')) do table.insert(queue, dd) end
    end
  end
end
local finished = 0
local done = redis.call('HINCRBY', KEYS[1], 'done', 1 + #skipped)
if ARGV[2] ~= 'succeeded' then redis.call('HSET', KEYS[1], 'anyFailed', '1') end
if done >= tonumber(redis.call('HGET', KEYS[1], 'total')) and redis.call('HGET', KEYS[1], 'status') == 'running' then
  local final = 'passed'
  if redis.call('HGET', KEYS[1], 'anyFailed') == '1' then final = 'failed' end
  redis.call('HSET', KEYS[1], 'status', final, 'finishedAt', ARGV[4])
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', '100000', '*', 'type', 'run-finished', 'status', final, 'at', ARGV[4])
  finished = 1
end
local out = {1, finished}
for _, r in ipairs(released) do table.insert(out, r) end
table.insert(out, '|')
for _, s in ipairs(skipped) do table.insert(out, s) end
return out
`;

/**
 * KEYS: run, status, result, events. ARGV: now, reason.
 * Marks every stage not yet finished as skipped and the run as cancelled. Returns the stages that
 * were running (their workers must abort them).
 */
export const CANCEL_RUN = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return {} end
local running = {}
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  local s, st = all[i], all[i + 1]
  if st == 'pending' or st == 'ready' or st == 'running' then
    if st == 'running' then table.insert(running, s) end
    redis.call('HSET', KEYS[2], s, 'skipped')
    redis.call('HSET', KEYS[3], s, cjson.encode({status = 'skipped', reason = ARGV[2], finishedAt = ARGV[1]}))
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', '100000', '*', 'type', 'stage-finished', 'stage', s, 'status', 'skipped', 'reason', ARGV[2], 'at', ARGV[1])
  end
end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finishedAt', ARGV[1])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', '100000', '*', 'type', 'run-finished', 'status', 'cancelled', 'at', ARGV[1])
return running
`;
