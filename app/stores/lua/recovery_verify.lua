-- Judges the answer to a recovery request (a password reset or a phone change): the email code and
-- the SMS code together. A wrong pair counts against the request (OTP_MAX_ATTEMPTS, then the request
-- is revoked) and the account's failure window (OTP_ACCOUNT_MAX_FAILURES), like a login's second
-- step. The right pair spends the request and ends every session of the account (a remembered
-- device is a session of its own) and its logins in progress, and clears the password failure count.
-- KEYS: [1] the request's token key, [2] the user's chain set, [3] the user's pre-OTP token set,
--       [4] the account's login failures, [5] the account's pointer to its request, [6] the event stream.
-- ARGV: now, kind, mode, email code digest, SMS code digest, max attempts, account max failures,
--       account window, member, success event, failure event, key names (names_from, 12-19),
--       event stamp (event_writer, 20-25).
-- 'ok' carries the user id, the new phone (or ''), the SMS guard's destination range it counted verified (or '')
-- and the ids of the sessions ended.
-- mode 'both' checks both codes; 'email' checks the email code and spends nothing when it is right
-- (the service then checks a recovery code in the database); 'wrong' counts a wrong pair; 'spend'
-- checks the email code again and spends the request.
local now, mode, max_attempts = tonumber(ARGV[1]), ARGV[3], tonumber(ARGV[6])
local t = redis.call('HMGET', KEYS[1], 'kind', 'exp', 'fails', 'uid', 'fkey', 'dkey', 'ecode', 'otp', 'otp_exp',
  'new_phone', 'guard', 'gkey', 'gsize')
if t[1] ~= ARGV[2] or tonumber(t[2]) <= now then return {'no_token'} end
if user_disabled(KEYS[1], t[6]) then return {'no_token'} end
local wait = window_wait(t[5], now, tonumber(ARGV[8]), tonumber(ARGV[7]))
if wait > 0 then return {'account_locked', tostring(wait), t[4]} end
if tonumber(t[3]) >= max_attempts then
  redis.call('DEL', KEYS[1])
  return {'attempts_exceeded', t[4]}
end
local write_event = event_writer(KEYS[6], 20)
local email_right = ct_equal(t[7], ARGV[4])
local sms_right = t[8] ~= false and tonumber(t[9] or '0') > now and ct_equal(t[8], ARGV[5])
local right = email_right
if mode == 'both' then right = email_right and sms_right end
if mode == 'wrong' then right = false end
if not right then
  local fails = redis.call('HINCRBY', KEYS[1], 'fails', 1)
  window_add(t[5], now, tonumber(ARGV[8]), ARGV[9])
  write_event(ARGV[11], t[4], {reason = 'wrong_code', attempts_remaining = max_attempts - fails})
  return {'wrong_code', tostring(max_attempts - fails), t[4]}
end
if mode == 'email' then return {'email_ok', t[4]} end
-- A right SMS code is a converted send for the SMS guard (a recovery code is not: no SMS was answered).
local counted = ''
if mode == 'both' and guard_verified(t[12], t[13], now) then counted = t[11] end
redis.call('DEL', KEYS[1], KEYS[5])
local names = names_from(12)
local ended = {}
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', names.chain(sid)) == 1 then ended[#ended + 1] = sid end
  revoke_chain(names, sid, t[4])
end
for _, key in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('DEL', key) end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
write_event(ARGV[10], t[4], {sessions = #ended})
return {'ok', t[4], t[10] or '', counted, unpack(ended)}
