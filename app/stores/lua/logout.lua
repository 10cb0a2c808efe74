-- Revokes the chain of a live access token. KEYS[1] access token. ARGV: now, then key names (names_from).
local t = redis.call('HMGET', KEYS[1], 'kind', 'uid', 'sid', 'exp')
if t[1] ~= 'access' or tonumber(t[4]) <= tonumber(ARGV[1]) then return {'no_token'} end
revoke_chain(names_from(2), t[3], t[2])
return {'ok', t[2]}
