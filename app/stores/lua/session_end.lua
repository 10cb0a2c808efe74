-- Ends one session of a user, if it is one of theirs and still live.
-- KEYS[1] the user's chain set. ARGV: now, uid, session id, then key names (names_from).
-- Returns 'ok', or 'gone' (unknown, another user's, expired or already ended).
local now, uid, sid = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local names = names_from(4)
if redis.call('SISMEMBER', KEYS[1], sid) == 0 then return 'gone' end
local live = session_live(names, sid, now)
revoke_chain(names, sid, uid)
return live and 'ok' or 'gone'
