import { css, html, LitElement, nothing } from 'lit';
import { ApiError, dash } from './api.ts';
import { shared } from './styles.ts';
import './data-view.ts';

/** The first view (data) comes with the page; the others load when first shown. */
const LOADERS = {
  admin: () => import('./admin-views.ts'),
  monitor: () => import('./monitor-views.ts'),
};

const VIEWS = [
  { id: 'data', label: 'Data', module: undefined },
  { id: 'members', label: 'Members', module: 'admin' },
  { id: 'keys', label: 'API keys', module: 'admin' },
  { id: 'apps', label: 'OAuth apps', module: 'admin' },
  { id: 'secrets', label: 'Secrets', module: 'admin' },
  { id: 'usage', label: 'Usage', module: 'monitor' },
  { id: 'requests', label: 'Requests', module: 'monitor' },
  { id: 'faults', label: 'Faults', module: 'monitor' },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

const viewFromHash = (): ViewId => {
  const wanted = location.hash.replace(/^#/, '');
  return VIEWS.find((v) => v.id === wanted)?.id ?? 'data';
};

/**
 * `<wl-dashboard>`: the local platform's dashboard. Signs the owner in (password or the run's control secret,
 * which the CLI can hand over in the URL fragment, never sent to the server in a URL), then shows one view at a
 * time; the view is in the location hash so a reload stays put.
 */
export class WlDashboard extends LitElement {
  static override properties = {
    state: { state: true },
    view: { state: true },
    error: { state: true },
    ownerEmail: { state: true },
  };
  static override styles = [
    shared,
    css`
      :host {
        min-height: 100vh;
        background: var(--_background);
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: var(--_space);
        padding: var(--_space) calc(var(--_space) * 2);
        border-bottom: 1px solid var(--_border);
      }
      header h1 {
        font-size: 1.1rem;
        margin: 0;
      }
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: calc(var(--_space) * 0.5);
        list-style: none;
        margin: 0;
        padding: var(--_space) calc(var(--_space) * 2);
        border-bottom: 1px solid var(--_border);
      }
      nav a {
        display: inline-block;
        padding: calc(var(--_space) * 0.5) var(--_space);
        border-radius: var(--_radius);
        color: var(--_accent);
        text-decoration: none;
      }
      nav a[aria-current='page'] {
        background: var(--_accent);
        color: var(--_on-accent);
      }
      main {
        padding: calc(var(--_space) * 2);
        max-width: 80rem;
        margin: 0 auto;
      }
      form.sign-in {
        max-width: 24rem;
        display: grid;
        gap: calc(var(--_space) * 1.5);
      }
    `,
  ];

  declare state: 'loading' | 'signed-out' | 'signed-in';
  declare view: ViewId;
  declare error: string;
  declare ownerEmail: string;

  constructor() {
    super();
    this.state = 'loading';
    this.view = viewFromHash();
    this.error = '';
    this.ownerEmail = '';
  }

  private readonly onHash = () => {
    this.view = viewFromHash();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('hashchange', this.onHash);
    void this.start();
  }

  override disconnectedCallback(): void {
    removeEventListener('hashchange', this.onHash);
    super.disconnectedCallback();
  }

  private async start(): Promise<void> {
    // `#secret=…` (the CLI's link): exchanged for a session cookie once, then wiped from the address bar.
    const secret = /(?:^#|&)secret=([^&]+)/.exec(location.hash)?.[1];
    if (secret) {
      history.replaceState(null, '', location.pathname);
      try {
        await dash('/session', { body: { controlSecret: decodeURIComponent(secret) } });
      } catch (error) {
        this.error = (error as Error).message;
      }
    }
    // The page says so when the request that loaded it already had the owner's session: no round trip then.
    const known = this.dataset['owner'];
    if (known && !secret) {
      this.ownerEmail = known;
      this.state = 'signed-in';
      return;
    }
    try {
      const session = await dash<{ signedIn: boolean; owner?: { email: string } }>('/session');
      this.ownerEmail = session.owner?.email ?? '';
      this.state = session.signedIn ? 'signed-in' : 'signed-out';
    } catch (error) {
      this.error = (error as Error).message;
      this.state = 'signed-out';
    }
  }

  private async signIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const secret = String(form.get('secret') ?? '');
    const body = secret ? { controlSecret: secret } : { email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') };
    try {
      const session = await dash<{ owner: { email: string } }>('/session', { body });
      this.ownerEmail = session.owner.email;
      this.error = '';
      this.state = 'signed-in';
    } catch (error) {
      this.error = error instanceof ApiError && error.status === 403 ? 'The dashboard is for the site owner only.' : (error as Error).message;
    }
  }

  private async signOut(): Promise<void> {
    await dash('/session', { method: 'DELETE' }).catch(() => undefined);
    this.state = 'signed-out';
  }

  private renderView() {
    const module = VIEWS.find((v) => v.id === this.view)?.module;
    // The element upgrades when its module has loaded; a failed load shows as an error, not a blank view.
    if (module) LOADERS[module]().catch((error: unknown) => (this.error = `The ${this.view} view did not load: ${(error as Error).message}`));
    switch (this.view) {
      case 'data':
        return html`<wl-data-view></wl-data-view>`;
      case 'members':
        return html`<wl-members-view></wl-members-view>`;
      case 'keys':
        return html`<wl-keys-view></wl-keys-view>`;
      case 'apps':
        return html`<wl-apps-view></wl-apps-view>`;
      case 'secrets':
        return html`<wl-secrets-view></wl-secrets-view>`;
      case 'usage':
        return html`<wl-usage-view></wl-usage-view>`;
      case 'requests':
        return html`<wl-requests-view></wl-requests-view>`;
      case 'faults':
        return html`<wl-faults-view></wl-faults-view>`;
    }
  }

  override render() {
    const header = html`<header>
      <h1>Local Wix dashboard</h1>
      ${
        this.state === 'signed-in'
          ? html`<div class="row">
            <span class="muted">${this.ownerEmail}</span>
            <button class="secondary" @click=${() => this.signOut()}>Sign out</button>
          </div>`
          : nothing
      }
    </header>`;
    if (this.state === 'loading') return html`${header}<main><p class="muted" role="status">Loading…</p></main>`;
    if (this.state === 'signed-out') {
      return html`${header}
        <main>
          <h2>Sign in as the site owner</h2>
          <form class="sign-in" @submit=${(e: SubmitEvent) => this.signIn(e)}>
            <label>Email <input name="email" type="email" autocomplete="username" /></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" /></label>
            <p class="muted">Or paste this run’s control secret (the CLI prints it):</p>
            <label>Control secret <input name="secret" type="password" autocomplete="off" /></label>
            <button type="submit">Sign in</button>
            ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
          </form>
        </main>`;
    }
    return html`${header}
      <nav aria-label="Dashboard views">
        <ul>
          ${VIEWS.map((v) => html`<li><a href="#${v.id}" aria-current=${this.view === v.id ? 'page' : 'false'}>${v.label}</a></li>`)}
        </ul>
      </nav>
      <main>${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}${this.renderView()}</main>`;
  }
}

customElements.define('wl-dashboard', WlDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'wl-dashboard': WlDashboard;
  }
}
