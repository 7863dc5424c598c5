import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../elements/member-gate/define.ts';
import type { MemberGateState, WixMemberGate } from '../../elements/member-gate/member-gate.ts';
import { bindElements } from '../../elements/velo/page.ts';
import { createDollarW } from '../../demo/velo-page/dollar-w.ts';
import { addFault, anonymousToken, clearFaults, countingGetter, leakSurface } from './helpers.ts';
import { memberToken, ownerToken } from './fixtures/member-tokens.ts';

const host = location.host;
// The demo seed's accounts (platform/seed/seed.ts, a Node module).
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shadowText = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();

async function stateIs(el: WixMemberGate, state: MemberGateState) {
  await waitUntil(() => el.state === state, `state ${state} (is ${el.state})`, { timeout: 5000 });
  await el.updateComplete;
}

/** Whether the light-DOM child with this slot is shown: assigned to the shadow tree's slot and laid out. */
function shown(el: WixMemberGate, slot: string): boolean {
  const child = el.querySelector<HTMLElement>(`:scope > [slot="${slot}"]`)!;
  return child.assignedSlot !== null && child.offsetParent !== null && getComputedStyle(child).display !== 'none';
}

/** Which of the gate's light-DOM children are shown (assigned and laid out). */
function visible(el: WixMemberGate): string[] {
  const slots = [...el.shadowRoot!.querySelectorAll('slot')];
  expect(slots.length, 'one slot at a time').to.be.at.most(1);
  return [...el.children].filter((c) => c.getAttribute('slot') && shown(el, c.getAttribute('slot')!)).map((c) => c.getAttribute('slot')!);
}

const gate = (attrs: { owner?: boolean; id?: string } = {}) =>
  fixture<WixMemberGate>(html`<wix-member-gate api-base-url=${host} id=${attrs.id ?? 'g'}>
    <p slot="visitor">Sign in to see your notes.</p>
    <p slot="member">Welcome back!</p>
    ${attrs.owner ? html`<p slot="owner">You are the site owner.</p>` : ''}
  </wix-member-gate>`);

/** A host getter whose token the test changes (login, logout), as the demo host's OAuthStrategy does. */
function switchableGetter(initial: string) {
  const current = { token: initial };
  const getter = async () => current.token;
  return { current, getter };
}

const everywhere = () => leakSurface();

const restorers: (() => void)[] = [];

afterEach(async () => {
  while (restorers.length) restorers.pop()!();
  delete (window as { wixEmbedsAPI?: unknown }).wixEmbedsAPI;
  delete (window as { commonConfig?: unknown }).commonConfig;
  await clearFaults();
});

describe('<wix-member-gate> with a token (site widget)', () => {
  it('a visitor token shows the visitor slot only; the member slot is not rendered', async () => {
    const el = await gate();
    const seen: string[] = [];
    el.addEventListener('wix-gate-change', (e) => seen.push(e.detail.state));
    el.accessTokenListener(anonymousToken);
    await stateIs(el, 'visitor');
    expect(el.getAttribute('state')).to.equal('visitor');
    expect(visible(el)).to.deep.equal(['visitor']);
    const member = el.querySelector<HTMLElement>('[slot="member"]')!;
    expect(member.assignedSlot).to.equal(null);
    expect(member.offsetParent).to.equal(null);
    expect(el.shadowRoot!.querySelector('slot')!.name).to.equal('visitor');
    expect(el.shadowRoot!.querySelector('[part="content"]')).to.exist;
    expect(seen).to.include('visitor');
  });

  it('a member token shows the member slot', async () => {
    const token = await memberToken();
    const el = await gate({ owner: true });
    el.accessTokenListener(async () => token);
    await stateIs(el, 'member');
    expect(visible(el)).to.deep.equal(['member']);
  });

  it('the owner sees the owner slot, or the member slot when there is none', async () => {
    const token = await ownerToken();
    const withOwner = await gate({ owner: true });
    withOwner.accessTokenListener(async () => token);
    await stateIs(withOwner, 'owner');
    expect(visible(withOwner)).to.deep.equal(['owner']);
    // The owner slot's content goes away: the member slot takes over.
    withOwner.querySelector('[slot="owner"]')!.remove();
    await waitUntil(() => visible(withOwner).includes('member'), 'falls back to member');
    expect(withOwner.state).to.equal('owner');

    const withoutOwner = await gate();
    withoutOwner.accessTokenListener(async () => token);
    await stateIs(withoutOwner, 'owner');
    expect(withoutOwner.getAttribute('state')).to.equal('owner');
    expect(visible(withoutOwner)).to.deep.equal(['member']);
  });

  it('re-injection after login switches visitor → member, and back after logout, checking in between', async () => {
    const [visitor, member] = await Promise.all([anonymousToken(), memberToken()]);
    const { current, getter } = switchableGetter(visitor);
    const el = await gate();
    const seen: string[] = [];
    el.addEventListener('wix-gate-change', (e) => seen.push(e.detail.state));
    el.accessTokenListener(getter);
    await stateIs(el, 'visitor');
    current.token = member; // login
    el.accessTokenListener(getter);
    expect(el.state).to.equal('checking');
    await stateIs(el, 'member');
    expect(visible(el)).to.deep.equal(['member']);
    current.token = visitor; // logout
    el.accessTokenListener(getter);
    await stateIs(el, 'visitor');
    expect(visible(el)).to.deep.equal(['visitor']);
    expect(seen).to.deep.equal(['visitor', 'checking', 'member', 'checking', 'visitor']);
  });

  it("follows the shared session's change event: an injection into one gate updates the other", async () => {
    const [visitor, member] = await Promise.all([anonymousToken(), memberToken()]);
    const { current, getter } = switchableGetter(visitor);
    const wrap = await fixture<HTMLElement>(html`<div>
      <wix-member-gate api-base-url=${host}><p slot="visitor">V</p><p slot="member">M</p></wix-member-gate>
      <wix-member-gate api-base-url=${host}><p slot="visitor">V</p><p slot="member">M</p></wix-member-gate>
    </div>`);
    const [a, b] = [...wrap.querySelectorAll('wix-member-gate')] as [WixMemberGate, WixMemberGate];
    a.accessTokenListener(getter);
    b.accessTokenListener(getter);
    await stateIs(a, 'visitor');
    await stateIs(b, 'visitor');
    current.token = member;
    a.accessTokenListener(getter);
    await stateIs(a, 'member');
    await stateIs(b, 'member');
    expect(visible(b)).to.deep.equal(['member']);
  });

  it('uses window.wixEmbedsAPI when nothing is injected', async () => {
    const token = await memberToken();
    const { getter, counter } = countingGetter(async () => token);
    window.wixEmbedsAPI = { getExternalBaseUrl: () => location.origin, getAccessTokenFunction: () => getter };
    const el = await fixture<WixMemberGate>(html`<wix-member-gate><p slot="visitor">V</p><p slot="member">M</p></wix-member-gate>`);
    await stateIs(el, 'member');
    expect(counter.calls).to.equal(1);
  });

  it('a forged state attribute does not reveal the member content, and is put back', async () => {
    const el = await gate();
    el.setAttribute('state', 'member');
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('checking');
    expect(visible(el)).to.deep.equal([]);
    el.accessTokenListener(anonymousToken);
    await stateIs(el, 'visitor');
    el.setAttribute('state', 'member');
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('visitor');
    expect(el.state).to.equal('visitor');
    expect(visible(el)).to.deep.equal(['visitor']);
    el.removeAttribute('state');
    expect(el.getAttribute('state')).to.equal('visitor');

    // Written in the markup before the element is defined or connected: still not read.
    const forged = await fixture<WixMemberGate>(
      html`<wix-member-gate state="member" connect-timeout="50"><p slot="visitor">V</p><p slot="member">M</p></wix-member-gate>`,
    );
    expect(forged.getAttribute('state')).to.equal('checking');
    expect(visible(forged)).to.deep.equal([]);
    await stateIs(forged, 'not-connected');
    expect(visible(forged)).to.deep.equal(['visitor']);
  });

  it('a token-info failure shows the error state (error slot or a short text), never a member or visitor slot', async () => {
    await addFault({ path: '/oauth2/token-info', status: 500 });
    const el = await gate();
    el.accessTokenListener(anonymousToken);
    await stateIs(el, 'error');
    expect(visible(el)).to.deep.equal([]);
    expect(el.shadowRoot!.querySelector('[part="content"]')!.getAttribute('role')).to.equal('alert');
    expect(shadowText(el)).to.contain('We could not check whether you are signed in.');

    const custom = await fixture<WixMemberGate>(
      html`<wix-member-gate api-base-url=${host}><p slot="visitor">V</p><p slot="member">M</p><p slot="error">Oops, try later.</p></wix-member-gate>`,
    );
    custom.accessTokenListener(anonymousToken);
    await stateIs(custom, 'error');
    expect(visible(custom)).to.deep.equal(['error']);
  });

  it('an inactive token is renewed once, then shown as an error (not as a visitor)', async () => {
    const { getter, counter } = countingGetter(async () => 'not-a-real-token');
    const el = await gate();
    el.accessTokenListener(getter);
    await stateIs(el, 'error');
    expect(counter.calls).to.equal(2);
    expect(visible(el)).to.deep.equal([]);
  });

  it('a getter that fails is an error, never an anonymous fallback', async () => {
    const el = await gate();
    el.accessTokenListener(async () => {
      throw new Error('no session');
    });
    await stateIs(el, 'error');
    expect(visible(el)).to.deep.equal([]);
  });

  it('never writes a token into the DOM, attributes, storage or the URL', async () => {
    const token = await memberToken();
    const el = await gate();
    el.accessTokenListener(async () => token);
    await stateIs(el, 'member');
    expect(everywhere()).not.to.contain(token);
  });
});

describe('<wix-member-gate> on a Velo site (page-code bridge)', () => {
  const identity = (kind: string) => async () => ({ ok: true, data: { kind } });

  it('page code says member: the member slot', async () => {
    const el = await gate();
    bindElements(createDollarW(), { '#g': { actions: { identity: identity('member') } } });
    await stateIs(el, 'member');
    expect(visible(el)).to.deep.equal(['member']);
  });

  it('page code says visitor: the visitor slot', async () => {
    const el = await gate();
    bindElements(createDollarW(), { '#g': { actions: { identity: identity('visitor') } } });
    await stateIs(el, 'visitor');
    expect(visible(el)).to.deep.equal(['visitor']);
  });

  it('page code says owner: the owner slot, else member', async () => {
    const el = await gate({ owner: true });
    bindElements(createDollarW(), { '#g': { actions: { identity: identity('owner') } } });
    await stateIs(el, 'owner');
    expect(visible(el)).to.deep.equal(['owner']);
  });

  it('bridge="ready" set again (a login in page code) checks again', async () => {
    let kind = 'visitor';
    const el = await gate();
    bindElements(createDollarW(), { '#g': { actions: { identity: async () => ({ ok: true, data: { kind } }) } } });
    await stateIs(el, 'visitor');
    kind = 'member';
    el.setAttribute('bridge', 'ready');
    await stateIs(el, 'member');
    kind = 'visitor';
    el.setAttribute('bridge', 'ready');
    await stateIs(el, 'visitor');
  });

  it('an unknown kind or a failure envelope is an error', async () => {
    const answers = [
      { ok: true, data: { kind: 'admin' } },
      { ok: true, data: { kind: 'constructor' } },
      { ok: true, data: null },
      { ok: false, code: 'UNAVAILABLE', message: 'Down.' },
    ];
    for (const [i, answer] of answers.entries()) {
      const el = await gate({ id: `g${i}` });
      bindElements(createDollarW(), { [`#g${i}`]: { actions: { identity: async () => answer } } });
      await stateIs(el, 'error');
      expect(visible(el), JSON.stringify(answer)).to.deep.equal([]);
    }
  });

  it('a token, whenever it comes, wins over the bridge', async () => {
    const el = await gate();
    bindElements(createDollarW(), { '#g': { actions: { identity: identity('member') } } });
    await stateIs(el, 'member');
    el.accessTokenListener(anonymousToken);
    await stateIs(el, 'visitor');
    el.setAttribute('bridge', 'ready');
    await sleep(50);
    expect(el.state).to.equal('visitor');
  });
});

describe('<wix-member-gate> without a host', () => {
  it('not connected: the visitor slot after connect-timeout, with the state not-connected', async () => {
    const el = await fixture<WixMemberGate>(html`<wix-member-gate connect-timeout="80"><p slot="visitor">V</p><p slot="member">M</p></wix-member-gate>`);
    const seen: string[] = [];
    el.addEventListener('wix-gate-change', (e) => seen.push(e.detail.state));
    expect(el.state).to.equal('checking');
    expect(el.shadowRoot!.querySelector('[part="content"]')!.getAttribute('role')).to.equal('status');
    expect(shadowText(el)).to.contain('Checking your sign-in');
    expect(visible(el)).to.deep.equal([]);
    await stateIs(el, 'not-connected');
    expect(el.getAttribute('state')).to.equal('not-connected');
    expect(visible(el)).to.deep.equal(['visitor']);
    expect(seen).to.deep.equal(['not-connected']);
  });

  it('the checking slot, when given, replaces the status text', async () => {
    const el = await fixture<WixMemberGate>(html`<wix-member-gate><p slot="checking">Loading…</p><p slot="visitor">V</p></wix-member-gate>`);
    expect(visible(el)).to.deep.equal(['checking']);
  });

  it('shows a placeholder in the Wix Editor', async () => {
    (window as unknown as { commonConfig: unknown }).commonConfig = { viewMode: 'Editor' };
    const el = await gate();
    el.accessTokenListener(anonymousToken);
    await el.updateComplete;
    expect(el.state).to.equal('editor');
    expect(el.getAttribute('state')).to.equal('editor');
    expect(shadowText(el)).to.contain('Member gate');
    expect(visible(el)).to.deep.equal([]);
  });

  it('is accessible in its states', async () => {
    const el = await gate();
    await expect(el).to.be.accessible();
    el.accessTokenListener(anonymousToken);
    await stateIs(el, 'visitor');
    await expect(el).to.be.accessible();
    await addFault({ path: '/oauth2/token-info', status: 503 });
    const failed = await gate();
    failed.accessTokenListener(anonymousToken);
    await stateIs(failed, 'error');
    await expect(failed).to.be.accessible();
  });
});
