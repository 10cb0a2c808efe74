-- Revokes every refresh chain of a user but one, and the user's logins in progress.
-- KEYS: [1] the user's chain set, [2] the set of the user's pre-OTP token keys, then any further
--       keys of the user to delete in the same step (erasing the account).
-- ARGV: uid, the session id to keep ('' for none), then key names (names_from).
-- Returns the ids of the sessions it ended.
local names = names_from(3)
local ended = {}
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if sid ~= ARGV[2] then
    -- A chain that expired on its own is no session any more: dropped from the set, not counted.
    if redis.call('EXISTS', names.chain(sid)) == 1 then ended[#ended + 1] = sid end
    revoke_chain(names, sid, ARGV[1])
  end
end
for _, key in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', key) end
redis.call('DEL', KEYS[2])
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) end
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
return ended
