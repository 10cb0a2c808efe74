-- Checks every send limit and reserves a send with a pending code, atomically,
-- so of concurrent sends inside one cooldown exactly one goes ahead.
-- KEYS: [1] pre-OTP token, [2] this clock hour's service-wide SMS counter;
--       the account-failure and phone-send keys are read from [1].
-- ARGV: now, pending code hash (unless the record has a fixed test code), code expiry, cooldown, max sends per login,
--       phone hourly cap, account max failures, account window, max attempts, member,
--       SMS budget per hour (0 = unlimited), seconds left in the hour, TTL of the hour counter.
local now = tonumber(ARGV[1])
local t = redis.call('HMGET', KEYS[1], 'kind', 'exp', 'fails', 'sends', 'next_send', 'phone', 'fkey', 'pkey', 'uid', 'fixed',
  'dkey', 'locale')
if t[1] ~= 'pre' or tonumber(t[2]) <= now then return {'invalid_token'} end
if user_disabled(KEYS[1], t[11]) then return {'invalid_token'} end
local wait = window_wait(t[7], now, tonumber(ARGV[8]), tonumber(ARGV[7]))
if wait > 0 then return {'account_locked', tostring(wait)} end
if tonumber(t[3]) >= tonumber(ARGV[9]) then
  redis.call('DEL', KEYS[1])
  return {'attempts_exceeded'}
end
local next_send = tonumber(t[5])
if now < next_send then return {'cooldown', tostring(next_send - now)} end
if tonumber(t[4]) >= tonumber(ARGV[5]) then return {'login_sends', tostring(tonumber(t[2]) - now)} end
wait = window_wait(t[8], now, 3600, tonumber(ARGV[6]))
if wait > 0 then return {'phone_cap', tostring(wait)} end
-- The service-wide budget caps what SMS pumping can cost; test numbers get no SMS and spend none of it.
local budget, used, charged = tonumber(ARGV[11]), 0, ''
if budget > 0 and not t[10] then
  used = tonumber(redis.call('GET', KEYS[2]) or '0')
  if used >= budget then return {'sms_budget', ARGV[12]} end
  used = redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], ARGV[13])
  charged = KEYS[2]
end
window_add(t[8], now, 3600, ARGV[10])
redis.call('HSET', KEYS[1],
  'sends', tonumber(t[4]) + 1, 'next_send', now + tonumber(ARGV[4]), 'prev_next_send', next_send,
  'pending', t[10] or ARGV[2], 'pending_exp', ARGV[3], 'pending_member', ARGV[10], 'pending_budget', charged)
-- A test number's fixed code (stored at login) stands in for the random one.
return {'ok', t[6], t[9], t[10] and '1' or '0', t[12] or '', tostring(used)}
