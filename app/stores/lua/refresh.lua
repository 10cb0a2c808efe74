-- Rotates a refresh token. A used one presented again revokes its whole chain.
-- KEYS: [1] presented refresh, [2] new access, [3] new refresh.
-- ARGV: now, access expiry, refresh expiry, then key names (names_from).
local now = tonumber(ARGV[1])
local t = redis.call('HMGET', KEYS[1], 'kind', 'uid', 'sid', 'exp', 'used', 'amr')
if t[1] ~= 'refresh' or tonumber(t[4]) <= now then return {'no_token'} end
if t[5] == '1' then
  revoke_chain(names_from(4), t[3], t[2])
  return {'reused', t[2]}
end
redis.call('HSET', KEYS[1], 'used', '1')
mint_pair(names_from(4), t[2], t[3], KEYS[2], KEYS[3], tonumber(ARGV[2]), tonumber(ARGV[3]), t[6])
return {'ok', t[2]}
