// Verifies JWT access tokens as another service would: the `jose` package from npm fetches the
// JWKS over HTTP and checks signature, iss, aud and exp. Usage:
//   node verify_jwt.mjs <jwks url> <issuer> <audience> <token> [<token> ...]
// Prints one JSON line per token: {"ok": true, "payload": {...}} or {"ok": false, "code": "..."}.
// VERIFY_AT (seconds since the epoch) checks exp as of that moment instead of now.
import { createRemoteJWKSet, jwtVerify } from "jose";

const [jwksUrl, issuer, audience, ...tokens] = process.argv.slice(2);
const keys = createRemoteJWKSet(new URL(jwksUrl));

for (const token of tokens) {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      issuer,
      audience,
      algorithms: ["EdDSA", "ES256"],
      typ: "at+jwt",
      requiredClaims: ["exp", "iat", "sub", "jti"],
      ...(process.env.VERIFY_AT ? { currentDate: new Date(Number(process.env.VERIFY_AT) * 1000) } : {}),
    });
    console.log(JSON.stringify({ ok: true, payload, alg: protectedHeader.alg }));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, code: error.code ?? String(error) }));
  }
}
