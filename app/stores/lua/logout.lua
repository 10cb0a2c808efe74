-- Revokes the chain of a live access token. KEYS: [1] access token, [2] the event stream.
-- ARGV: now, key names (names_from, from 2), the event stamp (event_writer).
local t = redis.call('HMGET', KEYS[1], 'kind', 'uid', 'sid', 'exp')
if t[1] ~= 'access' or tonumber(t[4]) <= tonumber(ARGV[1]) then return {'no_token'} end
revoke_chain(names_from(2), t[3], t[2])
event_writer(KEYS[2], 2 + NAME_ARGS)('logout', t[2])
return {'ok', t[2]}
