import { html, type PropertyDeclarations, type PropertyValues } from 'lit';
import { idle, LatestTask } from '../core/latest-task.ts';
import { SessionError, toSessionError } from '../core/errors.ts';
import { SessionElement } from '../core/session-element.ts';
import { dataListStyles } from './data-list.styles.ts';
import { themeAccent } from '../core/theme-accent.ts';
import { themeBase } from '../core/theme-base.ts';
import { themePanel } from '../core/theme-panel.ts';
import { checkField, checkPageSize, formatValue, parseFields, parseFilter, parseSort, readField, type FieldSpec } from '../core/grammar.ts';

/** An included referenced item (it has an `_id`) shows its title; any other object keeps the grammar's JSON. */
const referencedTitle = (value: object): string => {
  const item = value as Record<string, unknown>;
  return typeof item['_id'] === 'string' ? String(item['title'] ?? item['name'] ?? item['_id']) : JSON.stringify(value);
};

export type DataItem = Record<string, unknown> & { _id: string };

export interface DataLoadedDetail {
  collection: string;
  items: DataItem[];
  totalCount: number;
  page: number;
  pageCount: number;
}

export interface DataErrorDetail {
  kind: SessionError['kind'];
  message: string;
  code?: string;
  status?: number;
}

export interface ItemSelectDetail {
  item: DataItem;
  index: number;
}

interface PageResult {
  items: DataItem[];
  totalCount: number;
  fields: FieldSpec[];
}

/** The events of <wix-data-list>, by type: their detail. */
export interface DataListEvents {
  'wix-data-loaded': DataLoadedDetail;
  'wix-data-error': DataErrorDetail;
  'wix-item-select': ItemSelectDetail;
}

/**
 * A paged list of a Wix collection's items, read as the current visitor or member: the collection's
 * own permissions decide what comes back.
 *
 * @tag wix-data-list
 *
 * @attr collection - ID of the collection to read, e.g. `Products`.
 * @attr fields - Fields to show, with labels: `title:Product, price:Price`.
 * @attr sort - Sort order: `price:desc, title`.
 * @attr page-size - Items per page, 1 to 100 (default 10).
 * @attr filter - Wix filter JSON, e.g. `{"category":"Tents"}`. A bad value shows an error state.
 * @attr include - Reference fields to return whole, e.g. `brandRef, tagRefs`: the list shows the referenced items' titles (a reference Wix does not include, for instance one the visitor may not read, shows its ID).
 * @attr empty-text - What to say when nothing matches.
 *
 * @fires wix-data-loaded - A page was loaded. Detail: `{ collection, items, totalCount, page, pageCount }`.
 * @fires wix-data-error - Loading failed. Detail: `{ kind, message, code?, status? }`; `kind` is one of network, unauthenticated, forbidden, not-found, validation, rate-limited, server, not-connected.
 * @fires wix-item-select - An item was chosen (click, Enter or Space). Detail: `{ item, index }`.
 *
 * @csspart list - The list of items.
 * @csspart item - One item (a button).
 * @csspart label - A field label inside an item.
 * @csspart value - A field value inside an item.
 * @csspart pager - The paging bar.
 * @csspart previous - The previous-page button.
 * @csspart next - The next-page button.
 * @csspart state - The box shown for loading, empty, error, not-connected and editor states.
 *
 * @cssprop --wse-font - Font (default: the site font, inherited).
 * @cssprop --wse-color-text - Text colour.
 * @cssprop --wse-color-background - Background.
 * @cssprop --wse-color-accent - Focus ring, selection, pager buttons.
 * @cssprop --wse-color-muted - Labels and the pager text.
 * @cssprop --wse-color-border - Item borders.
 * @cssprop --wse-color-error - Errors.
 * @cssprop --wse-radius - Corner radius.
 * @cssprop --wse-space - Gap between items.
 */
export class WixDataList extends SessionElement<DataListEvents> {
  static override styles = [themeBase, themeAccent, themePanel, dataListStyles];
  static override properties: PropertyDeclarations = {
    collection: { reflect: true },
    fields: {},
    sort: {},
    pageSize: { type: Number, attribute: 'page-size' },
    filter: {},
    include: {},
    emptyText: { attribute: 'empty-text' },
    page: { state: true },
    selectedId: { state: true },
  };

  collection = '';
  fields = '';
  sort = '';
  pageSize = 10;
  filter = '';
  include = '';
  emptyText = 'Nothing to show yet.';
  /** Zero-based page index. */
  page = 0;
  private selectedId: string | undefined;

  private readonly data = new LatestTask(this, {
    task: async ([client, collection, fields, sort, pageSize, filter, page, include]) => {
      if (!client) return idle;
      if (!collection) throw new SessionError('validation', 'Set the collection attribute.');
      const fieldSpecs = parseFields(fields);
      const limit = checkPageSize(pageSize);
      const includeReferences = include
        .split(',')
        .map((field) => field.trim())
        .filter(Boolean)
        .map((field) => ({ field: checkField(field, 'include') }));
      let response;
      try {
        response = await client.items.query(
          collection,
          { filter: parseFilter(filter), sort: parseSort(sort), paging: { limit, offset: page * limit } },
          { returnTotalCount: true, ...(includeReferences.length ? { includeReferences } : {}) },
        );
      } catch (error) {
        throw toSessionError(error);
      }
      const result: PageResult = {
        items: response.items as DataItem[],
        totalCount: response.pagingMetadata?.total ?? response.items.length,
        fields: fieldSpecs,
      };
      return result;
    },
    args: () => [this.client, this.collection, this.fields, this.sort, this.pageSize, this.filter, this.page, this.include, this.sessionVersion] as const,
    onComplete: (result) => {
      this.emit('wix-data-loaded', {
        collection: this.collection,
        items: result.items,
        totalCount: result.totalCount,
        page: this.page,
        pageCount: this.pageCount(result),
      });
    },
    onError: (error) => {
      const { kind, message, code, status } = toSessionError(error);
      this.emit('wix-data-error', { kind, message, code, status });
    },
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('collection') || changed.has('filter') || changed.has('sort') || changed.has('pageSize')) this.page = 0;
  }

  private pageCount(result: PageResult): number {
    return Math.max(1, Math.ceil(result.totalCount / this.pageSize));
  }

  private select(item: DataItem, index: number): void {
    this.selectedId = item._id;
    this.emit('wix-item-select', { item, index });
  }

  private stateBox(title: string, text: string, kind: 'info' | 'error' = 'info') {
    return html`<div part="state" class="state ${kind}" role=${kind === 'error' ? 'alert' : 'status'}>
      <strong>${title}</strong>${text}
    </div>`;
  }

  private renderList(result: PageResult, busy: boolean) {
    if (result.items.length === 0) return this.stateBox('No items', this.emptyText);
    const pageCount = this.pageCount(result);
    const locale = this.closest('[lang]')?.getAttribute('lang') ?? undefined;
    return html`
      <ol part="list" aria-busy=${busy ? 'true' : 'false'} aria-label=${`${this.collection} items`}>
        ${result.items.map(
          (item, index) => html`<li>
            <button part="item" class="item" type="button" aria-pressed=${this.selectedId === item._id ? 'true' : 'false'} @click=${() => this.select(item, index)}>
              ${result.fields.map(
                (f) =>
                  html`<span><span part="label" class="label">${f.label}</span><span part="value" class="value">${formatValue(readField(item, f.key), locale, referencedTitle)}</span></span>`,
              )}
            </button>
          </li>`,
        )}
      </ol>
      <nav part="pager" class="pager" aria-label="Pages">
        <button part="previous" type="button" ?disabled=${this.page === 0 || busy} @click=${() => this.page--}>Previous</button>
        <span aria-live="polite">Page ${this.page + 1} of ${pageCount} · ${result.totalCount} ${result.totalCount === 1 ? 'item' : 'items'}</span>
        <button part="next" type="button" ?disabled=${this.page + 1 >= pageCount || busy} @click=${() => this.page++}>Next</button>
      </nav>
    `;
  }

  protected override render() {
    if (this.connection === 'editor') {
      return this.stateBox('Data list', `Shows items from the "${this.collection}" collection.`);
    }
    if (this.connection === 'not-connected') {
      return this.stateBox('Not connected', 'It needs a Wix site session.');
    }
    const { status, value, error } = this.data;
    if (status === 'initial') return this.stateBox('Connecting…', '');
    if (status === 'error') {
      const typed = toSessionError(error);
      const detail = typed.kind === 'validation' ? typed.message : typed.userMessage;
      return this.stateBox(typed.kind === 'forbidden' ? 'Access denied' : 'Could not load', detail, 'error');
    }
    // While a newer page loads, the last one stays visible (dimmed, aria-busy).
    if (value) return this.renderList(value, status === 'pending');
    return this.stateBox('Loading…', '');
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'wix-data-loaded': CustomEvent<DataLoadedDetail>;
    'wix-data-error': CustomEvent<DataErrorDetail>;
    'wix-item-select': CustomEvent<ItemSelectDetail>;
  }
}
