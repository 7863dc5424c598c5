import { css, html, LitElement, nothing } from 'lit';
import { ApiError, dash, dataApi, type CollectionInfo, type Field, type MemberRow, type Overview } from './api.ts';
import { shared } from './styles.ts';

type Item = Record<string, unknown> & { _id?: string };
const SYSTEM = new Set(['_id', '_createdDate', '_updatedDate', '_owner']);
const OPERATORS = [
  ['$eq', '='],
  ['$ne', '≠'],
  ['$contains', 'contains'],
  ['$startsWith', 'starts with'],
  ['$gt', '>'],
  ['$gte', '≥'],
  ['$lt', '<'],
  ['$lte', '≤'],
] as const;
const PAGE = 25;

/** A cell's text: `{$date}` as a date, objects as short JSON. */
function show(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object' && value && '$date' in value) return String((value as { $date: unknown }).$date);
  if (typeof value === 'object') return JSON.stringify(value).slice(0, 120);
  return String(value).slice(0, 200);
}

/** An ISO instant as the value of a datetime-local input, in the browser's time zone (to the second). */
function localDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}

/** What a typed-in filter value means for a field of this type. */
function typed(type: string | undefined, raw: string): unknown {
  if (type === 'NUMBER') return Number(raw);
  if (type === 'BOOLEAN') return raw === 'true';
  if (type === 'DATETIME') return { $date: new Date(raw).toISOString() };
  return raw;
}

/**
 * Sites and collections (counts, fields and types, permissions per operation) and the item browser: paging, sort
 * and filter over the Data API's query contract, and type-aware editing. Reads and writes go to the real Data API
 * with an access token for the chosen identity (owner, a member, a visitor), so a refusal is the API's own.
 */
export class WlDataView extends LitElement {
  static override properties = {
    overview: { state: true },
    members: { state: true },
    siteId: { state: true },
    collection: { state: true },
    actAs: { state: true },
    items: { state: true },
    total: { state: true },
    offset: { state: true },
    sort: { state: true },
    filter: { state: true },
    editing: { state: true },
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
  };
  static override styles = [
    shared,
    css`
      .fields {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
      }
      .browser-controls {
        margin: var(--_space) 0;
      }
      th button {
        background: none;
        border: none;
        color: inherit;
        padding: 0;
        min-height: 0;
        font-weight: 600;
      }
      form.edit {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 16rem), 1fr));
        gap: var(--_space);
      }
      form.edit textarea {
        min-height: 4rem;
      }
    `,
  ];

  declare overview: Overview | undefined;
  declare members: MemberRow[];
  declare siteId: string;
  declare collection: CollectionInfo | undefined;
  declare actAs: string;
  declare items: Item[];
  declare total: number | undefined;
  declare offset: number;
  declare sort: { field: string; order: 'ASC' | 'DESC' } | undefined;
  declare filter: { field: string; op: string; value: string } | undefined;
  declare editing: Item | undefined;
  declare error: string;
  declare notice: string;
  declare busy: boolean;
  private tokens = new Map<string, string>();

  constructor() {
    super();
    this.members = [];
    this.siteId = '';
    this.actAs = 'owner';
    this.items = [];
    this.offset = 0;
    this.error = '';
    this.notice = '';
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [overview, members] = await Promise.all([dash<Overview>('/overview'), dash<{ members: MemberRow[] }>('/members')]);
      this.overview = overview;
      this.members = members.members;
      this.siteId ||= overview.sites[0]?.id ?? '';
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private async token(): Promise<string> {
    const key = `${this.siteId}|${this.actAs}`;
    const cached = this.tokens.get(key);
    if (cached) return cached;
    const body =
      this.actAs === 'owner' || this.actAs === 'visitor'
        ? { as: this.actAs, siteId: this.siteId }
        : { as: 'member', memberId: this.actAs, siteId: this.siteId };
    const { accessToken } = await dash<{ accessToken: string }>('/act-as', { body });
    this.tokens.set(key, accessToken);
    return accessToken;
  }

  /**
   * A Data API call as the chosen caller. Its token lasts 4 h on the platform's clock, which tests move: a 401 (an
   * expired token; nothing ran) gets a fresh token and one retry, instead of failing every browse until a reload.
   */
  private async asCaller<T>(path: string, body: unknown): Promise<T> {
    try {
      return await dataApi<T>(path, await this.token(), body);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      this.tokens.delete(`${this.siteId}|${this.actAs}`);
      return dataApi<T>(path, await this.token(), body);
    }
  }

  private columns(): Field[] {
    const declared = this.collection?.fields.filter((f) => !SYSTEM.has(f.key)) ?? [];
    if (declared.length) return declared.slice(0, 6);
    const keys = new Set<string>();
    for (const item of this.items) for (const key of Object.keys(item)) if (!SYSTEM.has(key)) keys.add(key);
    return [...keys].slice(0, 6).map((key) => ({ key, displayName: key, type: 'ANY' }));
  }

  private async query(): Promise<void> {
    if (!this.collection) return;
    this.busy = true;
    this.error = '';
    try {
      const filter: Record<string, unknown> = {};
      if (this.filter && this.filter.field && this.filter.value !== '') {
        const type = this.collection.fields.find((f) => f.key === this.filter!.field)?.type;
        const value = typed(type, this.filter.value);
        // safe-lookup: building a filter object from the owner's own choice, sent to the Data API (which checks it)
        filter[this.filter.field] = this.filter.op === '$eq' ? value : { [this.filter.op]: value };
      }
      const query = {
        filter,
        sort: this.sort ? [{ fieldName: this.sort.field, order: this.sort.order }] : [],
        paging: { limit: PAGE, offset: this.offset },
      };
      const answer = await this.asCaller<{ dataItems: { data: Item }[]; pagingMetadata?: { total?: number } }>('/query', {
        dataCollectionId: this.collection.id,
        query,
        returnTotalCount: true,
      });
      this.items = answer.dataItems.map((d) => d.data);
      this.total = answer.pagingMetadata?.total;
    } catch (error) {
      this.items = [];
      this.total = undefined;
      this.error = `The Data API refused: ${(error as Error).message}`;
    } finally {
      this.busy = false;
    }
  }

  private browse(collection: CollectionInfo, siteId: string): void {
    this.siteId = siteId;
    this.collection = collection;
    this.offset = 0;
    this.sort = undefined;
    this.filter = undefined;
    this.editing = undefined;
    this.notice = '';
    void this.query().then(() => this.renderRoot.querySelector('#browser-title')?.scrollIntoView({ block: 'start' }));
  }

  private sortBy(field: string): void {
    this.sort = this.sort?.field === field && this.sort.order === 'ASC' ? { field, order: 'DESC' } : { field, order: 'ASC' };
    this.offset = 0;
    void this.query();
  }

  private applyFilter(event: SubmitEvent): void {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.filter = { field: String(form.get('field') ?? ''), op: String(form.get('op') ?? '$eq'), value: String(form.get('value') ?? '') };
    this.offset = 0;
    void this.query();
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.collection || !this.editing) return;
    const form = event.target as HTMLFormElement;
    const data: Item = { ...this.editing };
    try {
      for (const field of this.collection.fields.filter((f) => !SYSTEM.has(f.key))) {
        const input = form.elements.namedItem(field.key) as HTMLInputElement | HTMLTextAreaElement | null;
        if (!input) continue;
        const raw = input.value;
        // Only what the owner changed is written: an untouched field keeps its stored value exactly (no round trip through an input).
        if ((field.type === 'BOOLEAN' ? String((input as HTMLInputElement).checked) : raw) === input.dataset['initial']) continue;
        let value: unknown;
        if (field.type === 'BOOLEAN') value = (input as HTMLInputElement).checked;
        else if (field.type === 'NUMBER') value = raw === '' ? null : Number(raw);
        else if (field.type === 'DATETIME') value = raw === '' ? null : { $date: new Date(raw).toISOString() };
        else if (input instanceof HTMLTextAreaElement && input.dataset['json'] === 'true') value = raw === '' ? null : JSON.parse(raw);
        else value = raw;
        // safe-lookup: keys are the collection's declared field keys, written into a copy of the item sent to the Data API
        data[field.key] = value;
      }
    } catch {
      this.error = 'A JSON field is not valid JSON.';
      return;
    }
    try {
      await this.asCaller('/update', { dataCollectionId: this.collection.id, dataItem: { id: data._id, data } });
      this.notice = `Saved ${data._id}.`;
      this.error = '';
      this.editing = undefined;
      await this.query();
    } catch (error) {
      this.notice = '';
      this.error = `The Data API refused the change: ${(error as Error).message}`;
    }
  }

  private input(field: Field, item: Item) {
    // safe-lookup: reading the item's own field by a declared field key (an own-property check first)
    const value = Object.hasOwn(item, field.key) ? item[field.key] : undefined;
    const id = `edit-${field.key}`;
    const label = `${field.displayName} (${field.type})`;
    switch (field.type) {
      case 'BOOLEAN':
        return html`<label class="inline" for=${id}><input id=${id} name=${field.key} type="checkbox" .checked=${value === true} data-initial=${String(value === true)} /> ${label}</label>`;
      case 'NUMBER':
        return html`<label for=${id}>${label}<input id=${id} name=${field.key} type="number" step="any" .value=${value == null ? '' : String(value)} data-initial=${value == null ? '' : String(value)} /></label>`;
      case 'DATETIME': {
        const iso = typeof value === 'object' && value && '$date' in value ? String((value as { $date: string }).$date) : '';
        const local = iso ? localDateTime(iso) : '';
        return html`<label for=${id}>${label}<input id=${id} name=${field.key} type="datetime-local" step="1" .value=${local} data-initial=${local} /></label>`;
      }
      case 'TEXT':
      case 'URL':
      case 'RICH_TEXT':
      case 'IMAGE':
      case 'DATE':
      case 'TIME':
        return html`<label for=${id}>${label}<input id=${id} name=${field.key} type=${field.type === 'DATE' ? 'date' : field.type === 'TIME' ? 'time' : 'text'} .value=${value == null ? '' : String(value)} data-initial=${value == null ? '' : String(value)} /></label>`;
      default:
        return html`<label for=${id}>${label}<textarea id=${id} name=${field.key} data-json="true" .value=${value === undefined ? '' : JSON.stringify(value, null, 1)} data-initial=${value === undefined ? '' : JSON.stringify(value, null, 1)}></textarea></label>`;
    }
  }

  private renderBrowser() {
    const c = this.collection;
    if (!c) return nothing;
    const columns = this.columns();
    const site = this.overview?.sites.find((s) => s.id === this.siteId);
    const field = this.filter?.field ?? columns[0]?.key ?? '';
    return html`<section class="card" aria-labelledby="browser-title">
      <h3 id="browser-title">${c.displayName} <span class="muted">(${c.id}${site && !site.primary ? `, ${site.name}` : ''})</span></h3>
      <div class="row browser-controls">
        <label
          >Act as
          <select
            name="act-as"
            @change=${(e: Event) => {
              this.actAs = (e.target as HTMLSelectElement).value;
              this.offset = 0;
              void this.query();
            }}
          >
            <option value="owner" ?selected=${this.actAs === 'owner'}>Site owner</option>
            <option value="visitor" ?selected=${this.actAs === 'visitor'}>A visitor</option>
            ${this.members
              .filter((m) => m.role !== 'owner')
              .map((m) => html`<option value=${m.id} ?selected=${this.actAs === m.id}>Member ${m.email}</option>`)}
          </select>
        </label>
        <form class="row" @submit=${(e: SubmitEvent) => this.applyFilter(e)} aria-label="Filter">
          <label
            >Field
            <select name="field">
              ${[...c.fields.map((f) => f.key), ...columns.map((f) => f.key)]
                .filter((k, i, all) => all.indexOf(k) === i)
                .map((k) => html`<option ?selected=${k === field}>${k}</option>`)}
            </select>
          </label>
          <label
            >Operator
            <select name="op">
              ${OPERATORS.map(([op, text]) => html`<option value=${op} ?selected=${this.filter?.op === op}>${text}</option>`)}
            </select>
          </label>
          <label>Value <input name="value" .value=${this.filter?.value ?? ''} /></label>
          <button type="submit">Filter</button>
          <button
            type="button"
            class="secondary"
            @click=${() => {
              this.filter = undefined;
              this.offset = 0;
              void this.query();
            }}
          >
            Clear
          </button>
        </form>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.notice ? html`<p class="ok" role="status">${this.notice}</p>` : nothing}
      <p class="muted" role="status">
        ${
          this.busy
            ? 'Loading…'
            : this.total === undefined
              ? `${this.items.length} items`
              : `${this.total === 0 ? 0 : this.offset + 1}–${this.offset + this.items.length} of ${this.total} items`
        }
      </p>
      <div class="scroll" tabindex="0">
        <table>
          <thead>
            <tr>
              ${columns.map(
                (col) =>
                  html`<th
                    scope="col"
                    aria-sort=${this.sort?.field === col.key ? (this.sort.order === 'ASC' ? 'ascending' : 'descending') : 'none'}
                  >
                    <button @click=${() => this.sortBy(col.key)}>
                      ${col.displayName}${this.sort?.field === col.key ? (this.sort.order === 'ASC' ? ' ▲' : ' ▼') : ''}
                    </button>
                  </th>`,
              )}
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${this.items.map(
              (item) =>
                html`<tr data-item=${item._id ?? ''}>
                  ${columns.map((col) => html`<td class="wrap">${show(Object.hasOwn(item, col.key) ? item[col.key] : undefined)}</td>`)}
                  <td><button class="secondary" @click=${() => (this.editing = item)} aria-label="Edit ${item._id}">Edit</button></td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <div class="row">
        <button
          class="secondary"
          ?disabled=${this.offset === 0}
          @click=${() => {
            this.offset = Math.max(0, this.offset - PAGE);
            void this.query();
          }}
        >
          Previous
        </button>
        <button
          class="secondary"
          ?disabled=${this.total === undefined ? this.items.length < PAGE : this.offset + PAGE >= this.total}
          @click=${() => {
            this.offset += PAGE;
            void this.query();
          }}
        >
          Next
        </button>
      </div>
      ${
        this.editing
          ? html`<h3>Edit item <code>${this.editing._id}</code></h3>
            <form class="edit" @submit=${(e: SubmitEvent) => this.save(e)} aria-label="Edit item">
              ${c.fields.filter((f) => !SYSTEM.has(f.key)).map((f) => this.input(f, this.editing!))}
              <div class="row">
                <button type="submit">Save</button>
                <button type="button" class="secondary" @click=${() => (this.editing = undefined)}>Cancel</button>
              </div>
            </form>`
          : nothing
      }
    </section>`;
  }

  override render() {
    if (!this.overview) return this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p class="muted" role="status">Loading…</p>`;
    return html`<h2>Sites and collections</h2>
      <p class="muted">
        ${this.overview.counts.members} members · ${this.overview.counts.apiKeys} API keys · ${this.overview.counts.faults} active faults
      </p>
      ${this.overview.sites.map(
        (site) =>
          html`<section class="card" aria-label="Site ${site.name}">
            <h3>${site.name} ${site.primary ? html`<span class="badge">this platform’s site</span>` : nothing}</h3>
            <p class="muted mono">${site.id}</p>
            <div class="scroll" tabindex="0">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Collection</th>
                    <th scope="col">Items</th>
                    <th scope="col">Fields</th>
                    <th scope="col">Read / insert / update / remove</th>
                    <th scope="col"><span class="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${site.collections.map(
                    (c) =>
                      html`<tr data-collection=${c.id}>
                        <td>${c.displayName}<br /><code>${c.id}</code></td>
                        <td>${c.count ?? '—'}</td>
                        <td>
                          <div class="fields">${c.fields.map((f) => html`<span class="badge">${f.key}: ${f.type}</span>`)}</div>
                        </td>
                        <td class="mono">${c.permissions['read']} / ${c.permissions['insert']} / ${c.permissions['update']} / ${c.permissions['remove']}</td>
                        <td><button @click=${() => this.browse(c, site.id)} aria-label="Browse ${c.displayName} on ${site.name}">Browse</button></td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>
          </section>`,
      )}
      ${this.renderBrowser()}`;
  }
}

customElements.define('wl-data-view', WlDataView);
