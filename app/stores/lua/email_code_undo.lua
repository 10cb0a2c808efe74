-- Undoes the reservation of an email code whose message could not be sent: the previous code
-- (if any) is live again, the cooldown is given back, and the hourly window forgets the send.
-- KEYS: [1] the account's email code record, [2] its hourly send window. ARGV: member.
local t = redis.call('HMGET', KEYS[1], 'prev_next_send', 'prev_code', 'prev_exp')
redis.call('ZREM', KEYS[2], ARGV[1])
if not t[2] or t[2] == '' then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'next_send', t[1], 'code', t[2], 'exp', t[3])
return 1
