-- Remembers an authenticator-app time step as used (the code that confirmed an enrolment).
-- KEYS[1] the account's last used step. ARGV: step, seconds to remember it. Returns 1 if it was new.
if claim_step(KEYS[1], tonumber(ARGV[1]), ARGV[2]) then return 1 end
return 0
