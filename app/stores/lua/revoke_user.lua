-- Revokes every refresh chain of a user. KEYS[1] the user's chain set. ARGV: uid, then key names (names_from).
local sids = redis.call('SMEMBERS', KEYS[1])
local names = names_from(2)
for _, sid in ipairs(sids) do revoke_chain(names, sid, ARGV[1]) end
redis.call('DEL', KEYS[1])
return #sids
