import { html, LitElement, nothing } from 'lit';
import { dash, when, type MemberRow } from './api.ts';
import { shared } from './styles.ts';

/** A view that loads a JSON resource and shows it, with an error line and a status line. */
abstract class ListView<T> extends LitElement {
  static override properties = { data: { state: true }, error: { state: true }, notice: { state: true } };
  static override styles = [shared];
  declare data: T | undefined;
  declare error: string;
  declare notice: string;

  constructor() {
    super();
    this.error = '';
    this.notice = '';
  }

  protected abstract fetchData(): Promise<T>;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.reload();
  }

  protected async reload(): Promise<void> {
    try {
      this.data = await this.fetchData();
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Runs an action, then reloads; a refusal is shown, not thrown. */
  protected async act(action: () => Promise<string | void>): Promise<void> {
    try {
      const notice = await action();
      this.notice = notice ?? '';
      this.error = '';
      await this.reload();
    } catch (error) {
      this.error = (error as Error).message;
      this.notice = '';
    }
  }

  protected messages() {
    return html`${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    ${this.notice ? html`<p class="ok" role="status">${this.notice}</p>` : nothing}`;
  }
}

const formValues = (event: SubmitEvent) => {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  return { form, data: new FormData(form) };
};

export class WlMembersView extends ListView<{ members: MemberRow[] }> {
  protected fetchData() {
    return dash<{ members: MemberRow[] }>('/members');
  }

  private create(event: SubmitEvent) {
    const { form, data } = formValues(event);
    void this.act(async () => {
      const body = { email: String(data.get('email')), password: String(data.get('password')), nickname: String(data.get('nickname') || '') || undefined };
      await dash('/members', { body });
      form.reset();
      return `Created ${body.email}.`;
    });
  }

  override render() {
    const members = this.data?.members ?? [];
    return html`<h2>Members</h2>
      ${this.messages()}
      <div class="scroll card" tabindex="0">
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Nickname</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Last active</th>
            </tr>
          </thead>
          <tbody>
            ${members.map(
              (m) =>
                html`<tr data-member=${m.email}>
                  <td class="wrap">${m.email}</td>
                  <td>${m.nickname}</td>
                  <td><span class="badge">${m.role}</span></td>
                  <td>${m.status === 'signed-in' ? html`<span class="ok">signed in</span>` : html`<span class="muted">signed out</span>`}</td>
                  <td>${when(m.lastSignIn)}</td>
                  <td>${when(m.lastActive)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h3>Create a member</h3>
      <form class="row card" @submit=${(e: SubmitEvent) => this.create(e)} aria-label="Create a member">
        <label>Email <input name="email" type="email" required autocomplete="off" /></label>
        <label>Password <input name="password" type="password" required minlength="8" autocomplete="new-password" /></label>
        <label>Nickname <input name="nickname" autocomplete="off" /></label>
        <button type="submit">Create member</button>
      </form>`;
  }
}

interface KeyRow {
  id: string;
  name: string;
  permissions: string[];
  createdAt: string;
  expiresAt?: string;
  rotatedFrom?: string;
  usage: { count: number; lastUsedAt?: string; denied: number };
}

export class WlKeysView extends ListView<{ keys: KeyRow[]; permissions: string[] }> {
  static override properties = { ...ListView.properties, shown: { state: true } };
  /** A key just created or rotated: shown once, here, and never again (the platform keeps only its hash). */
  declare shown: { name: string; key: string; note: string } | undefined;

  protected fetchData() {
    return dash<{ keys: KeyRow[]; permissions: string[] }>('/keys');
  }

  private create(event: SubmitEvent) {
    const { form, data } = formValues(event);
    void this.act(async () => {
      const permissions = data.getAll('permissions').map(String);
      const created = await dash<{ key: string; name: string }>('/keys', { body: { name: String(data.get('name') ?? ''), permissions } });
      this.shown = { name: created.name, key: created.key, note: 'Copy it now: it is shown once.' };
      form.reset();
    });
  }

  private rotate(row: KeyRow, graceInput: HTMLInputElement | null) {
    const graceSeconds = Math.max(0, Math.floor(Number(graceInput?.value ?? '0') || 0));
    void this.act(async () => {
      const rotated = await dash<{ key: string; name: string; oldKeyExpiresAt: string }>(`/keys/${encodeURIComponent(row.id)}/rotate`, {
        body: { graceSeconds },
      });
      this.shown = { name: rotated.name, key: rotated.key, note: `The old key works until ${when(rotated.oldKeyExpiresAt)}, then it is refused.` };
    });
  }

  private revoke(row: KeyRow) {
    void this.act(async () => {
      await dash(`/keys/${encodeURIComponent(row.id)}`, { method: 'DELETE' });
      this.shown = undefined;
      return `Revoked ${row.name}.`;
    });
  }

  override render() {
    const keys = this.data?.keys ?? [];
    const permissions = this.data?.permissions ?? [];
    return html`<h2>API keys</h2>
      ${this.messages()}
      ${
        this.shown
          ? html`<div class="shown-once" role="status">
            <p><strong>${this.shown.name}</strong>: ${this.shown.note}</p>
            <p><code data-new-key>${this.shown.key}</code></p>
            <button class="secondary" @click=${() => (this.shown = undefined)}>Done</button>
          </div>`
          : nothing
      }
      <div class="scroll card" tabindex="0">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Permissions</th>
              <th scope="col">Requests</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
              <th scope="col">Rotate / revoke</th>
            </tr>
          </thead>
          <tbody>
            ${keys.map(
              (k) =>
                html`<tr data-key=${k.id}>
                  <td class="wrap">${k.name}<br /><code class="muted">${k.id}</code></td>
                  <td>${k.permissions.map((p) => html`<span class="badge">${p}</span> `)}</td>
                  <td>${k.usage.count}${k.usage.denied ? html` <span class="muted">(${k.usage.denied} denied)</span>` : nothing}</td>
                  <td>${when(k.usage.lastUsedAt)}</td>
                  <td>${k.expiresAt ? html`<span class="badge flag">retiring ${when(k.expiresAt)}</span>` : html`<span class="badge">active</span>`}</td>
                  <td>
                    <div class="row">
                      <label
                        >Grace (s)
                        <input type="number" min="0" max="2592000" value="300" size="6" data-grace />
                      </label>
                      <button
                        class="secondary"
                        ?disabled=${Boolean(k.expiresAt)}
                        @click=${(e: Event) => this.rotate(k, (e.target as HTMLElement).closest('tr')!.querySelector<HTMLInputElement>('[data-grace]'))}
                      >
                        Rotate
                      </button>
                      <button class="danger" @click=${() => this.revoke(k)}>Revoke</button>
                    </div>
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h3>Create a key</h3>
      <form class="card" @submit=${(e: SubmitEvent) => this.create(e)} aria-label="Create an API key">
        <div class="row">
          <label>Name <input name="name" required maxlength="100" autocomplete="off" /></label>
          <fieldset class="row">
            <legend>Permissions</legend>
            ${permissions.map((p) => html`<label class="inline"><input type="checkbox" name="permissions" value=${p} /> ${p}</label>`)}
          </fieldset>
          <button type="submit">Create key</button>
        </div>
      </form>`;
  }
}

interface AppRow {
  clientId: string;
  name: string;
  redirectUris: string[];
  scopes: string[];
  createdAt: string;
  grants: { id: string; subjectId?: string; memberEmail?: string; siteId: string; scopes: string[]; createdAt: string }[];
}

export class WlAppsView extends ListView<{ apps: AppRow[] }> {
  protected fetchData() {
    return dash<{ apps: AppRow[] }>('/apps');
  }

  private revoke(app: AppRow, grant: AppRow['grants'][number]) {
    void this.act(async () => {
      await dash(`/grants/${encodeURIComponent(grant.id)}`, { method: 'DELETE' });
      return `Revoked ${app.name}’s grant from ${grant.memberEmail ?? 'the app itself'}.`;
    });
  }

  override render() {
    const apps = this.data?.apps ?? [];
    return html`<h2>OAuth apps and grants</h2>
      ${this.messages()} ${apps.length === 0 ? html`<p class="muted">No third-party apps are registered.</p>` : nothing}
      ${apps.map(
        (app) =>
          html`<section class="card" data-app=${app.clientId} aria-label="App ${app.name}">
            <h3>${app.name}</h3>
            <p class="mono muted">${app.clientId}</p>
            <p>Scopes: ${app.scopes.map((s) => html`<span class="badge">${s}</span> `)}</p>
            <p>Redirect URIs:</p>
            <ul>
              ${app.redirectUris.map((u) => html`<li><code>${u}</code></li>`)}
            </ul>
            <div class="scroll" tabindex="0">
              <table>
                <caption class="sr-only">
                  Active grants of ${app.name}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Granted by</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Since</th>
                    <th scope="col"><span class="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${
                    app.grants.length === 0
                      ? html`<tr>
                        <td colspan="4" class="muted">No active grants.</td>
                      </tr>`
                      : app.grants.map(
                          (g) =>
                            html`<tr data-grant=${g.id}>
                            <td class="wrap">${g.memberEmail ?? (g.subjectId ? g.subjectId : 'the app itself (client credentials)')}</td>
                            <td>${g.scopes.join(' ')}</td>
                            <td>${when(g.createdAt)}</td>
                            <td><button class="danger" @click=${() => this.revoke(app, g)}>Revoke</button></td>
                          </tr>`,
                        )
                  }
                </tbody>
              </table>
            </div>
          </section>`,
      )}`;
  }
}

export class WlSecretsView extends ListView<{ secrets: { name: string; source: string; lastReadAt?: string }[] }> {
  protected fetchData() {
    return dash<{ secrets: { name: string; source: string; lastReadAt?: string }[] }>('/secrets');
  }

  private set(event: SubmitEvent) {
    const { form, data } = formValues(event);
    void this.act(async () => {
      const name = String(data.get('name') ?? '');
      const set = await dash<{ source: string }>(`/secrets/${encodeURIComponent(name)}`, { method: 'PUT', body: { value: String(data.get('value') ?? '') } });
      form.reset();
      // A WIX_SECRET_<NAME> environment variable wins over the file (secrets-vault.ts): say so rather than pretend.
      return set.source === 'environment' ? `Set ${name} in the file; the WIX_SECRET_${name} environment variable still wins.` : `Set ${name}.`;
    });
  }

  override render() {
    const secrets = this.data?.secrets ?? [];
    return html`<h2>Secrets</h2>
      <p class="muted">Names and when the backend last read them. Values are never shown; you can set a new one.</p>
      ${this.messages()}
      <div class="scroll card" tabindex="0">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Source</th>
              <th scope="col">Last read</th>
            </tr>
          </thead>
          <tbody>
            ${secrets.map(
              (s) =>
                html`<tr data-secret=${s.name}>
                  <td class="mono">${s.name}</td>
                  <td>${s.source}</td>
                  <td>${when(s.lastReadAt)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h3>Set a secret</h3>
      <form class="row card" @submit=${(e: SubmitEvent) => this.set(e)} aria-label="Set a secret">
        <label>Name <input name="name" required maxlength="50" pattern="[A-Za-z0-9_+=@#$\\-]+" autocomplete="off" /></label>
        <label>Value <input name="value" type="password" required maxlength="3500" autocomplete="off" /></label>
        <button type="submit">Set secret</button>
      </form>`;
  }
}

customElements.define('wl-members-view', WlMembersView);
customElements.define('wl-keys-view', WlKeysView);
customElements.define('wl-apps-view', WlAppsView);
customElements.define('wl-secrets-view', WlSecretsView);
