/**
 * `login_hint` (OpenID Connect Core 1.0 §3.1.2.1, "Hint to the Authorization Server about the login identifier the
 * End-User might use to log in") on the local consent page: it pre-fills the account field and nothing more. The
 * hint is hostile input: bounded, escaped into the HTML, ignored when it cannot be an account name, never a sign-in,
 * and never shown to a user who is already signed in as someone else.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DEMO_MEMBER, SECOND_MEMBER } from '../../demo/seed/index.ts';
import { startTestPlatform, type TestPlatform } from './helpers.ts';
import { authorizeUrl, browserAuthorize, browserGet, browserPost, parseForms, pkce, sessionCookieFrom } from './oauth-helpers.ts';
import { LOGIN_HINT_MAX } from '../../platform/oauth/server.ts';

let p: TestPlatform;
let clientId: string;

before(async () => {
  p = await startTestPlatform({ seed: 'demo' });
  clientId = p.oauthApps.register({
    name: `Hint app ${randomBytes(3).toString('hex')}`,
    redirectUris: ['https://localhost/_functions/oauthCallback'],
    scopes: ['wix-data.items.read'],
  }).clientId;
});
after(async () => {
  await p?.stop();
});

const consentUrl = (hint: string | string[] | undefined) => {
  const url = new URL(authorizeUrl(clientId, { scope: 'wix-data.items.read', code_challenge: pkce().challenge }));
  for (const h of [hint ?? []].flat()) url.searchParams.append('login_hint', h);
  return url.toString();
};

/** The `<input>` tags of the page as they are in the HTML, by id. */
function inputTag(html: string, id: string): string | undefined {
  return [...html.matchAll(/<input\b[^>]*>/gi)].map((m) => m[0]).find((tag) => tag.includes(`id="${id}"`));
}

/** The value attribute of the email field, decoded as a browser would. */
function emailValue(html: string): string | undefined {
  const tag = inputTag(html, 'email');
  assert.ok(tag, 'the page has the email field');
  const raw = /\svalue="([^"]*)"/.exec(tag)?.[1];
  return raw?.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}

describe('login_hint on the consent page', () => {
  it('pre-fills the account field with the hint and focuses the password', async () => {
    const page = await browserGet(consentUrl(DEMO_MEMBER.email));
    assert.equal(page.status, 200);
    assert.equal(emailValue(page.text), DEMO_MEMBER.email);
    assert.match(inputTag(page.text, 'password')!, /\sautofocus/);
    // The password field never carries anything.
    assert.doesNotMatch(inputTag(page.text, 'password')!, /\svalue=/);
    // Without a hint the field is empty and nothing is focused for the user.
    const plain = await browserGet(consentUrl(undefined));
    assert.equal(emailValue(plain.text), undefined);
    assert.doesNotMatch(inputTag(plain.text, 'password')!, /autofocus/);
  });

  it('escapes the hint: markup in it stays text inside the value, no new element or attribute', async () => {
    const attacks = ['"><script>alert(1)</script>', "' autofocus onfocus='alert(1)", 'a"b@example.com', '<img src=x onerror=alert(1)>@x', '&quot;@x'];
    for (const attack of attacks) {
      const page = await browserGet(consentUrl(attack));
      assert.equal(page.status, 200, attack);
      assert.equal(emailValue(page.text), attack, attack);
      assert.doesNotMatch(page.text, /<script>alert|<img src=x/i, attack);
      // The field keeps exactly its own attributes: whatever the hint holds stays inside the quoted value.
      const names = [
        ...inputTag(page.text, 'email')!
          .replace(/"[^"]*"/g, '""')
          .matchAll(/\s([\w-]+)/g),
      ].map((m) => m[1]);
      assert.deepEqual(names, ['id', 'name', 'type', 'autocomplete', 'required', 'value'], attack);
      // Still one form, with the same fields.
      assert.deepEqual(parseForms(page.text)[0]?.inputs, ['email', 'password'], attack);
    }
  });

  it('ignores a hint it cannot use (too long, control characters, blank, given twice) and still shows the page', async () => {
    for (const hint of ['a'.repeat(LOGIN_HINT_MAX + 1), 'ada@example.com\r\nSet-Cookie: x=1', 'a\u0000b', '   ', ['a@x', 'b@x']]) {
      const page = await browserGet(consentUrl(hint));
      assert.equal(page.status, 200, JSON.stringify(hint).slice(0, 40));
      assert.equal(emailValue(page.text), undefined, JSON.stringify(hint).slice(0, 40));
    }
    const longest = await browserGet(consentUrl(`${'a'.repeat(LOGIN_HINT_MAX - 12)}@example.com`));
    assert.equal(emailValue(longest.text)?.length, LOGIN_HINT_MAX);
  });

  it('is never a sign-in: a hint alone (no password) gets the form again, and the wrong password is refused', async () => {
    const url = consentUrl(DEMO_MEMBER.email);
    const noPassword = await browserPost(url, { decision: 'allow', email: DEMO_MEMBER.email });
    assert.notEqual(noPassword.status, 302);
    assert.ok(parseForms(noPassword.text).some((f) => f.inputs.includes('password')));
    const wrong = await browserPost(url, { decision: 'allow', email: DEMO_MEMBER.email, password: 'not-the-password' });
    assert.equal(wrong.status, 401);
    // The page that says so still offers the hinted account to try again.
    assert.equal(emailValue(wrong.text), DEMO_MEMBER.email);
  });

  it('does not change who is signed in: with a session, the page shows that user whatever the hint says', async () => {
    const first = await browserAuthorize(clientId, { user: DEMO_MEMBER, query: { scope: 'wix-data.items.read' } });
    assert.ok(first.code, 'signed in once');
    const cookie = first.cookie ?? sessionCookieFrom(first.setCookie ?? null)?.header;
    assert.ok(cookie);
    const page = await browserGet(consentUrl(SECOND_MEMBER.email), cookie);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(`Signed in as <strong>${DEMO_MEMBER.email}</strong>`));
    assert.ok(!page.text.includes(SECOND_MEMBER.email));
    // And the flow still completes as that user, with the hint on the URL.
    const flow = await browserAuthorize(clientId, { cookie, query: { scope: 'wix-data.items.read', login_hint: SECOND_MEMBER.email } });
    assert.ok(flow.code);
  });

  it('property: any hint answers 200 with the page, and the field holds exactly the hint or nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300, unit: 'binary' }), async (hint) => {
        const page = await browserGet(consentUrl(hint));
        assert.equal(page.status, 200);
        const value = emailValue(page.text);
        assert.ok(value === undefined || value === hint.trim(), JSON.stringify({ hint, value }));
        assert.deepEqual(parseForms(page.text)[0]?.inputs, ['email', 'password']);
      }),
      { numRuns: 60 },
    );
  });
});
