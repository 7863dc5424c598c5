/**
 * App authentication as Wix does it today: client credentials for one app instance (`instance_id`), the token bound
 * to that instance's site, `instanceId` in token-info; the authorization-code flow (which installs the app on the
 * site) stays as it was.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DEMO_OWNER } from '../../demo/seed/index.ts';
import { startTestPlatform, type TestPlatform } from './helpers.ts';
import { BOTH, ORIGIN, browserAuthorize, exchangeCode, tokenInfo, tokenRequest, type AppCredentials } from './oauth-helpers.ts';

let p: TestPlatform;
let app: AppCredentials;
let other: AppCredentials;
let secondSite: string;

before(async () => {
  p = await startTestPlatform({ seed: 'demo' });
  app = p.oauthApps.register({
    name: 'Instance App',
    redirectUris: ['https://localhost/_functions/oauthCallback'],
    scopes: ['wix-data.items.read', 'wix-data.items.write'],
  });
  other = p.oauthApps.register({ name: 'Other App', redirectUris: ['https://localhost/_functions/oauthCallback'], scopes: ['wix-data.items.read'] });
  secondSite = p.sites.get('site2')!.id;
});
after(() => p.stop());

const query = (token: string, siteId?: string) =>
  fetch(`${ORIGIN}/wix-data/v2/items/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(siteId ? { 'wix-site-id': siteId } : {}) },
    body: JSON.stringify({ dataCollectionId: 'Products', query: { paging: { limit: 1 } } }),
  });

describe('client credentials for an app instance', () => {
  it('the authorization-code flow installs the app: token-info then names its instance', async () => {
    const flow = await browserAuthorize(app.clientId, { user: DEMO_OWNER, query: { scope: BOTH } });
    const tokens = await exchangeCode(app, flow);
    assert.equal(tokens.status, 200);
    const info = await tokenInfo(tokens.json!['access_token'] as string);
    assert.equal(info.json!['subjectType'], 'APP');
    assert.match(info.json!['instanceId'] as string, /^[0-9a-f-]{36}$/);
    assert.equal(info.json!['instanceId'], p.services.oauth.apps.instanceOf(app.clientId, p.siteId));
  });

  it('a token for the instance is bound to its site, and token-info says instanceId', async () => {
    const instanceId = p.services.oauth.apps.installOn(app.clientId, p.siteId);
    const r = await tokenRequest(app, { grant_type: 'client_credentials', instance_id: instanceId });
    assert.equal(r.status, 200, r.text);
    const token = r.json!['access_token'] as string;
    const info = await tokenInfo(token);
    assert.equal(info.json!['instanceId'], instanceId);
    assert.equal(info.json!['siteId'], p.siteId);
    assert.equal((await query(token)).status, 200);
    assert.equal((await query(token, secondSite)).status, 403, 'not another site of the account');
  });

  it('an instance on the second site gives a token for that site only', async () => {
    const instanceId = p.services.oauth.apps.installOn(app.clientId, secondSite);
    assert.equal(p.services.oauth.apps.installOn(app.clientId, secondSite), instanceId, 'one instance per app and site');
    const r = await tokenRequest(app, { grant_type: 'client_credentials', instanceId });
    assert.equal(r.status, 200, r.text);
    const token = r.json!['access_token'] as string;
    assert.equal((await tokenInfo(token)).json!['siteId'], secondSite);
    assert.equal((await query(token, p.siteId)).status, 403);
  });

  it('an unknown instance, another app’s instance, or a malformed instance_id is refused', async () => {
    const othersInstance = p.services.oauth.apps.installOn(other.clientId, p.siteId);
    for (const instance_id of ['00000000-0000-4000-8000-000000000000', othersInstance, '', 'x'.repeat(101), '__proto__']) {
      const r = await tokenRequest(app, { grant_type: 'client_credentials', instance_id });
      assert.equal(r.status, 400, instance_id);
      assert.equal(r.json!['error'], 'invalid_request');
      assert.equal(r.json!['access_token'], undefined);
    }
  });

  it('hostile: any instance_id that is not an instance of this app never yields a token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 120 }), fc.uuid()), async (instance_id) => {
        const r = await tokenRequest(app, { grant_type: 'client_credentials', instance_id });
        assert.equal(r.status, 400);
      }),
      { numRuns: 40 },
    );
  });
});
