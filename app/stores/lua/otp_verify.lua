-- Verifies a code and counts the attempt in one step; the right code spends the
-- pre-OTP token and mints the session, so of concurrent right answers exactly one wins.
-- KEYS: [1] pre-OTP token, [2] new access, [3] new refresh (the account-failure key is read from [1]).
-- ARGV: now, code hash, max attempts, account max failures, account window, member,
--       new session id, access expiry, refresh expiry, the session's client IP, user agent, amr
--       (comma-separated), kind, device field (keyed hash of device and network, '' if unknown),
--       the window in which a device counts as known, then key names (names_from).
-- Every verdict but no_token ends with the user id (for the audit trail); 'ok' carries before it
-- '1' when the device was not seen for this account within the window (never on its first login).
local now = tonumber(ARGV[1])
local t = redis.call('HMGET', KEYS[1], 'kind', 'exp', 'fails', 'uid', 'fkey', 'dkey', 'otp', 'otp_exp', 'replaced',
  'first')
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
return {'ok', start_session(names_from(16), t, now, 7), t[4]}
