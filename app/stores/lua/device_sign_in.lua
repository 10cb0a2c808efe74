-- Signs in on a remembered device: the password was right, and the device token is this user's,
-- live, and its session not ended; the new session is minted and recorded in the same step.
-- KEYS: [1] device token, [2] new access, [3] new refresh.
-- ARGV: now, uid, new session id, access expiry, refresh expiry, client IP, user agent, amr, kind,
--       device field, device window, then key names (names_from).
-- Returns {'ok', '1' if the device (and network) is new to the account else '0', uid} or {'no_device'}.
local now, uid = tonumber(ARGV[1]), ARGV[2]
local d = redis.call('HMGET', KEYS[1], 'kind', 'uid', 'exp', 'sid')
if d[1] ~= 'device' or d[2] ~= uid or tonumber(d[3]) <= now then return {'no_device'} end
local names = names_from(12)
if not session_live(names, d[4], now) then return {'no_device'} end
redis.call('HSET', names.session(d[4]), 'last_used_at', now)
local t = {false, false, false, uid, false, false, false, false, false, '0'}
return {'ok', start_session(names, t, now, 3), uid}
