-- Settles a recovery request once its codes went out: it replaces the account's previous request of
-- its kind (whose codes stop working). When a code could not be sent it is undone instead, and the
-- account's request window gets its attempt back: a failed send charges nothing.
-- KEYS: [1] the request's token key, [2] the account's pointer to its live request of this kind,
--       [3] the request window.
-- ARGV: 'ok' | 'failed', member, the request's expiry (epoch seconds).
if ARGV[1] == 'ok' then
  local old = redis.call('GET', KEYS[2])
  if old and old ~= KEYS[1] then redis.call('DEL', old) end
  redis.call('SET', KEYS[2], KEYS[1])
  redis.call('PEXPIREAT', KEYS[2], math.ceil(tonumber(ARGV[3]) * 1000))
else
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[3], ARGV[2])
end
return 1
