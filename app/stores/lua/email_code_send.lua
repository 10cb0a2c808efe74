-- Reserves the send of an account's email code (POST /email/verification) under the limits of SMS
-- codes: the resend cooldown, OTP_MAX_SENDS_PER_PHONE_PER_HOUR for the address, and the account's
-- failure window. The new code replaces the previous one. A send that fails is undone
-- (email_code_undo.lua): no cooldown, no place in the hourly window.
-- KEYS: [1] the account's email code record, [2] its hourly send window, [3] the account's failures.
-- ARGV: now, code digest, code expiry, cooldown, hourly cap, member, account max failures, account window.
local now = tonumber(ARGV[1])
local wait = window_wait(KEYS[3], now, tonumber(ARGV[8]), tonumber(ARGV[7]))
if wait > 0 then return {'account_locked', tostring(wait)} end
local t = redis.call('HMGET', KEYS[1], 'next_send', 'code', 'exp')
local next_send = tonumber(t[1] or '0')
if now < next_send then return {'cooldown', tostring(next_send - now)} end
wait = window_wait(KEYS[2], now, 3600, tonumber(ARGV[5]))
if wait > 0 then return {'email_cap', tostring(wait)} end
window_add(KEYS[2], now, 3600, ARGV[6])
redis.call('HSET', KEYS[1], 'code', ARGV[2], 'exp', ARGV[3], 'next_send', now + tonumber(ARGV[4]),
  'prev_next_send', next_send, 'prev_code', t[2] or '', 'prev_exp', t[3] or '0')
redis.call('PEXPIREAT', KEYS[1], math.ceil(math.max(tonumber(ARGV[3]), now + tonumber(ARGV[4])) * 1000))
return {'ok'}
