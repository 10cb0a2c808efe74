-- Checks every send limit and reserves a send with a pending code, atomically,
-- so of concurrent sends inside one cooldown exactly one goes ahead.
-- KEYS: [1] pre-OTP token, [2] this clock hour's service-wide SMS counter, [3] the client IP's
--       send window, [4] the event stream; the account-failure and phone-send keys and the
--       number's destination range (SMS guard) are read from [1].
-- ARGV: now, pending code hash (unless the record has a fixed test code), code expiry, cooldown, max sends per login,
--       phone hourly cap, account max failures, account window, max attempts, member,
--       SMS budget per hour (0 = unlimited), seconds left in the hour, TTL of the hour counter,
--       sends per client IP (0 = no IP known or no cap), the IP window in seconds,
--       the token's kind ('pre'; 'reset' or 'change' for an account-recovery request, app/stores/recovery.py),
--       then the SMS guard's (guard_config, from 17), then the event stamp (event_writer).
local now = tonumber(ARGV[1])
local t = redis.call('HMGET', KEYS[1], 'kind', 'exp', 'fails', 'sends', 'next_send', 'phone', 'fkey', 'pkey', 'uid', 'fixed',
  'dkey', 'locale', 'guard')
if t[1] ~= ARGV[16] or tonumber(t[2]) <= now then return {'no_token'} end
if user_disabled(KEYS[1], t[11]) then return {'no_token'} end
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
-- Per client IP, in the same step, so a failed send can give it back (SMS pumping).
local ip_limit, ip_window = tonumber(ARGV[14]), tonumber(ARGV[15])
if ip_limit > 0 then
  wait = window_wait(KEYS[3], now, ip_window, ip_limit)
  if wait > 0 then return {'ip_cap', tostring(wait)} end
end
local guard, dest = guard_config(17), t[13] or ''
local refused = guard_refusal(guard, dest, now)
if refused then return refused end
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
local gkey, gfield, decision, ip_flag = guard_count(guard, dest, now,
  event_writer(KEYS[4], 17 + GUARD_ARGS))
local ip_key = ''
if ip_limit > 0 then
  window_add(KEYS[3], now, ip_window, ARGV[10])
  ip_key = KEYS[3]
end
redis.call('HSET', KEYS[1],
  'sends', tonumber(t[4]) + 1, 'next_send', now + tonumber(ARGV[4]), 'prev_next_send', next_send,
  'pending', t[10] or ARGV[2], 'pending_exp', ARGV[3], 'pending_member', ARGV[10], 'pending_budget', charged,
  'pending_ip', ip_key, 'pending_guard', gfield, 'gkey', gkey, 'gsize', tostring(guard.window / GUARD_BUCKETS))
-- A test number's fixed code (stored at login) stands in for the random one.
return {'ok', t[6], t[9], t[10] and '1' or '0', t[12] or '', tostring(used), gkey ~= '' and dest or '', decision,
  ip_flag}
