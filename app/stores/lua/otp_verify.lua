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
local t = redis.call('HMGET', KEYS[1], 'kind', 'exp', 'fails', 'otp', 'otp_exp', 'uid', 'fkey', 'dkey', 'replaced',
  'first')
if t[1] ~= 'pre' or tonumber(t[2]) <= now then return {'no_token'} end
if user_disabled(KEYS[1], t[8]) then return {'no_token'} end
local window = tonumber(ARGV[5])
local wait = window_wait(t[7], now, window, tonumber(ARGV[4]))
if wait > 0 then return {'account_locked', tostring(wait), t[6]} end
local max_attempts = tonumber(ARGV[3])
if tonumber(t[3]) >= max_attempts then
  redis.call('DEL', KEYS[1])
  return {'attempts_exceeded', t[6]}
end
if not t[4] or tonumber(t[5]) <= now then return {'no_code', t[6]} end
if not ct_equal(t[4], ARGV[2]) then
  -- A code that was live before a resend is not a guess: its owner is told to use the newest.
  for old in string.gmatch(t[9] or '', '([^,]+)') do
    if ct_equal(old, ARGV[2]) then return {'otp_replaced', t[6]} end
  end
  local fails = redis.call('HINCRBY', KEYS[1], 'fails', 1)
  window_add(t[7], now, window, ARGV[6])
  return {'wrong_code', tostring(max_attempts - fails), t[6]}
end
redis.call('DEL', KEYS[1])
local names = names_from(16)
local sid, refresh_exp = ARGV[7], tonumber(ARGV[9])
-- Tokens carry the amr space-separated (JWT claims); the session record keeps it comma-separated.
mint_pair(names, t[6], sid, (string.gsub(ARGV[12], ',', ' ')), KEYS[2], KEYS[3], tonumber(ARGV[8]), refresh_exp)
open_session(names, sid, t[6], now, ARGV[10], ARGV[11], ARGV[12], ARGV[13], refresh_exp)
local new_device = note_device(names, t[6], ARGV[14], now, tonumber(ARGV[15]))
if t[10] == '1' then new_device = '0' end
return {'ok', new_device, t[6]}
