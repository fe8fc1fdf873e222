/**
 * KEYS: run, status, events. ARGV: now.
 * Ends a run still marked running whose stages are all finished (what FINISH_STAGE does for the
 * last stage, for a run whose last update was lost). Returns the final status, or false.
 */
export const FINISH_RUN_IF_DONE = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return false end
local all = redis.call('HGETALL', KEYS[2])
if #all == 0 then return false end
local final = 'passed'
for i = 2, #all, 2 do
  local st = all[i]
  if st == 'pending' or st == 'ready' or st == 'running' then return false end
  if st ~= 'succeeded' then final = 'failed' end
end
redis.call('HSET', KEYS[1], 'status', final, 'finishedAt', ARGV[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', '100000', '*', 'type', 'run-finished', 'status', final, 'at', ARGV[1])
return final
`;
