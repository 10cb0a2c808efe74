-- Opens an account-recovery request (a password reset or a phone change), or refuses it past the
-- account's hourly cap. The request is a token record the SMS send scripts know (send_reserve.lua,
-- send_finish.lua take it like a pre-OTP token of its own kind), plus the email code's digest
-- ('ecode') and, for a phone change, the new phone. An unknown email counts against the cap of its
-- own address and stores nothing: its token never works.
-- KEYS: [1] the request's token key, [2] the request window of the account (or the unknown address),
--       [3] the user's set of pre-OTP token keys (ending the account's sessions reaches the request).
-- ARGV: now, window, cap, member, '1' to store the record (else '0'), its expiry, then field/value pairs.
local now, window, cap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local wait = window_wait(KEYS[2], now, window, cap)
if wait > 0 then return {'capped', tostring(wait)} end
window_add(KEYS[2], now, window, ARGV[4])
if ARGV[5] == '1' then
  local fields = {}
  for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
  redis.call('HSET', KEYS[1], unpack(fields))
  local at = math.ceil(tonumber(ARGV[6]) * 1000)
  redis.call('PEXPIREAT', KEYS[1], at)
  redis.call('SADD', KEYS[3], KEYS[1])
  if redis.call('PTTL', KEYS[3]) < at - now * 1000 then redis.call('PEXPIREAT', KEYS[3], at) end
end
return {'ok'}
