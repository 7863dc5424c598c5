import * as v from 'valibot';
import { plainObject } from '../validation.ts';
import { errors } from '../errors.ts';
import type { Caller } from '../identity/callers.ts';
import type { Db, StatementCache } from '../storage/database.ts';
import type { Collection, CollectionStore } from './collections.ts';
import { compileFilter, fieldSegments, sortExpr } from './filter.ts';
import { own } from './item-data.ts';
import type { ItemRow } from './items.ts';
import {
  DEFAULT_SEARCH_LIMIT,
  MAX_SEARCH_EXPRESSION_LENGTH,
  MAX_SEARCH_FIELDS,
  MAX_SEARCH_LIMIT,
  MAX_SEARCH_SORT_TERMS,
  MAX_STAGE_COUNT,
} from './query-limits.ts';
import { bind, join, readScope, sql, type Frag } from './query-sql.ts';

/**
 * Search (POST /v2/items/search, the SDK's `items.search(c).expression(...).run()`): free text over the item's
 * text values, combined with the query filter language, sort, projection and paging.
 *
 * What matches (the Data Items docs say "free text to match in searchable fields", terms separated by whitespace,
 * AND/OR mode, and fuzzy "allowing typos by a managed proximity algorithm"; the rest is this platform's choice,
 * after the Wix site-search docs for `fuzzy`, which give "applf" and "app" as approximate matches of "apple"):
 * - the text searched is every string value of the item's own fields, at any depth (not `_id`, `_owner`, dates);
 * - text and terms are split into words at anything that is not a letter or a digit, case and accents folded;
 * - without fuzzy, a term matches a word that is equal to it;
 * - with fuzzy, a term also matches a word it is a prefix of, or a word within the edit distance Elasticsearch's
 *   AUTO fuzziness allows (0 for 1-2 letters, 1 for 3-5, 2 for longer; a transposition is one edit);
 * - mode OR (the default, as the SDK sends no mode unless asked) needs one term, AND needs every term;
 * - without a sort, results come by relevance: more matched terms first, then newest first.
 *
 * The matching runs in SQLite: an FTS5 index per searched collection (SearchIndexes) answers each term, so only
 * the page of matching items reaches JavaScript. `matchCount` below is the same rule written directly, the
 * reference the tests hold the index to.
 */

/** Folds case and accents: "Crème" and "CREME" are the same word. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLocaleLowerCase('en-US');
}

const WORD = /[\p{L}\p{N}]+/gu;

export function words(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

/** Edit distance Elasticsearch's AUTO fuzziness allows for a term of this length. */
export function allowedEdits(term: string): number {
  const n = [...term].length;
  return n <= 2 ? 0 : n <= 5 ? 1 : 2;
}

/** Damerau-Levenshtein (optimal string alignment) distance, giving up above `max` (cheap for distant words). */
export function editDistance(a: string, b: string, max: number): number {
  const s = [...a];
  const t = [...b];
  if (Math.abs(s.length - t.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, prevPrev[j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[t.length]!;
}

/** Whether one (folded) term matches one (folded) word. */
export function termMatches(term: string, word: string, fuzzy: boolean): boolean {
  if (term === word) return true;
  if (!fuzzy) return false;
  if (word.startsWith(term)) return true;
  const edits = allowedEdits(term);
  return edits > 0 && editDistance(term, word, edits) <= edits;
}

/** How many of the terms the text holds (each term counted once). */
export function matchCount(text: string, terms: readonly string[], fuzzy: boolean): number {
  if (terms.length === 0) return 0;
  const seen = new Set(words(text));
  let count = 0;
  for (const term of terms) {
    if (seen.has(term)) count += 1;
    else if (fuzzy) {
      for (const word of seen) {
        if (termMatches(term, word, true)) {
          count += 1;
          break;
        }
      }
    }
  }
  return count;
}

/** Candidate words one fuzzy term may expand to (the closest first); more are not looked at. */
export const MAX_FUZZY_EXPANSIONS = 50;

/** Every string in an item's own fields, `$date` values left out, as one text for the tokenizer. */
const itemText = (row: string) => `(SELECT group_concat(jt.atom, ' ') FROM json_tree(${row}.data) AS jt WHERE jt.type = 'text' AND jt.key IS NOT '$date')`;

/**
 * One SQLite FTS5 index per searched collection, `<table>_fts`: contentless (it keeps only the words), with
 * unicode61 folding case and accents as `words()` does, kept in step with the items table by triggers. It is
 * built the first time a collection is searched (one pass over its items) and then costs each write of that
 * collection one index update. `<table>_fts_vocab` lists the indexed words, for fuzzy terms.
 */
export class SearchIndexes {
  private readonly ready = new Set<string>();
  constructor(private readonly db: Db) {}

  /** Drops the indexes of collections that no longer exist (DROP TABLE already dropped their triggers). */
  sweep(): void {
    const rows = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'items_[0-9]*_fts'").all() as { name: string }[];
    for (const { name } of rows) {
      const table = name.slice(0, -'_fts'.length);
      if (!/^items_\d+$/.test(table)) continue;
      const base = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
      if (!base) this.db.exec(`DROP TABLE IF EXISTS ${name}_vocab; DROP TABLE IF EXISTS ${name}`);
    }
  }

  /** The index of a collection's table (a name the collection store made, never request text). */
  ensure(table: string): string {
    const fts = `${table}_fts`;
    if (this.ready.has(table)) return fts;
    if (!/^items_\d+$/.test(table)) throw new Error(`Unexpected items table name ${table}`);
    const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(fts);
    if (!exists) {
      this.db.transaction(() => {
        this.db.exec(`CREATE VIRTUAL TABLE ${fts} USING fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
          CREATE VIRTUAL TABLE ${fts}_vocab USING fts5vocab(${fts}, 'row');
          CREATE TRIGGER ${fts}_ai AFTER INSERT ON ${table} BEGIN INSERT INTO ${fts}(rowid, text) VALUES (new.rowid, ${itemText('new')}); END;
          CREATE TRIGGER ${fts}_ad AFTER DELETE ON ${table} BEGIN DELETE FROM ${fts} WHERE rowid = old.rowid; END;
          CREATE TRIGGER ${fts}_au AFTER UPDATE OF data ON ${table} BEGIN
            DELETE FROM ${fts} WHERE rowid = old.rowid;
            INSERT INTO ${fts}(rowid, text) VALUES (new.rowid, ${itemText('new')});
          END;
          INSERT INTO ${fts}(rowid, text) SELECT rowid, ${itemText(table)} FROM ${table};`);
      })();
    }
    this.ready.add(table);
    return fts;
  }
}

/** An FTS5 string literal: the words are letters and digits only, quoted all the same. */
const quote = (word: string) => `"${word.replaceAll('"', '""')}"`;

export interface SearchInput {
  filter?: unknown;
  sort?: { fieldName: string; order?: 'ASC' | 'DESC' | undefined }[] | undefined;
  fields?: string[] | undefined;
  search?: { expression?: string | null | undefined; mode?: 'OR' | 'AND' | undefined; fuzzy?: boolean | undefined } | undefined;
  paging?: { limit?: number | undefined; offset?: number | undefined } | undefined;
  cursorPaging?: { limit?: number | undefined; cursor?: string | undefined } | undefined;
}

const SearchCursor = plainObject({
  filter: v.optional(v.unknown()),
  sort: v.array(plainObject({ fieldName: v.string(), order: v.optional(v.picklist(['ASC', 'DESC'])) })),
  fields: v.array(v.string()),
  expression: v.string(),
  mode: v.picklist(['OR', 'AND']),
  fuzzy: v.boolean(),
  offset: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
});
type SearchState = v.InferOutput<typeof SearchCursor>;

/** Sets an own property (defines `__proto__`, never runs its setter). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The projection: `_id` always, then each named path copied from the item's own properties. */
function project(data: Record<string, unknown>, paths: readonly string[][]): Record<string, unknown> {
  const result: Record<string, unknown> = { _id: own(data, '_id') };
  for (const segments of paths) {
    let value: unknown = data;
    for (const s of segments) value = value !== null && typeof value === 'object' ? own(value, s) : undefined;
    if (value === undefined) continue;
    let target = result;
    for (const s of segments.slice(0, -1)) {
      let next = own(target, s);
      if (next === null || typeof next !== 'object') {
        next = {};
        setOwn(target, s, next);
      }
      target = next as Record<string, unknown>;
    }
    setOwn(target, segments[segments.length - 1]!, value);
  }
  return result;
}

function toWire(collection: Collection, row: ItemRow, paths: readonly string[][]) {
  const data: Record<string, unknown> = {
    _id: row.id,
    ...(row.owner !== null ? { _owner: row.owner } : {}),
    _createdDate: { $date: row.created_at },
    _updatedDate: { $date: row.updated_at },
    ...(JSON.parse(row.data) as Record<string, unknown>),
  };
  return { id: row.id, dataCollectionId: collection.id, data: paths.length ? project(data, paths) : data };
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_SEARCH_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 0) throw errors.badRequest("'limit' must be a non-negative integer.", 'WDE0077');
  if (limit > MAX_SEARCH_LIMIT) throw errors.badRequest(`'limit' cannot exceed ${MAX_SEARCH_LIMIT}.`, 'WDE0077');
  return limit;
}

export class SearchService {
  constructor(
    private readonly collections: CollectionStore,
    private readonly statements: StatementCache,
    private readonly indexes: SearchIndexes,
  ) {}

  /** The FTS5 query for one term: the word itself, or (fuzzy) its prefix and the indexed words within reach. */
  private termQuery(fts: string, term: string, fuzzy: boolean): string {
    if (!fuzzy) return quote(term);
    const edits = allowedEdits(term);
    const near: { word: string; d: number }[] = [];
    if (edits > 0) {
      const length = [...term].length;
      // A word within 1 or 2 edits of a term of 3 or more letters shares at least one letter with it: the GLOB
      // class leaves out the rest (numbers, for a word) without losing a match. Terms are letters and digits only.
      const shares = `*[${[...new Set(term)].join('')}]*`;
      const candidates = this.statements
        .get(`SELECT term FROM ${fts}_vocab WHERE length(term) BETWEEN ? AND ? AND term GLOB ?`)
        .iterate(length - edits, length + edits, shares) as Iterable<{ term: string }>;
      for (const { term: word } of candidates) {
        const d = editDistance(term, word, edits);
        if (d <= edits && d > 0) near.push({ word, d });
      }
      near.sort((a, b) => a.d - b.d || (a.word < b.word ? -1 : 1));
    }
    return [`${quote(term)}*`, ...near.slice(0, MAX_FUZZY_EXPANSIONS).map((n) => quote(n.word))].join(' OR ');
  }

  search(caller: Caller, collectionId: string, input: SearchInput) {
    const collection = this.collections.require(collectionId, caller.siteId);
    const scope = readScope(caller, collection);
    const cursorMode = input.cursorPaging !== undefined;
    if (cursorMode && input.paging !== undefined) throw errors.badRequest('Use either paging or cursorPaging, not both.', 'WDE0080');
    const limit = checkLimit(cursorMode ? input.cursorPaging?.limit : input.paging?.limit);
    let state: SearchState;
    if (cursorMode && input.cursorPaging?.cursor) {
      const parsed = v.safeParse(SearchCursor, decode(input.cursorPaging.cursor));
      if (!parsed.success) throw errors.badRequest('The paging cursor is not valid.', 'WDE0080');
      state = parsed.output;
      if (input.fields?.length) state = { ...state, fields: input.fields };
    } else {
      const offset = cursorMode ? 0 : (input.paging?.offset ?? 0);
      if (!Number.isSafeInteger(offset) || offset < 0 || offset > MAX_STAGE_COUNT)
        throw errors.badRequest(`'offset' must be a whole number from 0 to ${MAX_STAGE_COUNT}.`, 'WDE0080');
      state = {
        filter: input.filter,
        sort: input.sort ?? [],
        fields: input.fields ?? [],
        expression: input.search?.expression ?? '',
        mode: input.search?.mode ?? 'OR',
        fuzzy: input.search?.fuzzy ?? false,
        offset,
      };
    }
    if (state.expression.length > MAX_SEARCH_EXPRESSION_LENGTH) {
      throw errors.badRequest(
        `The search expression has ${state.expression.length} characters; at most ${MAX_SEARCH_EXPRESSION_LENGTH} are allowed.`,
        'WDE0080',
      );
    }
    if (state.sort.length > MAX_SEARCH_SORT_TERMS)
      throw errors.badRequest(`'sort' has ${state.sort.length} terms; a search may sort by at most ${MAX_SEARCH_SORT_TERMS}.`, 'WDE0080');
    if (state.fields.length > MAX_SEARCH_FIELDS)
      throw errors.badRequest(`'fields' has ${state.fields.length} entries; a search may name at most ${MAX_SEARCH_FIELDS}.`, 'WDE0080');
    const paths = state.fields.map(fieldSegments);
    const terms = [...new Set(words(state.expression))];
    const filter = compileFilter(state.filter, collection.fieldTypes);
    const needed = terms.length === 0 ? 0 : state.mode === 'AND' ? terms.length : 1;
    // Everything the request names is checked before the index is built: a refused search writes nothing.
    const order = [
      ...state.sort.map((s) => `${sortExpr(s.fieldName, collection.fieldTypes)} ${s.order === 'DESC' ? 'DESC' : 'ASC'}`),
      ...(state.sort.length ? [] : ['score DESC']),
      'created_at DESC',
      'rowid DESC',
    ].join(', ');
    let score: Frag = { sql: '0', params: [] };
    let candidates: Frag = { sql: '', params: [] };
    if (terms.length) {
      const fts = this.indexes.ensure(collection.table);
      // One indexed lookup per term; the score is how many terms the item holds.
      const queries = terms.map((t) => this.termQuery(fts, t, state.fuzzy));
      const hits = queries.map((q) => sql`(rowid IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ${bind(q)}))`);
      score = join(hits, ' + ');
      // Only the items the index finds are looked at: all terms (AND) or any (OR) in one FTS5 query.
      const all = queries.map((q) => `(${q})`).join(state.mode === 'AND' ? ' AND ' : ' OR ');
      candidates = sql` AND rowid IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ${bind(all)})`;
    }
    const matching = sql`SELECT rowid, id, owner, created_at, updated_at, data, ${score} AS score FROM ${collection.table} WHERE ${join([filter, scope], ' AND ')}${candidates}`;
    const selected = sql`SELECT * FROM (${matching}) WHERE score >= ${bind(needed)}`;
    const page = sql`SELECT id, owner, created_at, updated_at, json(data) AS data FROM (${selected}) ORDER BY ${order} LIMIT ${bind(limit + 1)} OFFSET ${bind(state.offset)}`;
    const rows = this.statements.get(page.sql).all(...page.params) as ItemRow[];
    const hasNext = rows.length > limit;
    const dataItems = rows.slice(0, limit).map((row) => toWire(collection, row, paths));
    const pagingMetadata: Record<string, unknown> = { count: dataItems.length, hasNext };
    if (cursorMode) {
      pagingMetadata['cursors'] = {
        ...(hasNext ? { next: encode({ ...state, offset: state.offset + limit }) } : {}),
        ...(state.offset > 0 ? { prev: encode({ ...state, offset: Math.max(0, state.offset - limit) }) } : {}),
      };
    } else {
      // Search answers its total on offset pages (Wix's search methods include the total count).
      const total = sql`SELECT count(*) AS n FROM (${selected})`;
      pagingMetadata['offset'] = state.offset;
      pagingMetadata['total'] = (this.statements.get(total.sql).get(...total.params) as { n: number }).n;
      pagingMetadata['tooManyToCount'] = false;
    }
    return { dataItems, pagingMetadata };
  }
}

function encode(state: SearchState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decode(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
