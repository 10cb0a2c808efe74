-- Shared helpers, prepended to every script by app/stores/scripts.py.

-- Compares two equal-length digests without an early exit.
local function ct_equal(a, b)
  if type(a) ~= 'string' or type(b) ~= 'string' or #a ~= #b then return false end
  local diff = 0
  for i = 1, #a do
    diff = bit.bor(diff, bit.bxor(string.byte(a, i), string.byte(b, i)))
  end
  return diff == 0
end

-- Sliding window over a sorted set of event times. Returns the seconds until
-- fewer than `limit` events remain inside the window, or 0 when under the limit.
local function window_wait(key, now, window, limit)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count < limit then return 0 end
  local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end

local function window_add(key, now, window, member)
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
end

-- The names of keys for ids read inside Redis (a chain's session id, a token's user id).
-- app/stores/keys.py spells them and passes, from ARGV[at] on, the text before and after
-- the id in a chain key, then in a user's chain set (KeyNames.script_names).
local function names_from(at)
  return {
    chain = function(sid) return ARGV[at] .. sid .. ARGV[at + 1] end,
    user_chains = function(uid) return ARGV[at + 2] .. uid .. ARGV[at + 3] end,
  }
end

-- Deletes every token of a refresh chain (its access tokens included).
local function revoke_chain(names, sid, uid)
  local chain = names.chain(sid)
  local members = redis.call('SMEMBERS', chain)
  for _, key in ipairs(members) do redis.call('DEL', key) end
  redis.call('DEL', chain)
  if uid then redis.call('SREM', names.user_chains(uid), sid) end
  return #members
end

-- Creates an access + refresh pair in chain `sid` and indexes the chain under the user.
-- `amr` names how the session was signed in ("pwd sms", "pwd otp", "pwd rc"); refreshes carry it on.
local function mint_pair(names, uid, sid, access_key, refresh_key, access_exp, refresh_exp, amr)
  amr = amr or 'pwd sms'
  redis.call('HSET', access_key, 'kind', 'access', 'uid', uid, 'sid', sid, 'exp', access_exp, 'amr', amr)
  redis.call('PEXPIREAT', access_key, math.ceil(access_exp * 1000))
  redis.call('HSET', refresh_key, 'kind', 'refresh', 'uid', uid, 'sid', sid, 'exp', refresh_exp, 'used', '0',
             'amr', amr)
  redis.call('PEXPIREAT', refresh_key, math.ceil(refresh_exp * 1000))
  local chain = names.chain(sid)
  redis.call('SADD', chain, access_key, refresh_key)
  if redis.call('PTTL', chain) < math.ceil(refresh_exp * 1000) then
    redis.call('PEXPIREAT', chain, math.ceil(refresh_exp * 1000))
  end
  local chains = names.user_chains(uid)
  redis.call('SADD', chains, sid)
  redis.call('PEXPIREAT', chains, math.ceil(refresh_exp * 1000))
end

-- A pre-OTP token issued before its user was disabled dies at its next use.
-- `dkey` is the user's disabled marker, named on the token record at login.
local function user_disabled(token_key, dkey)
  if dkey and redis.call('EXISTS', dkey) == 1 then
    redis.call('DEL', token_key)
    return true
  end
  return false
end

-- The checks every answer to a login's second step passes before it is judged: a live pre-OTP
-- token of an enabled user, an account under its failure window, a login under its attempts.
-- `t` holds the token's kind, exp, fails, uid, fkey, dkey. Returns a refusal, or nil to go on.
local function second_step_gate(token_key, t, now, account_max, window, max_attempts)
  if t[1] ~= 'pre' or tonumber(t[2]) <= now then return {'no_token'} end
  if user_disabled(token_key, t[6]) then return {'no_token'} end
  local wait = window_wait(t[5], now, window, account_max)
  if wait > 0 then return {'account_locked', tostring(wait), t[4]} end
  if tonumber(t[3]) >= max_attempts then
    redis.call('DEL', token_key)
    return {'attempts_exceeded', t[4]}
  end
  return nil
end

-- Counts a wrong answer, of any factor, against the login and the account alike.
local function count_wrong(token_key, t, now, window, member, max_attempts, verdict)
  local fails = redis.call('HINCRBY', token_key, 'fails', 1)
  window_add(t[5], now, window, member)
  return {verdict or 'wrong_code', tostring(max_attempts - fails), t[4]}
end

-- Remembers the newest authenticator-app time step used by an account. False when `step` is not
-- newer than the last one used: that code (or an older one) was already spent.
local function claim_step(key, step, ttl)
  local last = tonumber(redis.call('GET', key) or '-1')
  if step <= last then return false end
  redis.call('SET', key, tostring(step), 'EX', ttl)
  return true
end
