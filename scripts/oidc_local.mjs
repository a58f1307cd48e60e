// Two local OpenID providers for `make run` and the tests, on loopback: a stand-in for DfE Sign-in
// (schools and trusts) and one for a council's identity provider (Entra ID or any OIDC provider).
// Each is the certified `oidc-provider` package, so the service's client meets a real provider:
// discovery, the authorisation code flow with PKCE, signed ID tokens, state and nonce, sign-out.
//
//   node scripts/oidc_local.mjs PORT DATA_DIR     (DfE Sign-in on PORT, the council's on PORT+1)
//
// - The client `approvision`, its secret from OIDC_LOCAL_SECRET. Its redirect addresses are the
//   service's, on 127.0.0.1 at any port (the tests' live servers take free ports).
// - People are kept in DATA_DIR/accounts.json: { "dfe": { sub: {...} }, "council": {...} }. Each
//   has claims (email, names; DfE Sign-in's `organisation`; the council's `roles`), `mfa` (whether
//   the provider says it used a second factor: `amr`), and for DfE Sign-in the roles its API gives.
// - The sign-in page asks for the person's id (their `sub`): no password, this is a stand-in.
// - DfE Sign-in's public API, as the service reads roles from it: GET
//   /services/:service/organisations/:org/users/:user, with a bearer JWT (HS256, the API secret).
// - Entra ID's groups "overage": a council person marked `overage` gets no groups in the ID token
//   but `_claim_names`/`_claim_sources` saying where they are, as Entra ID does past 200 groups;
//   a stand-in for Microsoft Graph's POST /graph/v1.0/me/checkMemberGroups answers with the
//   bearer access token this provider issued.
// - For tests only: GET/POST /_local/accounts (read; add or change a person), POST /_local/reset.
import { createServer } from 'node:http';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const dataDir = process.argv[3];
const secret = process.env.OIDC_LOCAL_SECRET;
if (!port || !dataDir || !secret) {
  console.error('usage: OIDC_LOCAL_SECRET=... node scripts/oidc_local.mjs PORT DATA_DIR');
  process.exit(2);
}
mkdirSync(dataDir, { recursive: true });
const store = join(dataDir, 'accounts.json');
let accounts = existsSync(store) ? JSON.parse(readFileSync(store, 'utf8')) : { dfe: {}, council: {} };
const save = () => writeFileSync(store, JSON.stringify(accounts, null, 2));

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function makeProvider(name, issuer) {
  const scopes = name === 'dfe' ? ['openid', 'email', 'profile', 'organisation'] : ['openid', 'email', 'profile', 'roles'];
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'approvision',
      client_secret: secret,
      // The council's stands in for the demo LA's (code 929).
      redirect_uris: [`http://127.0.0.1:8000/sign-in/${name === 'dfe' ? 'dfe' : 'council-929'}/callback/`],
      post_logout_redirect_uris: ['http://127.0.0.1:8000/signed-out/'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    scopes,
    claims: {
      amr: null, // how the person signed in ("mfa" when a second factor was used)
      openid: ['sub', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['given_name', 'family_name'],
      organisation: ['organisation'],
      roles: ['roles', 'groups'],
    },
    // The claims asked for by scope go into the ID token, as DfE Sign-in's and Entra ID's do.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: [secret] },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const person = accounts[name][sub];
      if (!person) return undefined;
      return {
        accountId: sub,
        async claims() {
          const claims = {
            sub,
            email_verified: true,
            amr: person.mfa ? ['pwd', 'mfa'] : ['pwd'],
            ...person.claims,
          };
          if (person.overage) {
            delete claims.groups;
            delete claims.roles;
            claims._claim_names = { groups: 'src1' };
            claims._claim_sources = { src1: { endpoint: `${issuer}/graph/v1.0/users/${sub}/getMemberObjects` } };
          }
          return claims;
        },
      };
    },
    // A first-party service: no consent page; the grant covers the service's scopes.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(scopes.join(' '));
      await grant.save();
      return grant;
    },
    ttl: { Session: 12 * 3600, Interaction: 600, Grant: 12 * 3600 },
  });
  // The service runs on any loopback port (each test's live server has its own).
  const loopback = (value, paths) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname)
        && paths.some((p) => new URL(p).pathname === url.pathname);
    } catch { return false; }
  };
  provider.Client.prototype.redirectUriAllowed = function allowed(value) {
    return loopback(value, this.redirectUris);
  };
  provider.Client.prototype.postLogoutRedirectUriAllowed = function allowed(value) {
    return loopback(value, this.postLogoutRedirectUris);
  };
  return provider;
}

function readBody(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
  });
}

function answer(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'Content-Type': type });
  res.end(type === 'application/json' ? JSON.stringify(body) : body);
}

// DfE Sign-in's API is called with a JWT signed with the API secret (HS256).
function bearerOk(req) {
  const token = (req.headers.authorization || '').replace(/^Bearer /, '');
  const [head, body, signature] = token.split('.');
  if (!signature) return false;
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function signInPage(name, uid, error = '') {
  const title = name === 'dfe' ? 'DfE Sign-in (local stand-in)' : 'Council sign-in (local stand-in)';
  return `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label for="sub">Your sign-in id</label> <input id="sub" name="sub" autocomplete="username">
<button type="submit">Sign in</button></form></main></body></html>`;
}

function serve(name, provider) {
  const callback = provider.callback();
  return createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    try {
      if (url.pathname === '/_local/accounts' && req.method === 'GET') {
        return answer(res, 200, accounts);
      }
      if (url.pathname === '/_local/accounts' && req.method === 'POST') {
        const person = JSON.parse(await readBody(req));
        accounts[person.provider][person.sub] = {
          claims: person.claims || {},
          roles: person.roles || [],
          mfa: Boolean(person.mfa),
          overage: Boolean(person.overage),
        };
        save();
        return answer(res, 200, { ok: true });
      }
      if (url.pathname === '/_local/reset' && req.method === 'POST') {
        accounts = { dfe: {}, council: {} };
        save();
        return answer(res, 200, { ok: true });
      }
      const api = url.pathname.match(/^\/services\/([^/]+)\/organisations\/([^/]+)\/users\/([^/]+)$/);
      if (name === 'dfe' && api && req.method === 'GET') {
        if (!bearerOk(req)) return answer(res, 401, { error: 'unauthorised' });
        const [, service, org, user] = api;
        const person = accounts.dfe[decodeURIComponent(user)];
        if (!person || person.claims.organisation?.id !== decodeURIComponent(org)) {
          return answer(res, 404, { error: 'not found' });
        }
        return answer(res, 200, {
          userId: user,
          serviceId: service,
          organisationId: org,
          roles: person.roles.map((code) => ({
            id: randomUUID(), name: code, code, numericId: '1', status: { id: 1 },
          })),
          identifiers: [],
        });
      }
      if (name === 'council' && url.pathname === '/graph/v1.0/me/checkMemberGroups' && req.method === 'POST') {
        const token = (req.headers.authorization || '').replace(/^Bearer /, '');
        const access = token && await provider.AccessToken.find(token);
        if (!access) return answer(res, 401, { error: { code: 'InvalidAuthenticationToken' } });
        const person = accounts.council[access.accountId];
        const groupIds = JSON.parse(await readBody(req)).groupIds || [];
        if (groupIds.length > 20) return answer(res, 400, { error: { code: 'Request_BadRequest' } });
        const theirs = (person && (person.claims.groups || person.claims.roles)) || [];
        return answer(res, 200, { value: groupIds.filter((id) => theirs.includes(id)) });
      }
      const interaction = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
      if (interaction) {
        const details = await provider.interactionDetails(req, res);
        if (!interaction[2]) {
          return answer(res, 200, signInPage(name, details.uid), 'text/html; charset=utf-8');
        }
        const sub = new URLSearchParams(await readBody(req)).get('sub')?.trim();
        const person = sub && accounts[name][sub];
        if (!person) {
          return answer(res, 200, signInPage(name, details.uid, 'No such person here'), 'text/html; charset=utf-8');
        }
        return provider.interactionFinished(req, res, {
          login: { accountId: sub, amr: person.mfa ? ['pwd', 'mfa'] : ['pwd'] },
        }, { mergeWithLastSubmission: false });
      }
      return callback(req, res);
    } catch (error) {
      console.error(error);
      return answer(res, 500, { error: String(error) });
    }
  });
}

serve('dfe', makeProvider('dfe', `http://127.0.0.1:${port}`)).listen(port, '127.0.0.1');
serve('council', makeProvider('council', `http://127.0.0.1:${port + 1}`)).listen(port + 1, '127.0.0.1');
console.log(`local DfE Sign-in on ${port}, council provider on ${port + 1}`);
