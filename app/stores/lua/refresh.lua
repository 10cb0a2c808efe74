-- Rotates a refresh token. A used one presented again within the grace after its first use is
-- the same client racing itself (two tabs, an app resuming): it gets a fresh pair in the same
-- chain. Later, a used one revokes its whole chain.
-- KEYS: [1] presented refresh, [2] new access, [3] new refresh, [4] the event stream.
-- ARGV: now, access expiry, refresh expiry, grace (s), key names (names_from, from 5), then the
--       event stamp (event_writer).
-- Returns {'ok' | 'grace', uid, sid, amr (for a JWT access token)}, {'reused', uid} or {'no_token'}.
local now = tonumber(ARGV[1])
local emit = event_writer(KEYS[4], 5 + NAME_ARGS)
local t = redis.call('HMGET', KEYS[1], 'kind', 'uid', 'sid', 'exp', 'used', 'used_at', 'amr')
if t[1] ~= 'refresh' or tonumber(t[4]) <= now then return {'no_token'} end
local names = names_from(5)
local verdict = 'ok'
if t[5] == '1' then
  -- Without a grace every reuse revokes: 'now' comes from the caller's clock, so a request that
  -- read its clock before the winner's can see a negative age and must not count it as racing.
  local grace = tonumber(ARGV[4])
  if grace <= 0 or now - tonumber(t[6] or '0') >= grace then
    revoke_chain(names, t[3], t[2])
    emit('refresh_reuse', t[2])
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
if verdict == 'grace' then emit('refresh', t[2], {grace = true}) else emit('refresh', t[2]) end
return {verdict, t[2], t[3], amr}
