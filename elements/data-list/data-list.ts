import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { idle, LatestTask } from '../core/latest-task.ts';
import { SessionError, toSessionError } from '../core/errors.ts';
import { SessionElement } from '../core/session-element.ts';
import { dataListStyles } from './data-list.styles.ts';
import { themeAccent } from '../core/theme-accent.ts';
import { themeBase } from '../core/theme-base.ts';
import { themePanel } from '../core/theme-panel.ts';
import { checkField, checkPageSize, parseFields, parseFilter, parseSort, readField, type FieldSpec } from '../core/grammar.ts';
import { formatCell, formatCount, type FormatOptions } from '../core/format.ts';

/** Failures that may pass by themselves: the list offers "Try again". A refusal or a bad attribute would only fail again. */
const RETRYABLE = new Set<SessionError['kind']>(['network', 'rate-limited', 'server']);

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
 * @attr fields - Fields to show, with labels and an optional format: `title:Product, price:Price (USD):currency, orderNumber:Order:id`. Formats (elements/core/format.ts, the table's column types): auto (default: numbers grouped with at most two decimals, dates, Yes/No, a referenced item's title), text, number, id (a number that is an identifier: never grouped), currency, percent, date, datetime, boolean, reference.
 * @attr sort - Sort order: `price:desc, title`.
 * @attr page-size - Items per page, 1 to 100 (default 10).
 * @attr filter - Wix filter JSON, e.g. `{"category":"Tents"}`. A bad value shows an error state.
 * @attr include - Reference fields to return whole, e.g. `brandRef, tagRefs`: the list shows the referenced items' titles (a reference Wix does not include, for instance one the visitor may not read, shows its ID).
 * @attr empty-text - What to say when nothing matches.
 * @attr locale - BCP 47 locale for numbers and dates (default: the nearest `lang`, else the browser's).
 * @attr currency - ISO 4217 code for `currency` fields (default USD).
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
 * @csspart retry - The "Try again" button of a failed load that may pass (network, rate-limited, server).
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
    locale: {},
    currency: {},
    page: { state: true },
    selectedId: { state: true },
    attempt: { state: true },
  };

  collection = '';
  fields = '';
  sort = '';
  pageSize = 10;
  filter = '';
  include = '';
  emptyText = 'Nothing to show yet.';
  locale = '';
  currency = 'USD';
  /** Zero-based page index. */
  page = 0;
  private selectedId: string | undefined;
  /** Bumps on "Try again": the same page is asked for once more. */
  private attempt = 0;
  /** Focus was on "Try again": where it goes once the retry has an answer. */
  #refocus = false;

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
    args: () =>
      [this.client, this.collection, this.fields, this.sort, this.pageSize, this.filter, this.page, this.include, this.sessionVersion, this.attempt] as const,
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

  private stateBox(title: string, text: string, kind: 'info' | 'error' = 'info', action: unknown = nothing) {
    return html`<div part="state" class="state ${kind}" role=${kind === 'error' ? 'alert' : 'status'} tabindex="-1">
      <strong>${title}</strong>${text}${action}
    </div>`;
  }

  /** Loads the current page again, as "Try again" does (for instance after page code changed an item). The table's `refresh()`. */
  refresh(): void {
    this.attempt++;
  }

  private retry(): void {
    this.#refocus = this.shadowRoot?.activeElement?.matches('[part~="retry"]') ?? false;
    this.refresh();
  }

  /** The locale and currency values are shown in; an unknown one falls back to the browser's locale and USD. */
  private formatOptions(): FormatOptions {
    const locale = this.locale || this.closest('[lang]')?.getAttribute('lang') || undefined;
    try {
      new Intl.NumberFormat(locale, { style: 'currency', currency: this.currency || 'USD' });
      return { locale, currency: this.currency || 'USD' };
    } catch {
      return { locale: undefined, currency: 'USD' };
    }
  }

  private renderPager(result: PageResult, busy: boolean, locale: string | undefined) {
    const pageCount = this.pageCount(result);
    return html`<nav part="pager" class="pager" aria-label="Pages">
      <button part="previous" type="button" ?disabled=${this.page === 0 || busy} @click=${() => this.page--}>Previous</button>
      <span aria-live="polite">${`Page ${formatCount(this.page + 1, locale)} of ${formatCount(pageCount, locale)} · ${formatCount(result.totalCount, locale)} ${result.totalCount === 1 ? 'item' : 'items'}`}</span>
      <button part="next" type="button" ?disabled=${this.page + 1 >= pageCount || busy} @click=${() => this.page++}>Next</button>
    </nav>`;
  }

  private renderList(result: PageResult, busy: boolean) {
    if (result.items.length === 0) return this.stateBox('No items', this.emptyText);
    const format = this.formatOptions();
    return html`
      <ol part="list" aria-busy=${busy ? 'true' : 'false'} aria-label=${`${this.collection} items`}>
        ${result.items.map(
          (item, index) => html`<li>
            <button part="item" class="item" type="button" aria-pressed=${this.selectedId === item._id ? 'true' : 'false'} @click=${() => this.select(item, index)}>
              ${result.fields.map(
                (f) =>
                  html`<span><span part="label" class="label">${f.label}</span><span part="value" class="value ${f.format}">${formatCell(readField(item, f.key), f.format, format)}</span></span>`,
              )}
            </button>
          </li>`,
        )}
      </ol>
      ${this.renderPager(result, busy, format.locale)}
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
      const retry = RETRYABLE.has(typed.kind)
        ? html`<button part="retry" class="retry" type="button" @click=${() => this.retry()}>Try again</button>`
        : nothing;
      // The pager stays (the last page that loaded knows the page count), so a visitor can also go back.
      return html`${this.stateBox(typed.kind === 'forbidden' ? 'Access denied' : 'Could not load', detail, 'error', retry)}${
        value && value.items.length ? this.renderPager(value, false, this.formatOptions().locale) : nothing
      }`;
    }
    // While a newer page loads, the last one stays visible (dimmed, aria-busy).
    if (value) return this.renderList(value, status === 'pending');
    return this.stateBox('Loading…', '');
  }

  protected override updated(): void {
    const { status } = this.data;
    if (!this.#refocus || status === 'pending') return;
    this.#refocus = false;
    // "Try again" had focus and is gone (or back): focus it again, or the first item, or the state box.
    (this.renderRoot.querySelector<HTMLElement>('[part~="retry"], [part~="item"]') ?? this.renderRoot.querySelector<HTMLElement>('[part~="state"]'))?.focus();
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'wix-data-loaded': CustomEvent<DataLoadedDetail>;
    'wix-data-error': CustomEvent<DataErrorDetail>;
    'wix-item-select': CustomEvent<ItemSelectDetail>;
  }
}
