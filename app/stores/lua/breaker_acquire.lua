-- May this SMS provider be called? Shared by every replica through Redis.
-- KEYS[1] the provider's breaker state. ARGV: now, probe lease (s), state TTL (s).
-- Returns {'closed'}: call it; {'probe'}: call it as the single half-open probe;
-- {'open', seconds}: skip it for about that long.
local now = tonumber(ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'open_until', 'probe_until')
local open_until = tonumber(state[1])
if not open_until then return {'closed'} end
if now < open_until then return {'open', tostring(open_until - now)} end
local probe_until = tonumber(state[2])
if probe_until and now < probe_until then return {'open', tostring(probe_until - now)} end
-- Cool-off over and no probe in flight: this caller probes; others skip until it reports.
redis.call('HSET', KEYS[1], 'probe_until', now + tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3]) * 1000))
return {'probe'}
