import { html, nothing, type TemplateResult } from 'lit';
import { ActionBridge, envelopeKind } from '../core/action-bridge.ts';
import { WixElement } from '../core/element.ts';
import { SessionError, asSessionError } from '../core/errors.ts';
import { apiBase, inEditor } from '../core/host.ts';
import type { Session } from '../core/session.ts';
import { memberGateStyles } from './member-gate.styles.ts';
import { themeBase } from '../core/theme-base.ts';

/**
 * What the gate shows. `visitor`, `member`, `owner`: the identity the platform (or page code) vouched for.
 * `not-connected`: neither a token nor page code after `connect-timeout`; the visitor slot is shown.
 */
export type MemberGateState = 'checking' | 'visitor' | 'member' | 'owner' | 'error' | 'not-connected' | 'editor';

export interface MemberGateChangeDetail {
  state: MemberGateState;
}

/** The events of <wix-member-gate>, by type: their detail. */
export interface MemberGateEvents {
  'wix-gate-change': MemberGateChangeDetail;
}

type Identity = 'visitor' | 'member' | 'owner';

// Maps, so that a value such as "constructor" cannot reach Object.prototype.
const SUBJECT_TYPES = new Map<unknown, Identity>([
  ['VISITOR', 'visitor'],
  ['MEMBER', 'member'],
  ['USER', 'owner'],
]);
const KINDS = new Map<unknown, Identity>([
  ['visitor', 'visitor'],
  ['member', 'member'],
  ['owner', 'owner'],
]);

const malformed = () => new SessionError('server', 'The site answered with a malformed response.');

/**
 * Shows one slot to visitors and another to signed-in members (and, optionally, one to the site owner). Only
 * the chosen slot is in the shadow tree, so the other slots' content is not displayed.
 *
 * The identity always comes from the platform, never from the page: with a token getter (a site widget:
 * `accessTokenListener(getter)` or `window.wixEmbedsAPI`), the element POSTs the session token to
 * `/oauth2/token-info` and reads its `subjectType` (VISITOR, MEMBER, USER = the site owner); an inactive token is
 * renewed once, then shown as an error. On a Velo site, page code answers the action `identity` through
 * `bindElements($w, { '#gate': { actions: { identity } } })`, with `{ ok: true, data: { kind } }`, `kind` one of
 * visitor, member, owner. A token, whenever it comes, wins over the bridge. A new injection, the shared session's
 * `change` event or `bridge="ready"` set again (login, logout) checks again; while it checks, no slot is shown.
 *
 * With neither a token nor page code after `connect-timeout`, the gate shows the `visitor` slot (the view anyone
 * may see) in the state `not-connected`. The `state` attribute only reflects the state, for CSS; it is never
 * read, and a value written to it by anyone else is put back.
 *
 * This is a display gate: the light-DOM content of every slot is in the page, readable by any script. Content a
 * visitor must not get at all belongs behind a permission check on the server (a collection's permissions, a
 * web method), not only in the `member` slot.
 *
 * @tag wix-member-gate
 *
 * @attr connect-timeout - Milliseconds to wait for a token or page code before showing the visitor slot (default 1500).
 * @attr api-base-url - Overrides the host of `/oauth2/token-info` (`host[:port][/path]`); normally the site's URL.
 * @attr state - Read-only, reflected for CSS (`wix-member-gate[state=member]`): checking, visitor, member, owner, error, not-connected, editor.
 * @attr bridge - Set to `ready` by page code (elements/velo/page.ts) once it answers `wix-bridge-request`.
 * @attr bridge-reply - Written by page code: one JSON reply per request.
 * @attr bridge-timeout - Milliseconds to wait for a page-code reply (default 10000).
 *
 * @slot visitor - Shown to a visitor who is not signed in, and when the gate is not connected.
 * @slot member - Shown to a signed-in member (and to the owner when there is no `owner` slot).
 * @slot owner - Optional: shown to the site owner.
 * @slot checking - Optional: shown while the identity is being checked (default: a short status text).
 * @slot error - Optional: shown when the identity could not be checked (default: a short text).
 *
 * @fires wix-gate-change - The state changed. Detail: `{ state }`, one of checking, visitor, member, owner, error, not-connected, editor.
 *
 * @csspart content - The box around the shown slot (or the status, error or editor text).
 *
 * @cssprop --wse-font - Font (default: the site font, inherited).
 * @cssprop --wse-color-muted - Status and placeholder text.
 * @cssprop --wse-color-error - The error text.
 * @cssprop --wse-color-border - Border of the Editor placeholder.
 * @cssprop --wse-radius - Corner radius of the Editor placeholder.
 */
export class WixMemberGate extends WixElement<MemberGateEvents> {
  static override styles = [themeBase, memberGateStyles];
  // The state is a private field, not a property: nothing set from outside (attribute or property) can choose the slot.

  #view: MemberGateState = 'checking';
  #failure: SessionError | undefined;
  #announced: MemberGateState | undefined;
  protected readonly bridge = new ActionBridge(this);
  /** Only the latest check may change the state: a slower, older answer never overwrites a newer one. */
  #run = 0;
  /** Light-DOM children may gain or lose `slot="owner"`: the owner fallback is decided again. */
  readonly #children = new MutationObserver(() => this.requestUpdate());

  /** The current state (read-only). */
  get state(): MemberGateState {
    return this.#view;
  }

  override connectedCallback(): void {
    this.#children.observe(this, { childList: true, subtree: true, attributes: true, attributeFilter: ['slot'] });
    super.connectedCallback();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#children.disconnect();
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'state'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    // Read-only: a value written by anyone else is put back (and never read to decide anything).
    if (name == 'state' && value !== this.#view) this.setAttribute('state', this.#view);
  }

  /** A token, the bridge (`ready` set again: a login or logout in page code) or the session's `change`: check again. */
  protected override onTransport(): void {
    void this.check();
  }

  protected override onUnconnected(state: 'editor' | 'not-connected'): void {
    this.#set(state);
  }

  /** Checks the identity again. No slot is shown until the answer comes. */
  async check(): Promise<void> {
    if (!this.hasTransport || inEditor()) return;
    const run = ++this.#run;
    this.#set('checking');
    try {
      const identity = this.session ? await this.#fromToken(this.session) : await this.#fromPageCode();
      if (run === this.#run) this.#set(identity);
    } catch (error) {
      if (run === this.#run) {
        this.#failure = asSessionError(error);
        this.#set('error');
      }
    }
  }

  #set(view: MemberGateState): void {
    if (view === this.#view) return;
    this.#view = view;
    this.requestUpdate();
  }

  /** A site widget: the platform says whose token it is. An inactive token is renewed once. */
  async #fromToken(session: Session): Promise<Identity> {
    const base = apiBase(this.apiBaseUrl, location.host);
    const ask = async (token: string): Promise<Identity | undefined> => {
      const response = await fetch(`https://${base}/oauth2/token-info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
        credentials: 'omit',
        cache: 'no-store',
      });
      const { status } = response;
      if (status !== 200) throw new SessionError(asSessionError(0, status).kind, undefined, { status });
      const info = (await response.json().catch(() => undefined)) as { active?: unknown; subjectType?: unknown } | null | undefined;
      if (info?.active === false) return undefined;
      const identity = SUBJECT_TYPES.get(info?.subjectType);
      if (info?.active !== true || !identity) throw malformed();
      return identity;
    };
    const identity = await session.withRenewal(await session.token(), ask, (identity) => !identity);
    if (!identity) throw new SessionError('unauthenticated');
    return identity;
  }

  /** A Velo site: page code answers `identity` from its own session (`currentMember`). */
  async #fromPageCode(): Promise<Identity> {
    const envelope = await this.bridge.call('identity');
    if (!envelope.ok) throw new SessionError(envelopeKind(envelope.code), envelope.message, { code: envelope.code });
    const identity = KINDS.get((envelope.data as { kind?: unknown } | null)?.kind);
    if (!identity) throw malformed();
    return identity;
  }

  protected override updated(): void {
    if (this.getAttribute('state') !== this.#view) this.setAttribute('state', this.#view);
    if (this.#announced === this.#view) return;
    this.#announced = this.#view;
    this.emit('wix-gate-change', { state: this.#view });
  }

  /** The one slot shown: the owner falls back to the member slot when the page gives no `owner` content. */
  #slotName(): string | undefined {
    switch (this.#view) {
      case 'visitor':
      case 'not-connected':
        return 'visitor';
      case 'member':
        return 'member';
      case 'owner':
        return this.querySelector(':scope > [slot="owner"]') ? 'owner' : 'member';
      default:
        return undefined;
    }
  }

  protected override render(): TemplateResult {
    const name = this.#slotName();
    if (name) return html`<div part="content"><slot name=${name}></slot></div>`;
    switch (this.#view) {
      case 'editor':
        return html`<div part="content" class="placeholder">Member gate: visitors and signed-in members see different content here.</div>`;
      case 'error':
        return html`<div part="content" class="error" role="alert" data-kind=${this.#failure?.kind ?? nothing}><slot name="error">We could not check whether you are signed in.</slot></div>`;
      default:
        return html`<div part="content" class="status" role="status"><slot name="checking">Checking your sign-in…</slot></div>`;
    }
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'wix-gate-change': CustomEvent<MemberGateChangeDetail>;
  }
}
