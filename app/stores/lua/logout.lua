-- Revokes the chain of a live access token. KEYS[1] access token. ARGV: now, prefix.
local t = redis.call('HMGET', KEYS[1], 'kind', 'uid', 'sid', 'exp')
if t[1] ~= 'access' or tonumber(t[4]) <= tonumber(ARGV[1]) then return {'invalid_token'} end
revoke_chain(ARGV[2], t[3], t[2])
return {'ok', t[2]}
