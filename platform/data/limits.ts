/**
 * Every size limit the Data layer enforces on a request, in one place, so the README, the services and the
 * tests quote the same numbers. Above a limit the platform answers a typed 400 in Wix's error shape with a
 * message that names the limit; nothing is truncated silently.
 *
 * Where Wix documents a number it is used as is (marked "Wix"); the others are the platform's own choices,
 * generous for any real page and small enough that no single request can hold the event loop.
 */

/**
 * Bytes of a read request's body (query, get, count, distinct): the largest filter the limits below allow in
 * practice (1,000 item IDs in a `$hasSome` is about 40 KB) fits many times over, and a larger body is refused
 * before it is parsed, so a read cannot hold the event loop for long. Writes keep the platform's 4 MiB.
 */
export const MAX_READ_BODY_BYTES = 1024 * 1024;

/** Items per query page (Wix: `limit()` takes at most 1000, default 50). */
export const DEFAULT_QUERY_LIMIT = 50;
export const MAX_QUERY_LIMIT = 1000;
/** Items in one bulk insert/save/update/remove (Wix: WDE0006, "Cannot insert more than 1000 items"). */
export const MAX_BULK_ITEMS = 1000;
/** Items in one bulk patch (Wix: bulkPatch "is limited to 100 items per method call"). */
export const MAX_BULK_PATCH_ITEMS = 100;
/** Field modifications in one patch (Wix documents no number; a real patch names a handful of fields). */
export const MAX_PATCH_MODIFICATIONS = 100;
/** Bytes of one stored item as JSON (Wix: "The maximum size of an item ... is 500 kb"). */
export const MAX_ITEM_BYTES = 500 * 1024;
/** Object/array nesting inside one item's data. */
export const MAX_ITEM_NESTING = 32;
/** Characters of an item ID. */
export const MAX_ITEM_ID_LENGTH = 255;

/**
 * Field paths (projection, filter, sort, distinct): dot-separated segments, each matching Wix's recommended
 * field-name pattern `[a-zA-Z0-9_][a-zA-Z0-9_-]{0,63}` (Wix's docs start it with a letter or `_`; digits are
 * accepted here because array indexes and numeric keys appear in paths).
 */
export const MAX_FIELD_SEGMENT_LENGTH = 64;
export const MAX_FIELD_PATH_SEGMENTS = 8;
export const MAX_FIELD_PATH_LENGTH = MAX_FIELD_PATH_SEGMENTS * (MAX_FIELD_SEGMENT_LENGTH + 1) - 1;

/** Characters of a paging cursor a request sends back (the platform's own cursors are a few hundred). */
export const MAX_CURSOR_LENGTH = 64 * 1024;

/** Declared fields of one collection (each indexable one gets an SQLite expression index). */
export const MAX_COLLECTION_FIELDS = 1000;

/** Entries in a query's or get's `fields` projection. */
export const MAX_PROJECTION_FIELDS = 256;
/** Sort terms in one query. */
export const MAX_SORT_TERMS = 32;

/** Nesting of `$and` / `$or` / `$not` in a filter. */
export const MAX_FILTER_DEPTH = 32;
/** Filter objects (every `{...}` of the filter tree, logical or not). */
export const MAX_FILTER_NODES = 300;
/**
 * Leaf conditions (one per operator on a field). SQLite nests AND/OR chains one expression level per term and
 * allows 1000 levels, so nodes + conditions stay well under that.
 */
export const MAX_FILTER_CONDITIONS = 300;
/** Values in one `$in` / `$hasSome` / `$hasAll` list. */
export const MAX_FILTER_LIST_VALUES = 1000;
/** Values bound into the SQL of one filter (SQLite allows 32766). */
export const MAX_FILTER_VALUES = 10_000;
/** Characters of one string operand in a filter (equality, comparisons, `$contains`, `$startsWith`, `$endsWith`). */
export const MAX_FILTER_STRING_LENGTH = 10_000;
