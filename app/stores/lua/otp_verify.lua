-- Verifies a code and counts the attempt in one step; the right code spends the
-- pre-OTP token and mints the session, so of concurrent right answers exactly one wins.
-- KEYS: [1] pre-OTP token, [2] new access, [3] new refresh (the account-failure key is read from [1]).
-- ARGV: now, code hash, max attempts, account max failures, account window, member,
--       new session id, access expiry, refresh expiry, then key names (names_from).
-- Every verdict but no_token ends with the user id (for the audit trail).
local now = tonumber(ARGV[1])
local t = redis.call('HMGET', KEYS[1], 'kind', 'exp', 'fails', 'uid', 'fkey', 'dkey', 'otp', 'otp_exp', 'replaced')
local window, max_attempts = tonumber(ARGV[5]), tonumber(ARGV[3])
local refused = second_step_gate(KEYS[1], t, now, tonumber(ARGV[4]), window, max_attempts)
if refused then return refused end
if not t[7] or tonumber(t[8]) <= now then return {'no_code', t[4]} end
if not ct_equal(t[7], ARGV[2]) then
  -- A code that was live before a resend is not a guess: its owner is told to use the newest.
  for old in string.gmatch(t[9] or '', '([^,]+)') do
    if ct_equal(old, ARGV[2]) then return {'otp_replaced', t[4]} end
  end
  return count_wrong(KEYS[1], t, now, window, ARGV[6], max_attempts)
end
redis.call('DEL', KEYS[1])
mint_pair(names_from(10), t[4], ARGV[7], KEYS[2], KEYS[3], tonumber(ARGV[8]), tonumber(ARGV[9]), 'pwd sms')
return {'ok', t[4]}
