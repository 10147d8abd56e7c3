// An OpenID Connect relying party built on Node's openid-client, which Cipherpad did not write. The .NET tests run it
// against a live server in two steps, as a site does across a redirect:
//   node oidc-client.mjs start  ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI [AUTHORIZATION_DETAILS_JSON]
//     discovers the provider, pushes the authorization request (PAR) and prints {url, codeVerifier, state, nonce}
//   node oidc-client.mjs finish ISSUER CLIENT_ID CLIENT_SECRET CALLBACK_URL CODE_VERIFIER STATE NONCE
//     redeems the code (checking the ID token's signature, issuer, audience and nonce), reads userinfo, refreshes a sign-in,
//     and prints {idToken, accessToken, userInfo, refreshed}
// Plain http is allowed only because the tests serve on 127.0.0.1.
import * as client from 'openid-client';

const [step, issuer, clientId, clientSecret, ...rest] = process.argv.slice(2);
const config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, { execute: [client.allowInsecureRequests] });
const decode = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

if (step === 'start') {
  const [redirectUri, authorizationDetails] = rest;
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const parameters = {
    redirect_uri: redirectUri,
    scope: 'openid email profile offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  };
  if (authorizationDetails) parameters.authorization_details = authorizationDetails;
  const url = await client.buildAuthorizationUrlWithPAR(config, parameters);
  console.log(JSON.stringify({ url: url.href, codeVerifier, state, nonce }));
} else if (step === 'finish') {
  const [callbackUrl, codeVerifier, state, nonce] = rest;
  const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl),
    { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  const idToken = tokens.claims();
  const userInfo = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
  // A payment or an action grants no refresh token: it is confirmed once.
  const refreshed = tokens.refresh_token ? (await client.refreshTokenGrant(config, tokens.refresh_token)).claims() : null;
  console.log(JSON.stringify({ idToken, accessToken: decode(tokens.access_token), userInfo, refreshed }));
} else {
  console.error(`unknown step '${step}': start or finish`);
  process.exit(2);
}
