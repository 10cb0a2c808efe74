-- Remembers the device a sign-in has just finished on: a device token that lets the next logins of
-- this account from it skip the second factor until it expires. It is a session of its own (kind
-- remembered_device, listed and ended with the others), so ending every session forgets it too.
-- KEYS: [1] the device token's key. ARGV: uid, its session id, now, expiry, client IP, user agent,
--       amr (comma-separated, of the sign-in that proved the device), then key names (names_from).
local uid, sid, now, exp = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local names = names_from(8)
local at = math.ceil(exp * 1000)
redis.call('HSET', KEYS[1], 'kind', 'device', 'uid', uid, 'sid', sid, 'exp', exp)
redis.call('PEXPIREAT', KEYS[1], at)
local chain = names.chain(sid)
redis.call('SADD', chain, KEYS[1])
redis.call('PEXPIREAT', chain, at)
open_session(names, sid, uid, now, ARGV[5], ARGV[6], ARGV[7], 'remembered_device', exp)
local chains = names.user_chains(uid)
redis.call('SADD', chains, sid)
if redis.call('PTTL', chains) < at - now * 1000 then redis.call('PEXPIREAT', chains, at) end
return 'ok'
