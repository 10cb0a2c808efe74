-- Verifies a code and counts the attempt in one step; the right code spends the
-- pre-OTP token and mints the session, so of concurrent right answers exactly one wins.
-- KEYS: [1] pre-OTP token, [2] new access, [3] new refresh, [4] the event stream
--       (the account-failure key is read from [1]).
-- ARGV: now, code hash, max attempts, account max failures, account window, member,
--       new session id, access expiry, refresh expiry, the session's client IP, user agent, amr
--       (comma-separated), kind, device field (keyed hash of device and network, '' if unknown),
--       the window in which a device counts as known, then key names (names_from, from 16),
--       then the event stamp (event_writer).
-- Every verdict but no_token ends with the user id (for the audit trail); 'ok' carries before it
-- '1' when the device was not seen for this account within the window (never on its first login), then
-- the SMS guard's destination range whose verified count it moved ('' if none).
-- Each verdict that checked a code adds its event to the stream in the same step.
local now = tonumber(ARGV[1])
local emit = event_writer(KEYS[4], 16 + NAME_ARGS)
local t = redis.call('HMGET', KEYS[1], 'kind', 'exp', 'fails', 'uid', 'fkey', 'dkey', 'otp', 'otp_exp', 'replaced',
  'first', 'guard', 'gkey', 'gsize')
local window, max_attempts = tonumber(ARGV[5]), tonumber(ARGV[3])
local refused = second_step_gate(KEYS[1], t, now, tonumber(ARGV[4]), window, max_attempts)
if refused then
  if refused[1] == 'attempts_exceeded' then emit('otp_exceeded', t[4], {factor = 'sms'}) end
  return refused
end
if not t[7] or tonumber(t[8]) <= now then
  emit('otp_failed', t[4], {reason = 'expired', factor = 'sms'})
  return {'no_code', t[4]}
end
if not ct_equal(t[7], ARGV[2]) then
  -- A code that was live before a resend is not a guess: its owner is told to use the newest.
  for old in string.gmatch(t[9] or '', '([^,]+)') do
    if ct_equal(old, ARGV[2]) then
      emit('otp_failed', t[4], {reason = 'expired', factor = 'sms'})
      return {'otp_replaced', t[4]}
    end
  end
  emit('otp_failed', t[4], {reason = 'invalid', factor = 'sms'})
  return count_wrong(KEYS[1], t, now, window, ARGV[6], max_attempts)
end
redis.call('DEL', KEYS[1])
local new_device = start_session(names_from(16), t, now, 7)
emit('otp_ok', t[4], {factor = 'sms'})
local counted = guard_verified(t[12], t[13], now)
return {'ok', new_device, counted and t[11] or '', t[4]}
