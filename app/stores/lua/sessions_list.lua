-- A user's live sessions, read in one step. KEYS[1] the user's chain set. ARGV: now, then key names (names_from).
-- Returns, a session after the other: id, created_at, last_used_at, ip, user_agent, amr, kind.
-- Ids whose chain has ended on its own are dropped from the set on the way; a chain minted before
-- sessions were recorded shows from its next refresh on (touch_session).
local now = tonumber(ARGV[1])
local names = names_from(2)
local out = {}
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', names.chain(sid)) == 0 then
    redis.call('SREM', KEYS[1], sid)
  elseif session_live(names, sid, now) then
    local s = redis.call('HMGET', names.session(sid), 'created_at', 'last_used_at', 'ip', 'user_agent', 'amr', 'kind')
    out[#out + 1] = sid
    for i = 1, 6 do out[#out + 1] = s[i] or '' end
  end
end
return out
