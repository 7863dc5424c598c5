import { toSessionError, type SessionError } from '../core/errors.ts';

export type Row = Record<string, unknown> & { _id: string };

export interface PageAnswer {
  items: Row[];
  /** The total number of matching items; asked for with the first page only. */
  total?: number | null | undefined;
}

/** Wix Data's largest query page. */
const MAX_LIMIT = 1000;

export type FetchPage = (offset: number, limit: number, withTotal: boolean) => Promise<PageAnswer>;

/**
 * The rows of one query, fetched page by page as they are needed (scrolled to, or jumped to by keyboard).
 * A new query (`reset`) makes every answer still on its way stale: a late answer for an old sort, search or
 * filter never lands in the new rows.
 */
export class PageLoader {
  /** Undefined until the first page answers. */
  total: number | undefined;
  /** Sparse: an index not fetched yet is undefined. */
  rows: (Row | undefined)[] = [];
  /** The first page's error (the table shows an error state), or undefined. */
  error: SessionError | undefined;
  /** A later page's error: those rows show a retry, the rest of the table stays usable. */
  pageError: SessionError | undefined;
  /** Pages requested for the current query (for the benchmark and the tests). */
  pagesFetched = 0;
  /**
   * Whether the current query's first page has arrived. Until then `rows` and `total` are still the previous
   * query's, so that a table being sorted or searched keeps its rows on screen (dimmed) instead of flashing.
   */
  settled = false;
  private readonly pages = new Set<number>();
  private generation = 0;
  private fetchPage: FetchPage | undefined;

  constructor(
    private readonly pageSize: () => number,
    /** Called after each answer; `rows` is the row range a later page filled (undefined for the first page or an error). */
    private readonly changed: (loader: PageLoader, rows?: { first: number; last: number }) => void,
  ) {}

  /** Starts a new query and fetches its first page; the previous rows stay readable until it lands. */
  reset(fetchPage: FetchPage | undefined): void {
    this.generation++;
    this.fetchPage = fetchPage;
    this.settled = false;
    if (!fetchPage || this.error) {
      this.total = undefined;
      this.rows = [];
    }
    this.error = this.pageError = undefined;
    this.pagesFetched = 0;
    this.pages.clear();
    if (fetchPage) void this.load(0);
  }

  /** Nothing to show yet: the first page of the first query is on its way. */
  get loading(): boolean {
    return this.total === undefined && this.error === undefined && this.fetchPage !== undefined;
  }

  /**
   * Fetches the pages that hold rows first..last (inclusive) and are not fetched or on their way: neighbouring pages
   * in one request (up to 1,000 rows, Wix Data's largest page), so a fast scroll that needs several pages ahead makes
   * one round trip and one redraw for them.
   */
  need(first: number, last: number): void {
    if (!this.settled || this.total === undefined) return;
    const size = this.pageSize();
    const end = Math.min(last, this.total - 1);
    const most = Math.max(1, Math.floor(MAX_LIMIT / size));
    let run: number[] = [];
    const flush = () => {
      if (run.length) void this.load(run[0]!, run.length);
      run = [];
    };
    for (let page = Math.floor(Math.max(0, first) / size); page * size <= end; page++) {
      if (this.pages.has(page)) flush();
      else {
        run.push(page);
        if (run.length === most) flush();
      }
    }
    flush();
  }

  /** Fetches the failed pages of the current query again. */
  retry(first: number, last: number): void {
    this.pageError = undefined;
    this.changed(this);
    this.need(first, last);
  }

  /** Fetches `count` pages from `page` on, in one request. */
  private async load(page: number, count = 1): Promise<void> {
    if (this.pages.has(page) || !this.fetchPage) return;
    for (let i = 0; i < count; i++) this.pages.add(page + i);
    this.pagesFetched += count;
    const generation = this.generation;
    const size = this.pageSize();
    try {
      const answer = await this.fetchPage(page * size, size * count, page === 0);
      if (generation !== this.generation) return;
      if (page === 0) {
        this.total = Math.max(answer.total ?? answer.items.length, answer.items.length);
        this.rows = new Array(this.total);
        this.settled = true;
      }
      const rows = this.rows;
      answer.items.forEach((item, i) => {
        if (page * size + i < rows.length) rows[page * size + i] = item;
      });
      if (page > 0) return this.changed(this, { first: page * size, last: page * size + answer.items.length - 1 });
    } catch (error) {
      if (generation !== this.generation) return;
      // A failed page may be asked for again.
      for (let i = 0; i < count; i++) this.pages.delete(page + i);
      if (page === 0) {
        this.error = toSessionError(error);
        this.total = undefined;
        this.rows = [];
      } else this.pageError = toSessionError(error);
    }
    this.changed(this);
  }
}
