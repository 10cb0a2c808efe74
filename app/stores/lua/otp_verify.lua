-- Verifies a code and counts the attempt in one step; the right code spends the
-- pre-OTP token and mints the session, so of concurrent right answers exactly one wins.
-- KEYS: [1] pre-OTP token, [2] new access, [3] new refresh, [4] the event stream
--       (the account-failure key is read from [1]).
-- ARGV: now, code hash, max attempts, account max failures, account window, member,
--       new session id, access expiry, refresh expiry, key names (names_from, 10-13),
--       then the event stamp (event_writer, 14-19).
-- Every verdict but no_token ends with the user id; each verdict that checked a code adds its event.
local now = tonumber(ARGV[1])
local emit = event_writer(KEYS[4], 14)
local t = redis.call('HMGET', KEYS[1], 'kind', 'exp', 'fails', 'otp', 'otp_exp', 'uid', 'fkey', 'dkey', 'replaced')
if t[1] ~= 'pre' or tonumber(t[2]) <= now then return {'no_token'} end
if user_disabled(KEYS[1], t[8]) then return {'no_token'} end
local window = tonumber(ARGV[5])
local wait = window_wait(t[7], now, window, tonumber(ARGV[4]))
if wait > 0 then return {'account_locked', tostring(wait), t[6]} end
local max_attempts = tonumber(ARGV[3])
if tonumber(t[3]) >= max_attempts then
  redis.call('DEL', KEYS[1])
  emit('otp_exceeded', t[6])
  return {'attempts_exceeded', t[6]}
end
if not t[4] or tonumber(t[5]) <= now then
  emit('otp_failed', t[6], {reason = 'expired'})
  return {'no_code', t[6]}
end
if not ct_equal(t[4], ARGV[2]) then
  -- A code that was live before a resend is not a guess: its owner is told to use the newest.
  for old in string.gmatch(t[9] or '', '([^,]+)') do
    if ct_equal(old, ARGV[2]) then
      emit('otp_failed', t[6], {reason = 'expired'})
      return {'otp_replaced', t[6]}
    end
  end
  local fails = redis.call('HINCRBY', KEYS[1], 'fails', 1)
  window_add(t[7], now, window, ARGV[6])
  emit('otp_failed', t[6], {reason = 'invalid'})
  return {'wrong_code', tostring(max_attempts - fails), t[6]}
end
redis.call('DEL', KEYS[1])
mint_pair(names_from(10), t[6], ARGV[7], KEYS[2], KEYS[3], tonumber(ARGV[8]), tonumber(ARGV[9]))
emit('otp_ok', t[6])
return {'ok', t[6]}
