-- Records how a call to an SMS provider went.
-- KEYS: [1] breaker state, [2] recent failures (zset).
-- ARGV: now, 'ok' | 'fail', failure threshold, window (s), cool-off (s), state TTL (s), member.
-- Returns 'closed' or 'open', or 'opened' / 'reclosed' when this report changed the state.
local now = tonumber(ARGV[1])
local open_until = tonumber(redis.call('HGET', KEYS[1], 'open_until'))
local ttl_ms = math.ceil(tonumber(ARGV[6]) * 1000)
if ARGV[2] == 'ok' then
  if open_until and now >= open_until then
    redis.call('DEL', KEYS[1], KEYS[2])
    return 'reclosed'
  end
  return open_until and 'open' or 'closed'
end
if open_until then
  if now >= open_until then
    -- The half-open probe failed: another full cool-off.
    redis.call('HSET', KEYS[1], 'open_until', now + tonumber(ARGV[5]))
    redis.call('HDEL', KEYS[1], 'probe_until')
    redis.call('PEXPIRE', KEYS[1], ttl_ms)
  end
  return 'open'
end
local window = tonumber(ARGV[4])
window_add(KEYS[2], now, window, ARGV[7])
if window_wait(KEYS[2], now, window, tonumber(ARGV[3])) == 0 then return 'closed' end
redis.call('HSET', KEYS[1], 'open_until', now + tonumber(ARGV[5]))
redis.call('PEXPIRE', KEYS[1], ttl_ms)
redis.call('DEL', KEYS[2])
return 'opened'
