-- Settles an answer judged outside Redis (an authenticator-app code, a recovery code) under the
-- very counters SMS codes use: a wrong answer of any factor costs the login and the account one
-- guess each, so more factors give no more guesses. A right answer spends the pre-OTP token, mints
-- the session and records it; for an authenticator app its time step must be newer than the last used.
-- KEYS: [1] pre-OTP token, [2] new access, [3] new refresh, [4] the account's last used TOTP step.
-- ARGV: now, verdict (right | wrong), TOTP step ('' for other factors), step memory seconds,
--       max attempts, account max failures, account window, member, new session id,
--       access expiry, refresh expiry, the session's client IP, user agent, amr (comma-separated),
--       kind, device field, device window, then key names (names_from).
-- Every verdict but no_token ends with the user id; 'ok' carries before it '1' for a new device.
local now = tonumber(ARGV[1])
local t = redis.call('HMGET', KEYS[1], 'kind', 'exp', 'fails', 'uid', 'fkey', 'dkey', 'otp', 'otp_exp', 'replaced',
  'first')
local window, max_attempts = tonumber(ARGV[7]), tonumber(ARGV[5])
local refused = second_step_gate(KEYS[1], t, now, tonumber(ARGV[6]), window, max_attempts)
if refused then return refused end
if ARGV[2] ~= 'right' then return count_wrong(KEYS[1], t, now, window, ARGV[8], max_attempts) end
if ARGV[3] ~= '' and not claim_step(KEYS[4], tonumber(ARGV[3]), ARGV[4]) then
  return count_wrong(KEYS[1], t, now, window, ARGV[8], max_attempts, 'replayed')
end
redis.call('DEL', KEYS[1])
return {'ok', start_session(names_from(18), t, now, 9), t[4]}
