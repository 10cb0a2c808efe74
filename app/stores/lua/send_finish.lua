-- Ends a reserved send. On success the pending code replaces the live one (the old
-- code stops working); on failure the reservation is undone, so no cooldown is charged
-- and the SMS budget, the client IP's window and the SMS guard's count get their message back.
-- The event of the send (otp_sent or otp_send_failed) is added only when a reservation was settled.
-- KEYS: [1] pre-OTP token, [2] the event stream.
-- ARGV: member, 'ok' | 'failed', event type, user id, details JSON, the event stamp (event_writer, 6-11).
local t = redis.call('HMGET', KEYS[1], 'pending_member', 'pending', 'pending_exp', 'sends', 'prev_next_send', 'pkey',
  'otp', 'replaced', 'pending_budget', 'pending_ip', 'gkey', 'pending_guard')
if t[1] ~= ARGV[1] then return 0 end
if ARGV[2] == 'ok' then
  -- Replaced codes are remembered (as digests) only to tell their owner to use the newest one.
  local replaced = t[8] or ''
  if t[7] then replaced = replaced .. t[7] .. ',' end
  redis.call('HSET', KEYS[1], 'otp', t[2], 'otp_exp', t[3], 'replaced', replaced)
else
  redis.call('HSET', KEYS[1], 'sends', tonumber(t[4]) - 1, 'next_send', t[5])
  redis.call('ZREM', t[6], ARGV[1])
  if t[10] and t[10] ~= '' then redis.call('ZREM', t[10], ARGV[1]) end
  guard_give_back(t[11], t[12])
  -- EXISTS first: a DECR on a counter that has expired would leave a key with no TTL.
  if t[9] and t[9] ~= '' and redis.call('EXISTS', t[9]) == 1 then redis.call('DECR', t[9]) end
end
redis.call('HDEL', KEYS[1], 'pending', 'pending_exp', 'pending_member', 'prev_next_send', 'pending_budget', 'pending_ip',
  'pending_guard')
if ARGV[3] ~= '' then event_writer(KEYS[2], 6)(ARGV[3], ARGV[4], ARGV[5]) end
return 1
