-- Checks an account's email code (POST /email/verify). Wrong codes count against the code's
-- attempts (OTP_MAX_ATTEMPTS, across resends) and the account's failure window, as SMS codes do.
-- KEYS: [1] the account's email code record, [2] the account's failures, [3] the event stream.
-- ARGV: now, code digest, max attempts, account max failures, account window, member, user id,
--       event stamp (event_writer, 8-13).
local now = tonumber(ARGV[1])
local wait = window_wait(KEYS[2], now, tonumber(ARGV[5]), tonumber(ARGV[4]))
if wait > 0 then return {'account_locked', tostring(wait)} end
local t = redis.call('HMGET', KEYS[1], 'code', 'exp', 'fails')
if tonumber(t[3] or '0') >= tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[1])
  return {'attempts_exceeded'}
end
if not t[1] or tonumber(t[2]) <= now then return {'no_code'} end
if not ct_equal(t[1], ARGV[2]) then
  local fails = redis.call('HINCRBY', KEYS[1], 'fails', 1)
  window_add(KEYS[2], now, tonumber(ARGV[5]), ARGV[6])
  return {'wrong_code', tostring(tonumber(ARGV[3]) - fails)}
end
redis.call('DEL', KEYS[1])
event_writer(KEYS[3], 8)('email_verified', ARGV[7], {})
return {'ok'}
