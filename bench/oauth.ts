/**
 * OAuth benchmarks (issue 5, backend part), measured in one run:
 * - refreshes for 50 concurrent calls after the access token expired: the backend client (callConnected) against
 *   @wix/sdk AppStrategy in refresh-token mode, which caches nothing and refreshes on every request (reference §5.3);
 * - the connect round trip on the local platform (startConnect → consent → callback → connected).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createClient, AppStrategy } from '@wix/sdk';
import { items } from '@wix/data';
import { DEMO_MEMBER } from '../demo/seed/index.ts';
import { callWebMethod, startVeloPlatform, tokenFor, type VeloTestPlatform } from '../test/velo/helpers.ts';
import { resetKeyRotation } from '../velo-backend/lib/api-key.ts';
import { forgetAccessTokens } from '../velo-backend/lib/oauth.ts';
import { forgetSecrets } from '../velo-backend/lib/secrets.ts';
import { progress, summarize } from './lib.ts';

const CONCURRENT = 50;
const SITE = 'https://localhost:8443';

async function consent(authorizeUrl: string): Promise<URL> {
  await fetch(authorizeUrl);
  const answer = await fetch(authorizeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: DEMO_MEMBER.email, password: DEMO_MEMBER.password, decision: 'allow' }).toString(),
    redirect: 'manual',
  });
  return new URL(answer.headers.get('location')!);
}

async function connect(p: VeloTestPlatform, member: string): Promise<void> {
  const started = await callWebMethod(p, member, 'oauth.web', 'startConnect', {});
  const redirect = await consent(started.body.result.data.authorizeUrl);
  const page = await fetch(`https://www.wixapis.com${redirect.pathname}${redirect.search}`);
  if (page.status !== 200) throw new Error(`callback answered ${page.status}`);
}

/** A refresh token for the demo app, got by hand (authorize + code exchange), for the AppStrategy baseline. */
async function appRefreshToken(p: VeloTestPlatform): Promise<{ appId: string; appSecret: string; refreshToken: string }> {
  const appId = p.secrets.read('OAUTH_CLIENT_ID')!;
  const appSecret = p.secrets.read('OAUTH_CLIENT_SECRET')!;
  const verifier = randomBytes(32).toString('base64url');
  const url = `https://www.wixapis.com/oauth2/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: appId,
    redirect_uri: 'https://localhost/_functions/oauthCallback',
    scope: 'wix-data.items.read',
    state: 'bench',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })}`;
  const code = (await consent(url)).searchParams.get('code')!;
  const response = await fetch('https://www.wixapis.com/oauth2/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'authorization_code',
      client_id: appId,
      client_secret: appSecret,
      code,
      redirect_uri: 'https://localhost/_functions/oauthCallback',
      code_verifier: verifier,
    }),
  });
  return { appId, appSecret, refreshToken: ((await response.json()) as { refresh_token: string }).refresh_token };
}

export async function runOAuthBenchmarks(): Promise<string> {
  forgetSecrets();
  resetKeyRotation();
  forgetAccessTokens();
  const p = await startVeloPlatform({ velo: { rateLimitPerMinute: 100_000 } });
  try {
    p.secrets.set('OAUTH_SITE_URL', SITE);
    const member = await tokenFor(p, { email: DEMO_MEMBER.email });

    progress('oauth: connect round trip');
    const connects: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await connect(p, member);
      connects.push(performance.now() - t0);
    }
    const connectSummary = summarize(connects.slice(3));

    progress('oauth: 50 concurrent calls after expiry, ours');
    p.advanceClock(901_000);
    const refreshesBefore = p.oauthAudit.filter((e) => e.event === 'refresh').length;
    const ours = await Promise.all(
      Array.from({ length: CONCURRENT }, () => callWebMethod(p, member, 'oauth.web', 'callConnected', { collection: 'Stores', limit: 1 })),
    );
    const ourRefreshes = p.oauthAudit.filter((e) => e.event === 'refresh').length - refreshesBefore;
    const ourOk = ours.filter((r) => r.body.result?.ok === true).length;

    progress('oauth: 50 concurrent calls, AppStrategy in refresh-token mode');
    const app = await appRefreshToken(p);
    const client = createClient({ modules: { items }, auth: AppStrategy({ appId: app.appId, appSecret: app.appSecret, refreshToken: app.refreshToken }) });
    const seq = p.log.since().at(-1)?.seq ?? 0;
    const theirs = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => client.items.query('Products').limit(1).find()));
    const theirRefreshes = p.log.since(seq).filter((e) => e.path === '/oauth/access').length;
    const theirOk = theirs.filter((r) => r.status === 'fulfilled').length;
    const reuse = p.oauthAudit.filter((e) => e.event === 'reuse_detected').length;

    return [
      '## OAuth (backend client)',
      '',
      '### Refreshes for 50 concurrent calls after expiry',
      '',
      'Ours: 50 concurrent `callConnected` web-method calls (Bearer data query on the connected site) after the platform clock moved past the 900 s access-token lifetime. Baseline, same run: `@wix/sdk` `AppStrategy({ appId, appSecret, refreshToken })` making 50 concurrent `items.query().find()`; it refreshes through `POST /oauth/access` on every request and keeps nothing.',
      '',
      '| client | refresh requests | calls that succeeded |',
      '| :--- | ---: | ---: |',
      `| velo-backend lib/oauth.ts (single-flight per connection) | ${ourRefreshes} | ${ourOk} / ${CONCURRENT} |`,
      `| @wix/sdk AppStrategy, refresh-token mode | ${theirRefreshes} | ${theirOk} / ${CONCURRENT} |`,
      '',
      `Target 1 against their ${CONCURRENT}: **${ourRefreshes === 1 ? 'PASS' : 'FAIL'}**. With refresh-token rotation and reuse detection (RFC 9700), AppStrategy's concurrent refreshes present the same refresh token many times: the server treats that as theft and revokes the grant (${reuse} reuse detection${reuse === 1 ? '' : 's'} in this run), so its calls fail (here ${theirOk} of ${CONCURRENT} succeeded).`,
      '',
      '### Connect round trip',
      '',
      '`startConnect` (web method) → authorize page → sign in and allow → callback HTTP function (state check, code exchange with the client secret, token-info, encrypted store) → connected. In Node over HTTPS on loopback, no browser rendering.',
      '',
      '| n | p50 | p95 | min | max |',
      '| ---: | ---: | ---: | ---: | ---: |',
      `| ${connectSummary.n} | ${connectSummary.p50.toFixed(1)} ms | ${connectSummary.p95.toFixed(1)} ms | ${connectSummary.min.toFixed(1)} ms | ${connectSummary.max.toFixed(1)} ms |`,
      '',
    ].join('\n');
  } finally {
    await p.stop();
    p.services.clock.reset();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runOAuthBenchmarks());
}
