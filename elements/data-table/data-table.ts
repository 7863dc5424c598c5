import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { virtualize, virtualizerRef } from '@lit-labs/virtualizer/virtualize.js';
import { patchVirtualizer } from './virtualizer-patch.ts';
import { fixedRows, type FixedRowsLayout } from './fixed-rows-layout.ts';
import type { RangeChangedEvent, VisibilityChangedEvent } from '@lit-labs/virtualizer/events.js';
import type { RenderItemFunction } from '@lit-labs/virtualizer/virtualize.js';
import { SessionError, toSessionError } from '../core/errors.ts';
import { SessionElement } from '../core/session-element.ts';
import { themeAccent } from '../core/theme-accent.ts';
import { themeBase } from '../core/theme-base.ts';
import { themePanel } from '../core/theme-panel.ts';
import type { DataErrorDetail } from '../data-list/data-list.ts';
import { checkPageSize, parseFilter } from '../core/grammar.ts';

import {
  allOf,
  chipsFilter,
  columnTracks,
  type ColumnTrack,
  parseChips,
  parseColumns,
  parseFieldList,
  parseTableSort,
  searchFilter,
  type ColumnSpec,
  type FilterChip,
  formatCount,
  prepareFormats,
} from './columns.ts';
import { PageLoader, type Row } from './page-loader.ts';
import { GridKeyboard } from './grid-keyboard.ts';
import { dataTableStyles } from './data-table.styles.ts';
import { RowDom } from './row-dom.ts';
import { TextFit } from './text-fit.ts';

/** A body row's height before the first one is measured: the stylesheet's 2.5rem at the default 16px. */
const DEFAULT_ROW_HEIGHT = 40;
/** A header resizes its column with these keys (the grid keyboard, grid-keyboard.ts); announced with aria-keyshortcuts. */
const RESIZE_KEYS = 'Alt+ArrowLeft Alt+ArrowRight';

export type { Row as DataTableRow };

export interface TableLoadDetail {
  collection: string;
  totalCount: number;
  /** Pages requested for the current query so far. */
  pagesFetched: number;
}

export interface RowSelectDetail {
  /** The row that was toggled (or chosen, with `selection="single"`). */
  item: Row;
  index: number;
  /** Whether that row is selected now. */
  selected: boolean;
  /** Every selected row, across pages, in the order they were selected. */
  selection: Row[];
}

export interface SortChangeDetail {
  field: string;
  order: 'ASC' | 'DESC';
}

/** A column the user resized: its field and its new width in px (give it back as `width=<n>px` in `columns`). */
export interface ColumnResizeDetail {
  field: string;
  width: number;
}

interface Config {
  columns: ColumnSpec[];
  sort: SortChangeDetail | undefined;
  filter: Record<string, unknown> | undefined;
  chips: FilterChip[];
  searchFields: string[];
  /** Reference fields Wix returns whole (`includeReferences`). */
  include: string[];
  pageSize: number;
}

/** The events of <wix-data-table>, by type: their detail. */
export interface DataTableEvents {
  'wix-table-load': TableLoadDetail;
  'wix-data-error': DataErrorDetail;
  'wix-row-select': RowSelectDetail;
  'wix-sort-change': SortChangeDetail;
  'wix-column-resize': ColumnResizeDetail;
}

/**
 * A table of a Wix collection, read as the current visitor or member: the collection's permissions decide
 * what comes back. Sorting, searching, filter chips and paging all run on the server. In the default
 * `paging="scroll"` mode, the rows scroll inside the element (virtualized: only the rows in view are in the
 * DOM) and pages are fetched as they come into view; `paging="pages"` shows one page at a time with a pager.
 *
 * It is an ARIA grid: Tab enters it once; arrows, Home/End, Ctrl+Home/End and Page Up/Down move between cells;
 * Enter or Space on a column header sorts by it, on a row selects it (with `selection`).
 *
 * Site widget: the Wix host injects the session (`accessTokenListener`, or `wixEmbedsAPI`). Velo page code:
 * `bindElements($w, { '#table': { items } })` from elements/velo/page.ts answers the queries.
 *
 * @tag wix-data-table
 *
 * @attr collection - ID of the collection to read, e.g. `Products`.
 * @attr columns - Columns to show, in order: `field:Label:type`, comma-separated, e.g. `title:Product, price:Price:currency, added:Added:date, photo:Photo:image`. Types: auto (default), text, number, id (a number never grouped), currency, percent, date, datetime, boolean, image, url, reference (a referenced item's title; a multi-reference as a list; list the field in `include` so that Wix returns the items, else the ID shows). Then optional `width=` and `min-width=` (CSS lengths in px, rem, em or ch, 1rem–120rem), e.g. `note:Note:text:width=20rem`.
 * @attr sortable - Fields that may be sorted by (default: every column except image and reference columns).
 * @attr sort - Initial sort, `field:asc` or `field:desc`.
 * @attr filter - A Wix filter JSON object that always applies, e.g. `{"inStock":true}`.
 * @attr filters - Filter chips, a JSON array: `[{"label":"Tents","filter":{"category":"Tents"},"group":"category"}]`. Chips in one group are alternatives (OR); groups narrow each other (AND).
 * @attr search-fields - Fields the search box searches (contains, case-insensitive). No search box without it.
 * @attr search-delay - Milliseconds of typing pause before a search is sent (default 300).
 * @attr page-size - Rows per page, 1 to 100 (default 50); pages needed together are fetched in one request.
 * @attr paging - `scroll` (default: virtual scrolling, pages fetched as needed) or `pages` (a pager).
 * @attr selection - `none` (default), `single` or `multiple`.
 * @attr locale - BCP 47 locale for numbers and dates (default: the nearest `lang`, else the browser's).
 * @attr currency - ISO 4217 code for `currency` columns (default USD).
 * @attr include - Reference fields to return whole, e.g. `brandRef, tagRefs` (Data Items `includeReferences`): `reference` columns then show the referenced titles. A reference the visitor may not read stays its ID.
 * @attr label - Accessible name of the grid (default: the collection ID).
 * @attr empty-text - What to say when nothing matches.
 * @attr connect-timeout - Milliseconds to wait for the host's session before showing "not connected" (default 1500).
 * @attr api-base-url - Overrides the Wix API host (`host[:port][/path]`); normally the site's own.
 *
 * @fires wix-table-load - The first page of a query arrived. Detail: `{ collection, totalCount, pagesFetched }`.
 * @fires wix-data-error - A query failed. Detail: `{ kind, message, code?, status? }`.
 * @fires wix-row-select - A row was selected or unselected. Detail: `{ item, index, selected, selection }`.
 * @fires wix-sort-change - The user sorted by a column. Detail: `{ field, order }`.
 * @fires wix-column-resize - The user resized a column (once per key press, or at the end of a drag). Detail: `{ field, width }` (px).
 *
 * @csspart toolbar - The bar holding the search box and the chips.
 * @csspart search - The search input.
 * @csspart chip - One filter chip (a toggle button).
 * @csspart grid - The grid.
 * @csspart header - The header row.
 * @csspart column-header - One column header.
 * @csspart column-resizer - The end edge of a column header, dragged to resize the column (Alt+Arrow keys on the header do the same).
 * @csspart row - One data row.
 * @csspart cell - One data cell.
 * @csspart status - The line under the grid: counts, loading and errors.
 * @csspart pager - The paging bar (`paging="pages"`).
 * @csspart state - The box shown for loading, empty, error, not-connected and editor states.
 *
 * @cssprop --wse-font - Font (default: inherited from the site).
 * @cssprop --wse-color-text - Text colour.
 * @cssprop --wse-color-background - Background.
 * @cssprop --wse-color-surface - Header and selected-row background.
 * @cssprop --wse-color-accent - Focus ring, active chips, selection.
 * @cssprop --wse-color-on-accent - Text on active chips.
 * @cssprop --wse-color-muted - Status text.
 * @cssprop --wse-color-border - Grid lines.
 * @cssprop --wse-color-error - Errors.
 * @cssprop --wse-radius - Corner radius.
 * @cssprop --wse-space - Base spacing.
 */
export class WixDataTable extends SessionElement<DataTableEvents> {
  static override styles = [themeBase, themeAccent, themePanel, dataTableStyles];
  static override properties: PropertyDeclarations = {
    collection: { reflect: true },
    columns: {},
    sortable: {},
    sort: {},
    filter: {},
    filters: {},
    searchFields: { attribute: 'search-fields' },
    include: {},
    searchDelay: { type: Number, attribute: 'search-delay' },
    pageSize: { type: Number, attribute: 'page-size' },
    paging: { reflect: true },
    selection: {},
    locale: {},
    currency: {},
    label: {},
    emptyText: { attribute: 'empty-text' },
    page: { state: true },
  };

  collection = '';
  columns = '';
  sortable = '';
  sort = '';
  filter = '';
  filters = '';
  searchFields = '';
  include = '';
  searchDelay = 300;
  pageSize = 50;
  paging: 'scroll' | 'pages' = 'scroll';
  selection: 'none' | 'single' | 'multiple' = 'none';
  locale: string | undefined;
  currency = 'USD';
  label: string | undefined;
  emptyText = 'Nothing matches.';
  /** Zero-based page shown with `paging="pages"`. */
  page = 0;

  #config: Config | undefined;
  #configError: SessionError | undefined;
  /** The sort the user chose by clicking a header; undefined = the `sort` attribute's. */
  #userSort: SortChangeDetail | undefined;
  #search = '';
  #sentSearch = '';
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #activeChips = new Set<number>();
  #selected = new Map<string, Row>();
  /** The cell that holds the grid's one tab stop: row -1 is the header. */
  /** The grid's keyboard model (grid-keyboard.ts): the active cell and how keys and clicks move it. */
  readonly #grid = new GridKeyboard(this, {
    view: () => {
      const size = this.#config?.pageSize ?? 50;
      const pages = this.paging === 'pages';
      return {
        columns: this.#config?.columns.length ?? 1,
        first: pages ? this.page * size : 0,
        last: (pages ? Math.min(this.#rowCount, (this.page + 1) * size) : this.#rowCount) - 1,
        scroll: !pages,
      };
    },
    need: (row) => this.#loader.need(row, row),
    toggle: (row) => this.#toggleRow(row),
    // Pinned in the layout, whether or not the row is in the DOM: a later move's pin replaces an earlier one still
    // waiting (Ctrl+End, then Ctrl+Home before the end was reached, ends at the top).
    reveal: (row) => {
      const layout = this.#layoutRef.current;
      if (layout) layout.pin = { index: row, block: 'nearest' };
    },
    resize: (col, step) => {
      this.#resizeColumn(col, this.#headerWidth(col) + step * 16);
      this.#resized(col);
    },
  });
  #visible = { first: 0, last: 0 };
  /** When the visible rows last changed, and how fast they move (rows a second, negative upwards). */
  #visibleAt = 0;
  #speed = 0;
  #rendered = { first: 0, last: -1 };
  #virtualizerPatched = false;
  /** The body rows as DOM, kept while their items and the configuration stay (row-dom.ts). */
  readonly #rowDom = new RowDom();
  /** What the kept rows were drawn for: a change of any of these draws them again. */
  #rowSetup: { config: Config; tracks: ColumnTrack[]; locale: string | undefined; currency: string } | undefined;
  /** The height of a body row in px, read once from the first rows drawn (#readRowHeight). */
  #rowHeight: number | undefined;
  #rowHeightPending = false;
  /**
   * During a flick the layout draws no rows (fixed-rows-layout.ts); the body shows a line where each row's bottom
   * border would be instead, set here directly so the flick costs no render.
   */
  #onFlick = (flicking: boolean): void => {
    const body = this.renderRoot.querySelector<HTMLElement>('[part~="body"]');
    if (!body) return;
    body.toggleAttribute('data-flick', flicking);
    body.style.backgroundSize = flicking ? `100% ${this.#rowHeight ?? DEFAULT_ROW_HEIGHT}px` : '';
  };
  /** The virtualizer's layout: fixed-height rows (a new object only when the row height is read). */
  /** The layout the virtualizer made (fixed-rows-layout.ts), for keyboard moves to pin their row. */
  readonly #layoutRef: { current?: FixedRowsLayout | undefined } = {};
  #layout = fixedRows({ rowHeight: DEFAULT_ROW_HEIGHT, onFlick: this.#onFlick, ref: this.#layoutRef });
  #scrollLeft = 0;
  /** Whether the body has scrolled since the current query's rows were first drawn (pages are then fetched ahead). */
  #scrolled = false;
  /** The animation frame that will sync the header's horizontal scroll (0: none pending). */
  #headSync = 0;
  /** The columns' tracks, worked out once per `columns` configuration from the first rows that arrive. */
  #tracks: { config: Config; tracks: ColumnTrack[] } | undefined;
  /** Column widths a user set by dragging a header's edge or with Alt+Arrow on a header, in px, by column index. */
  readonly #widths = new Map<number, number>();
  /** How far the body can scroll sideways (read when its size or the columns change, never while scrolling). */
  #scrollMax = 0;
  /** The body element the resize observer watches. */
  #observed: Element | undefined;
  #resizeObserver: ResizeObserver | undefined;
  /** The rows' column rule, in a sheet of its own (rows match one plain rule, no custom property to substitute in each). */
  #columnSheet: CSSStyleSheet | undefined;
  #columnRule = '';
  /** The header row's width and the end shadow's place, measured from the body (numbers only). */
  #measuredRule = '';
  /** The columns whose every body cell clips (see #measureFit). */
  #clipRule = '';
  #sheetText = '';
  /** A measure of which cells must clip is due in a task after the next frame (#measureFitSoon). */
  #fitPending = false;
  /** Per column, the widest content width rows were drawn for since they were last reset (in px). */
  #fitDrawn: number[] = [];
  /** Columns now narrower than some drawn rows assumed. */
  readonly #fitNarrowed = new Set<number>();
  /** ElementInternals, for the `placeholder` custom state (the host sizes to a state box instead of 28rem). */
  #internals: ElementInternals | undefined;
  #indices: number[] = [];
  #announcedQuery = -1;
  #query = 0;
  readonly #loader = new PageLoader(
    () => this.#config?.pageSize ?? 50,
    (loader, rows) => this.#onLoaded(loader, rows),
  );

  /** The rows selected so far (across pages and queries). */
  get selectedRows(): Row[] {
    return [...this.#selected.values()];
  }

  /** Whether the virtualizer's quadratic child positioning was replaced (see virtualizer-patch.ts). */
  get virtualizerPatched(): boolean {
    return this.#virtualizerPatched;
  }

  /** Pages requested for the current query. */
  get pagesFetched(): number {
    return this.#loader.pagesFetched;
  }

  /** The number of rows matching the current query, once known. */
  get totalCount(): number | undefined {
    return this.#loader.total;
  }

  /** The search text; setting it searches at once (no delay). */
  get searchText(): string {
    return this.#search;
  }

  set searchText(text: string) {
    this.#search = String(text);
    clearTimeout(this.#searchTimer);
    this.#sendSearch();
  }

  constructor() {
    super();
    try {
      this.#internals = this.attachInternals();
    } catch {
      // An engine without ElementInternals keeps the fixed height.
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#searchTimer);
    this.#resizeObserver?.disconnect();
    this.#observed = undefined;
  }

  protected override updated(): void {
    const body = this.renderRoot.querySelector<HTMLElement & { [virtualizerRef]?: unknown }>('[part~="body"]') ?? undefined;
    if (this.paging === 'scroll' && !this.#virtualizerPatched) this.#virtualizerPatched = patchVirtualizer(body?.[virtualizerRef]);
    this.#setState('placeholder', !body);
    if (body !== this.#observed) {
      this.#resizeObserver ??= new ResizeObserver(() => this.#measure());
      if (this.#observed) this.#resizeObserver.unobserve(this.#observed);
      this.#observed = body;
      this.#scrollLeft = 0;
      if (body) this.#resizeObserver.observe(body);
    }
  }

  /** Sets the rows' column rule (built from checked lengths only, columns.ts) in the shadow root's own sheet. */
  #setColumnRule(rule: string): void {
    this.#columnRule = rule;
    const text = `${rule} ${this.#measuredRule} ${this.#clipRule}`;
    if (text === this.#sheetText) return;
    this.#sheetText = text;
    const root = this.renderRoot as ShadowRoot;
    if (!this.#columnSheet) {
      this.#columnSheet = new CSSStyleSheet();
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.#columnSheet];
    }
    this.#columnSheet.replaceSync(text);
  }

  #setState(state: string, on: boolean): void {
    try {
      if (on) this.#internals?.states.add(state);
      else this.#internals?.states.delete(state);
    } catch {
      // An engine without custom states keeps the fixed height.
    }
  }

  /**
   * When the body's size changes (or its columns): the header row takes the body's inner width (the body's vertical
   * scrollbar is not under the header), and the grid marks which edges have columns beyond them (a shadow there).
   */
  #measure(): void {
    const body = this.#observed as HTMLElement | undefined;
    const grid = body?.parentElement;
    if (!body || !grid) return;
    const gutter = Math.max(0, body.offsetWidth - body.clientWidth - body.clientLeft * 2);
    this.#measuredRule = `.head .row { width: ${body.clientWidth}px; } .grid::after { right: ${gutter}px; }`;
    this.#measureFit();
    this.#setColumnRule(this.#columnRule);
    this.#scrollMax = Math.max(0, body.scrollWidth - body.clientWidth);
    this.#syncHead(body.scrollLeft);
  }

  /**
   * Which body cells must clip (text-fit.ts): the columns' content widths, read from the header cells (the body rows
   * have the same tracks), and the font of a body cell. Rows drawn from then on clip only the cells whose text might
   * not fit. A column that became narrower than some drawn rows assumed clips all its cells, by a rule, until the rows
   * are drawn again for a new configuration. Runs when the columns or the body's size change, never while scrolling.
   */
  #measureFit(): void {
    const cell = this.#observed?.querySelector<HTMLElement>('[role=gridcell]:not(.span)');
    const heads = this.renderRoot.querySelectorAll<HTMLElement>('.head [role=columnheader]');
    if (!cell || heads.length === 0) return;
    const style = getComputedStyle(cell);
    const padding = (parseFloat(style.paddingLeft) || 0) + (parseFloat(style.paddingRight) || 0);
    const widths = Array.from(heads, (head) => Math.max(0, head.getBoundingClientRect().width - padding));
    const fit = this.#rowDom.fit;
    this.#rowDom.fit = fit ? fit.withWidths(widths) : TextFit.measure(cell, widths);
    widths.forEach((width, col) => {
      if (width < (this.#fitDrawn[col] ?? 0) - 0.5) this.#fitNarrowed.add(col);
      this.#fitDrawn[col] = Math.max(this.#fitDrawn[col] ?? 0, width);
    });
    const narrowed = [...this.#fitNarrowed].map((col) => `.body [data-col="${col}"]`).join(', ');
    this.#clipRule = narrowed ? `${narrowed} { overflow: hidden; text-overflow: ellipsis; }` : '';
  }

  /** #measureFit in a task after the next frame (its rows are laid out then, and the first paint is not delayed). */
  #measureFitSoon(): void {
    if (this.#fitPending) return;
    this.#fitPending = true;
    requestAnimationFrame(() =>
      setTimeout(() => {
        this.#fitPending = false;
        this.#measureFit();
        this.#setColumnRule(this.#columnRule);
      }),
    );
  }

  /**
   * A wheel or trackpad over the header scrolls the body, as over the rows (the header has no scroller of its own: it
   * follows the body). Shift+wheel is sideways. The page scrolls instead only when the body cannot move that way.
   */
  #onHeadWheel = (event: WheelEvent): void => {
    const body = this.#observed as HTMLElement | undefined;
    if (!body || event.ctrlKey) return; // Ctrl+wheel is the browser's zoom
    const unit = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? 16 : event.deltaMode === WheelEvent.DOM_DELTA_PAGE ? body.clientHeight : 1;
    let dx = event.deltaX * unit;
    let dy = event.deltaY * unit;
    if (event.shiftKey && dx === 0) [dx, dy] = [dy, 0];
    const rtl = getComputedStyle(this).direction === 'rtl';
    const maxLeft = body.scrollWidth - body.clientWidth;
    const left = rtl ? -body.scrollLeft : body.scrollLeft;
    const canX = dx !== 0 && (rtl ? -dx : dx) < 0 ? left > 0 : dx !== 0 && left < maxLeft - 1;
    const canY = (dy < 0 && body.scrollTop > 0) || (dy > 0 && body.scrollTop < body.scrollHeight - body.clientHeight - 1);
    if (!canX && !canY) return;
    event.preventDefault();
    body.scrollBy({ left: canX ? dx : 0, top: canY ? dy : 0 });
  };

  /** Moves the header row with the body's horizontal scroll, and shows the shadow at each edge that hides columns. */
  #syncHead(left: number): void {
    const body = this.#observed as HTMLElement | undefined;
    const grid = body?.parentElement;
    if (!grid) return;
    this.#scrollLeft = left;
    const head = grid.querySelector<HTMLElement>('.head .row');
    if (head) head.style.transform = left ? `translateX(${-left}px)` : '';
    const more = [left > 1 ? 'start' : '', left < this.#scrollMax - 1 ? 'end' : ''].filter(Boolean).join(' ');
    if (more) grid.dataset['more'] = more;
    else delete grid.dataset['more'];
  }

  /**
   * Every body row has one height (the stylesheet's, or a page's `::part(row)` rule): read once, in the animation
   * frame after the virtualizer first drew rows, never on the scroll path. The virtualizer's layout places rows by it.
   */
  #readRowHeight(): void {
    if (this.#rowHeight !== undefined || this.#rowHeightPending) return;
    this.#rowHeightPending = true;
    requestAnimationFrame(() => {
      this.#rowHeightPending = false;
      const height = this.renderRoot.querySelector<HTMLElement>('.body [data-row]')?.getBoundingClientRect().height;
      if (!height) return;
      this.#rowHeight = height;
      if (height === DEFAULT_ROW_HEIGHT) return;
      this.#layout = fixedRows({ rowHeight: height, onFlick: this.#onFlick, ref: this.#layoutRef });
      this.requestUpdate();
    });
  }

  /** Clears the selection (no events). */
  clearSelection(): void {
    this.#selected.clear();
    this.requestUpdate();
  }

  /** Fetches the current query again from the first page. */
  refresh(): void {
    this.#startQuery();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const configKeys = ['columns', 'sortable', 'sort', 'filter', 'filters', 'searchFields', 'include', 'pageSize'] as const;
    if (configKeys.some((key) => changed.has(key)) || !this.#config) this.#parseConfig(changed.has('sort'), changed.has('filters'));
    // SessionElement bumps sessionVersion (and sets connection) whenever the client or the identity changes.
    const queryKeys = ['collection', 'sessionVersion', 'connection', 'paging'] as const;
    // One query per update, however many of its inputs changed together.
    if ([...configKeys, ...queryKeys].some((key) => changed.has(key as keyof WixDataTable))) this.#startQuery();
    else if (changed.has('page') && this.paging === 'pages') this.#needPage();
  }

  #parseConfig(sortChanged: boolean, chipsChanged: boolean): void {
    try {
      const pageSize = checkPageSize(this.pageSize);
      this.#config = {
        columns: parseColumns(this.columns, this.sortable),
        sort: parseTableSort(this.sort),
        filter: parseFilter(this.filter),
        chips: parseChips(this.filters),
        searchFields: parseFieldList(this.searchFields, 'search-fields'),
        include: parseFieldList(this.include, 'include'),
        pageSize,
      };
      this.#configError = undefined;
      if (sortChanged) this.#userSort = undefined;
      if (chipsChanged) this.#activeChips.clear();
      this.#grid.active.col = Math.min(this.#grid.active.col, this.#config.columns.length - 1);
    } catch (error) {
      this.#config = undefined;
      this.#configError = toSessionError(error);
    }
  }

  get #currentSort(): SortChangeDetail | undefined {
    return this.#userSort ?? this.#config?.sort;
  }

  #startQuery(): void {
    this.#query++;
    this.#scrolled = false;
    this.page = 0;
    this.#grid.active.row = Math.min(this.#grid.active.row, 0);
    const config = this.#config;
    const client = this.client;
    const collection = this.collection;
    if (!config || !client || this.connection !== 'connected') return this.#loader.reset(undefined);
    if (!collection) {
      this.#configError = new SessionError('validation', 'Set the collection attribute.');
      return this.#loader.reset(undefined);
    }
    const sort = this.#currentSort;
    const filter = allOf([config.filter, chipsFilter(config.chips, this.#activeChips), searchFilter(this.#sentSearch, config.searchFields)]);
    const includeReferences = config.include.map((field) => ({ field }));
    this.#loader.reset(async (offset, limit, withTotal) => {
      try {
        const answer = await client.items.query(
          collection,
          { filter, sort: sort ? [{ fieldName: sort.field, order: sort.order }] : [], paging: { limit, offset } },
          { returnTotalCount: withTotal, ...(includeReferences.length ? { includeReferences } : {}) },
        );
        return { items: answer.items, total: answer.pagingMetadata?.total };
      } catch (error) {
        throw toSessionError(error);
      }
    });
    // The formatters its rows will need are built while the first request travels (when the page is idle; Safari
    // has no idle callback, so a task later there).
    const format = { locale: this.#locale, currency: this.currency };
    const idle = globalThis.requestIdleCallback ?? setTimeout;
    idle(() =>
      prepareFormats(
        config.columns.map((column) => column.type),
        format,
      ),
    );
  }

  #onLoaded(loader: PageLoader, rows?: { first: number; last: number }): void {
    if (loader.total !== undefined && loader.total !== this.#indices.length) this.#indices = Array.from({ length: loader.total }, (_, i) => i);
    // A look-ahead page that lands outside the rendered rows is drawn when they scroll to it, not now.
    const offScreen = rows && this.paging === 'scroll' && (rows.last < this.#rendered.first || rows.first > this.#rendered.last);
    if (!offScreen) this.requestUpdate();
    const query = this.#query;
    if (loader.error && this.#announcedQuery !== query) {
      this.#announcedQuery = query;
      const { kind, message, code, status } = loader.error;
      this.emit('wix-data-error', { kind, message, code, status });
    } else if (loader.total !== undefined && this.#announcedQuery !== query) {
      this.#announcedQuery = query;
      this.emit('wix-table-load', { collection: this.collection, totalCount: loader.total, pagesFetched: loader.pagesFetched });
    } else if (loader.pageError) {
      const { kind, message, code, status } = loader.pageError;
      this.emit('wix-data-error', { kind, message, code, status });
    }
    // The first page in pages mode may not be page 0 once the total is known.
    if (this.paging === 'pages') this.#needPage();
  }

  #needPage(): void {
    const size = this.#config?.pageSize ?? 50;
    this.#loader.need(this.page * size, this.page * size + size - 1);
  }

  #onSearchInput(event: InputEvent): void {
    this.#search = (event.target as HTMLInputElement).value;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.#sendSearch(), Math.max(0, this.searchDelay));
  }

  #sendSearch(): void {
    if (this.#search.trim() === this.#sentSearch.trim()) return;
    this.#sentSearch = this.#search;
    this.#startQuery();
    this.requestUpdate();
  }

  #toggleChip(index: number): void {
    if (!this.#activeChips.delete(index)) this.#activeChips.add(index);
    this.#startQuery();
    this.requestUpdate();
  }

  /** A new column sorts ascending; the sorted column flips between ascending and descending. */
  #sortBy(column: ColumnSpec): void {
    if (!column.sortable) return;
    const current = this.#currentSort;
    const next: SortChangeDetail = { field: column.field, order: current?.field === column.field && current.order === 'ASC' ? 'DESC' : 'ASC' };
    this.#userSort = next;
    this.#startQuery();
    this.emit('wix-sort-change', next);
  }

  #toggleRow(index: number): void {
    const item = this.#loader.rows[index];
    if (!item || this.selection === 'none') return;
    const selected = !this.#selected.has(item._id);
    if (this.selection === 'single') this.#selected.clear();
    if (selected) this.#selected.set(item._id, item);
    else this.#selected.delete(item._id);
    this.requestUpdate();
    this.emit('wix-row-select', { item, index, selected, selection: this.selectedRows });
  }

  /** Keeps the header over its columns when the body scrolls sideways; vertical scrolling costs nothing here. */
  /**
   * The header follows the body's horizontal scroll. Reading `scrollLeft` in the scroll event would force a layout
   * there, right after the virtualizer has added rows, and the frame would lay out twice; so it is read once per
   * frame, in an animation frame (where the frame's layout is about to happen anyway).
   */
  #onBodyScroll = (event: Event): void => {
    this.#scrolled = true;
    if (this.#headSync) return;
    const body = event.target as HTMLElement;
    this.#headSync = requestAnimationFrame(() => {
      this.#headSync = 0;
      const left = body.scrollLeft;
      if (left !== this.#scrollLeft) this.#syncHead(left);
    });
  };

  /**
   * A cell whose text is cut (ellipsis) gets its full text as a tooltip when the pointer or focus reaches it: one
   * cell measured on demand, nothing on the scroll path. Assistive technology reads the cell's whole text either way.
   */
  #onCellHover = (event: Event): void => {
    const cell = (event.target as Element).closest<HTMLElement>('[role=gridcell], [role=columnheader]');
    if (!cell) return;
    const clip = cell.querySelector<HTMLElement>('.label') ?? cell;
    const full = (cell.textContent ?? '').replace(/\s+/g, ' ').trim();
    if (clip.scrollWidth > clip.clientWidth + 1 && full) cell.title = full;
    else if (cell.getAttribute('role') === 'gridcell') cell.removeAttribute('title');
  };

  /** The rows the virtualizer has in the DOM (with its overscan): a page landing elsewhere needs no render. */
  #onRange = (event: RangeChangedEvent): void => {
    this.#rendered = { first: event.first, last: event.last };
    this.#rowDom.trim(event.first, event.last);
    // Once per configuration (a font that cannot be measured leaves every cell clipping, and is not tried again here).
    if (this.#fitDrawn.length === 0) this.#measureFitSoon();
    // Once the body has scrolled, the rows in the DOM (which reach well past the viewport) and one more page are
    // fetched, so that a row is mostly drawn once with its data (not as "Loading…" and again). Before any scroll, only
    // what is drawn: the first paint costs one query.
    this.#loader.need(event.first, event.last + (this.#scrolled ? (this.#config?.pageSize ?? 50) : 0));
    this.#readRowHeight();
  };

  #onVisibility(event: VisibilityChangedEvent): void {
    const now = performance.now();
    const moved = event.first - this.#visible.first;
    const elapsed = now - this.#visibleAt;
    // Rows a second the view moves at, smoothed; a jump (scrollbar drag, Ctrl+End) or a pause is not a speed.
    const steady = elapsed > 0 && elapsed < 400 && Math.abs(moved) <= 4 * (event.last - event.first + 1);
    this.#speed = steady ? 0.6 * this.#speed + 0.4 * ((moved * 1000) / elapsed) : 0;
    this.#visible = { first: event.first, last: event.last };
    this.#visibleAt = now;
    // Ahead in the direction of travel, so that the next rows are there before they scroll into view: half a page,
    // or the rows the next half second of scrolling reaches (in one request, page-loader.ts).
    const size = this.#config?.pageSize ?? 50;
    const ahead = Math.min(20 * size, Math.max(Math.ceil(size / 2), Math.round(Math.abs(this.#speed) / 2)));
    if (this.#speed < 0) this.#loader.need(event.first - ahead, event.last);
    else this.#loader.need(event.first, event.last + ahead);
  }

  /** Rows the current query matches (0 until its first page arrives). */
  get #rowCount(): number {
    return this.#loader.total ?? 0;
  }

  #stateBox(title: string, text: string, kind: 'info' | 'error' = 'info'): TemplateResult {
    return html`<div part="state" class="state ${kind}" role=${kind === 'error' ? 'alert' : 'status'}><strong>${title}</strong> ${text}</div>`;
  }

  /** The body row `index` as DOM (row-dom.ts): kept while its item and the configuration stay, its state updated. */
  #renderRow = (index: number): HTMLElement => {
    const item = this.#loader.rows[index];
    const active = this.#grid.active;
    return this.#rowDom.row(index, item, this.#loader.pageError !== undefined, {
      selected: this.selection === 'none' || !item ? undefined : this.#selected.has(item._id),
      activeCol: active.row === index ? active.col : -1,
    });
  };

  /**
   * The rows' column template and least width, as one rule in the shadow root's own sheet (every row matches the same
   * plain rule: no per-row style, no custom property substituted in each row, which cost style time while scrolling):
   * worked out once per `columns` configuration, from the first rows that arrived, so sorting or searching does not
   * move them.
   */
  #applyColumns(config: Config): void {
    if (this.#tracks?.config !== config) {
      const sample = this.#loader.rows.slice(0, 50).filter((row): row is Row => row !== undefined);
      const tracks = columnTracks(config.columns, sample, { locale: this.#locale, currency: this.currency });
      this.#tracks = { config, tracks };
      this.#widths.clear();
      requestAnimationFrame(() => this.#measure());
    }
    const setup = this.#rowSetup;
    const locale = this.#locale;
    if (setup?.config !== config || setup.tracks !== this.#tracks.tracks || setup.locale !== locale || setup.currency !== this.currency) {
      this.#rowSetup = { config, tracks: this.#tracks.tracks, locale, currency: this.currency };
      this.#rowDom.reset({ columns: config.columns, end: this.#tracks.tracks.map((t) => t.align === 'end'), format: { locale, currency: this.currency } });
      this.#fitDrawn = [];
      this.#fitNarrowed.clear();
      this.#clipRule = '';
      this.#measureFitSoon();
    }
    // A width the user set replaces the column's track (a whole number of px, bounded by #resizeColumn).
    const track = (i: number, value: string) => (this.#widths.has(i) ? `${this.#widths.get(i)}px` : value);
    const tracks = this.#tracks.tracks;
    this.#setColumnRule(
      `.row { grid-template-columns: ${tracks.map((t, i) => track(i, t.track)).join(' ')}; min-width: calc(${tracks.map((t, i) => track(i, t.least)).join(' + ')}); }`,
    );
  }

  /** Sets a column's width in px (3rem to 120rem at 16 px), keeps the other columns as they are, and re-measures the edges. */
  #resizeColumn(col: number, width: number): void {
    this.#widths.set(col, Math.round(Math.min(1920, Math.max(48, width))));
    this.requestUpdate();
    requestAnimationFrame(() => this.#measure());
  }

  /** Tells the page a user's resize is done, so it can keep the width (there is no storage of its own). */
  #resized(col: number): void {
    const field = this.#config?.columns[col]?.field;
    const width = this.#widths.get(col);
    if (field !== undefined && width !== undefined) this.emit('wix-column-resize', { field, width });
  }

  /** A column header's drawn width in px (read on a user's action only, never while scrolling). */
  #headerWidth(col: number): number {
    return this.renderRoot.querySelector(`.header [data-col="${col}"]`)?.getBoundingClientRect().width ?? 0;
  }

  /** Dragging a header's end edge resizes its column; the pointer is captured so the drag may leave the header. */
  #startResize(event: PointerEvent, col: number): void {
    const handle = event.currentTarget as HTMLElement;
    const from = event.clientX;
    const width = this.#headerWidth(col);
    const before = this.#widths.get(col);
    const rtl = getComputedStyle(this).direction === 'rtl';
    event.preventDefault();
    try {
      handle.setPointerCapture(event.pointerId);
    } catch {
      // A pointer the engine does not know (a synthetic event) cannot be captured; the drag still works over the handle.
    }
    const move = (e: PointerEvent) => this.#resizeColumn(col, width + (rtl ? from - e.clientX : e.clientX - from));
    const end = () => {
      if (this.#widths.get(col) !== undefined && this.#widths.get(col) !== before) this.#resized(col);
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', end);
      handle.removeEventListener('pointercancel', end);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
  }

  get #locale(): string | undefined {
    return this.locale || this.closest('[lang]')?.getAttribute('lang') || undefined;
  }

  #renderToolbar(config: Config): TemplateResult | typeof nothing {
    if (config.searchFields.length === 0 && config.chips.length === 0) return nothing;
    return html`<div part="toolbar" class="toolbar">
      ${
        config.searchFields.length
          ? html`<input
            part="search"
            type="search"
            enterkeyhint="search"
            aria-label=${`Search ${this.label || this.collection}`}
            placeholder="Search…"
            maxlength="200"
            .value=${this.#search}
            @input=${this.#onSearchInput}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === 'Enter') {
                clearTimeout(this.#searchTimer);
                this.#sendSearch();
              }
            }}
          />`
          : nothing
      }
      ${
        config.chips.length
          ? html`<div class="chips" role="group" aria-label="Filters">
            ${config.chips.map(
              (chip, index) =>
                html`<button part="chip" type="button" class="chip" aria-pressed=${String(this.#activeChips.has(index))} @click=${() => this.#toggleChip(index)}>${chip.label}</button>`,
            )}
          </div>`
          : nothing
      }
    </div>`;
  }

  #renderHeader(config: Config): TemplateResult {
    const sort = this.#currentSort;
    return html`<div role="rowgroup" class="head" @wheel=${this.#onHeadWheel}>
      <div role="row" part="header" class="row header" aria-rowindex="1">
        ${config.columns.map((column, col) => {
          const order = sort?.field === column.field ? (sort.order === 'ASC' ? 'ascending' : 'descending') : undefined;
          const tabindex = this.#grid.active.row === -1 && this.#grid.active.col === col ? 0 : -1;
          const end = this.#tracks?.tracks[col]?.align === 'end' ? ' end' : '';
          return html`<div
            role="columnheader"
            part="column-header"
            class="cell${end}"
            data-col=${col}
            title=${column.label}
            aria-sort=${order ?? (column.sortable ? 'none' : nothing)}
            aria-keyshortcuts=${column.sortable ? nothing : RESIZE_KEYS}
            tabindex=${column.sortable ? nothing : tabindex}
          >
            ${
              column.sortable
                ? html`<button type="button" tabindex=${tabindex} aria-keyshortcuts=${RESIZE_KEYS} aria-describedby=${order ? 'sort-note' : nothing} @click=${() => this.#sortBy(column)}>
                  <span class="label">${column.label}</span><span class="arrow" aria-hidden="true">${order === 'ascending' ? '▲' : order === 'descending' ? '▼' : '↕'}</span>
                </button>`
                : html`<span class="label">${column.label}</span>`
            }
            <span part="column-resizer" class="resizer" aria-hidden="true" @pointerdown=${(e: PointerEvent) => this.#startResize(e, col)}></span>
          </div>`;
        })}
      </div>
    </div>`;
  }

  #renderStatus(): TemplateResult {
    const loader = this.#loader;
    const total = loader.total ?? 0;
    const size = this.#config?.pageSize ?? 50;
    const pageCount = Math.max(1, Math.ceil(total / size));
    const count = formatCount(total, this.#locale);
    const summary = `${count} ${total === 1 ? 'item' : 'items'}`;
    const selected = this.selection === 'none' ? '' : ` · ${this.#selected.size} selected`;
    if (this.paging === 'pages') {
      return html`<nav part="pager" class="status" aria-label="Pages">
        <button type="button" ?disabled=${this.page === 0} @click=${() => this.page--}>Previous</button>
        <span role="status">Page ${this.page + 1} of ${pageCount} · ${summary}${selected}${loader.pageError ? ` · ${loader.pageError.userMessage}` : ''}</span>${this.#sortNote()}
        <button type="button" ?disabled=${this.page + 1 >= pageCount} @click=${() => this.page++}>Next</button>
      </nav>`;
    }
    return html`<div part="status" class="status">
      <span role="status">${summary}${selected}</span>${this.#sortNote()}
      ${
        loader.pageError
          ? html`<span class="error" role="alert">${loader.pageError.userMessage}
            <button type="button" @click=${() => loader.retry(this.#visible.first, this.#visible.last)}>Retry</button></span>`
          : nothing
      }
    </div>`;
  }

  /**
   * Where items without a value go: Wix ranks them lowest ("Items that do not have a value for the specified sort
   * property are ranked lowest", wix-data ascending()), so first in an ascending sort and last in a descending one.
   * The sorted header's button is described by this note.
   */
  #sortNote(): TemplateResult | typeof nothing {
    const sort = this.#currentSort;
    const column = sort && this.#config?.columns.find((c) => c.field === sort.field);
    if (!sort || !column) return nothing;
    const ascending = sort.order === 'ASC';
    return html`<span id="sort-note" class="sort-note"
      >Sorted by ${column.label} ${ascending ? '▲ ascending' : '▼ descending'}: items without a value ${ascending ? 'first' : 'last'}</span
    >`;
  }

  protected override render(): TemplateResult {
    if (this.connection === 'editor') {
      return html`<div part="state" class="placeholder">
        <strong>Data table</strong> Shows the "${this.collection || '(set the collection attribute)'}" collection as a sortable, searchable table. It
        needs a published site (or Velo page code) to load data.
      </div>`;
    }
    if (this.connection === 'not-connected') return this.#stateBox('Not connected', 'It needs a Wix site session.');
    const config = this.#config;
    if (this.#configError || !config) {
      const error = this.#configError ?? new SessionError('validation');
      return this.#stateBox('Cannot show this table', error.message, 'error');
    }
    const loader = this.#loader;
    const toolbar = this.#renderToolbar(config);
    if (this.connection === 'connecting') return html`${toolbar}${this.#stateBox('Connecting…', '')}`;
    if (loader.error) {
      const error = loader.error;
      return html`${toolbar}<div part="state" class="state error" role="alert" data-kind=${error.kind}>
          <strong>${error.kind === 'forbidden' ? 'Access denied' : 'Could not load'}</strong> ${error.kind === 'validation' ? error.message : error.userMessage}
          <button type="button" @click=${() => this.refresh()}>Try again</button>
        </div>`;
    }
    if (loader.loading) return html`${toolbar}${this.#stateBox('Loading…', '')}`;
    if (loader.total === 0)
      return html`${toolbar}${this.#stateBox('No items', this.#sentSearch.trim() ? `Nothing matches "${this.#sentSearch.trim()}".` : this.emptyText)}`;
    const size = config.pageSize;
    // Before the rows: their alignment and formats come from the tracks.
    this.#applyColumns(config);
    const rows =
      this.paging === 'pages'
        ? html`${this.#indices.slice(this.page * size, (this.page + 1) * size).map(this.#renderRow)}`
        : virtualize({
            items: this.#indices,
            // Rows are DOM nodes (row-dom.ts), which Lit's repeat commits as they are; the type only names templates.
            renderItem: this.#renderRow as unknown as RenderItemFunction<number>,
            keyFunction: (index: number) => index,
            scroller: true,
            layout: this.#layout,
          });
    return html`${toolbar}
      <div
        part="grid"
        class="grid"
        role="grid"
        aria-label=${this.label || this.collection}
        aria-rowcount=${(loader.total ?? 0) + 1}
        aria-colcount=${config.columns.length}
        aria-multiselectable=${this.selection === 'multiple' ? 'true' : nothing}
        aria-busy=${loader.settled ? 'false' : 'true'}
        @keydown=${this.#grid.onKeydown}
        @click=${this.#grid.onClick}
        @pointerover=${this.#onCellHover}
        @focusin=${this.#onCellHover}
      >
        ${this.#renderHeader(config)}
        <div
          role="rowgroup"
          part="body"
          class="body"
          tabindex="-1"
          @visibilityChanged=${this.#onVisibility}
          @scroll=${this.#onBodyScroll}
          @rangeChanged=${this.#onRange}
        >
          ${rows}
        </div>
      </div>
      ${this.#renderStatus()}`;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'wix-table-load': CustomEvent<TableLoadDetail>;
    'wix-data-error': CustomEvent<DataErrorDetail>;
    'wix-row-select': CustomEvent<RowSelectDetail>;
    'wix-sort-change': CustomEvent<SortChangeDetail>;
    'wix-column-resize': CustomEvent<ColumnResizeDetail>;
  }
}
