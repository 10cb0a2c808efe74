-- Rotates a refresh token. A used one presented again within the grace after its first use is
-- the same client racing itself (two tabs, an app resuming): it gets a fresh pair in the same
-- chain. Later, a used one revokes its whole chain.
-- KEYS: [1] presented refresh, [2] new access, [3] new refresh.
-- ARGV: now, access expiry, refresh expiry, grace (s), then key names (names_from).
-- Returns {'ok' | 'grace', uid, sid, amr (for a JWT access token)}, {'reused', uid} or {'no_token'}.
local now = tonumber(ARGV[1])
local t = redis.call('HMGET', KEYS[1], 'kind', 'uid', 'sid', 'exp', 'used', 'used_at', 'amr')
if t[1] ~= 'refresh' or tonumber(t[4]) <= now then return {'no_token'} end
local names = names_from(5)
local verdict = 'ok'
if t[5] == '1' then
  if now - tonumber(t[6] or '0') >= tonumber(ARGV[4]) then
    revoke_chain(names, t[3], t[2])
    return {'reused', t[2]}
  end
  verdict = 'grace'
else
  redis.call('HSET', KEYS[1], 'used', '1', 'used_at', now)
end
local refresh_exp = tonumber(ARGV[3])
local amr = t[7] or ''
mint_pair(names, t[2], t[3], amr, KEYS[2], KEYS[3], tonumber(ARGV[2]), refresh_exp)
touch_session(names, t[3], t[2], now, refresh_exp)
return {verdict, t[2], t[3], amr}
