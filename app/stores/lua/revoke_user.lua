-- Revokes every refresh chain of a user. KEYS[1] the user's chain set. ARGV: prefix, uid.
local sids = redis.call('SMEMBERS', KEYS[1])
for _, sid in ipairs(sids) do revoke_chain(ARGV[1], sid, ARGV[2]) end
redis.call('DEL', KEYS[1])
return #sids
