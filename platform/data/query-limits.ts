/**
 * The limits of the read-only query endpoints that go beyond a plain query: aggregate, the aggregation pipeline
 * and search. Where Wix documents a number it is used as is (marked "Wix"); the others are the platform's own
 * choices, generous for any real page and small enough that no single request can hold the event loop for long.
 * Above a limit the platform answers a typed 400 (WDE0080 unless noted) that names the limit; nothing is cut
 * silently. The body of these requests is bounded by MAX_READ_BODY_BYTES (limits.ts).
 */

/** Groups per page of an aggregate (Wix: `limit()` defaults to 50 and takes at most 1000). */
export const DEFAULT_AGGREGATE_LIMIT = 50;
export const MAX_AGGREGATE_LIMIT = 1000;

/** Fields in `aggregation.groupingFields`, and `groupIds` in one pipeline group stage. */
export const MAX_GROUP_FIELDS = 32;
/** Operations in `aggregation.operations`, and accumulators in one pipeline group stage. */
export const MAX_AGGREGATE_OPERATIONS = 100;
/** Sort terms of an aggregate or a pipeline sort stage. */
export const MAX_AGGREGATE_SORT_TERMS = 32;

/** Stages in one pipeline (Wix: `stages` has @maxSize 100). */
export const MAX_PIPELINE_STAGES = 100;
/**
 * Unwind and objectToArray stages in one pipeline. Each multiplies the rows the next stages see by the length of
 * an array; two are enough for any report and keep the product bounded by the item size limit squared.
 */
export const MAX_PIPELINE_UNWINDS = 2;
/** Entries (include, exclude, reshape, nested) in one projection stage, nested ones counted. */
export const MAX_PROJECTION_ENTRIES = 256;
/** Nodes of all expressions in one pipeline (every field, literal and operator counts one). */
export const MAX_EXPRESSION_NODES = 1000;
/** Nesting of one expression (an operator inside an operator ...). */
export const MAX_EXPRESSION_DEPTH = 16;
/** Characters of one text literal in an expression. */
export const MAX_EXPRESSION_TEXT_LENGTH = 10_000;
/** Results per pipeline page (Wix: the response `results` has @maxSize 10000; the page limit is the query one). */
export const DEFAULT_PIPELINE_LIMIT = 50;
export const MAX_PIPELINE_LIMIT = 1000;
/** Skip / limit stage values and paging offsets. */
export const MAX_STAGE_COUNT = 1_000_000_000;

/** Characters of a search expression (Wix: `search.search.expression` has @maxLength 100). */
export const MAX_SEARCH_EXPRESSION_LENGTH = 100;
/** Results per search page (Wix: `limit()` defaults to 100 and takes at most 1000). */
export const DEFAULT_SEARCH_LIMIT = 100;
export const MAX_SEARCH_LIMIT = 1000;
/** Sort terms of a search (Wix: `search.sort` has @maxSize 10). */
export const MAX_SEARCH_SORT_TERMS = 10;
/** Projection entries of a search (Wix: `search.fields` has @maxSize 20). */
export const MAX_SEARCH_FIELDS = 20;
/** Bytes of one pipeline or aggregate result page; a page that would be larger is refused, not cut. */
export const MAX_RESULT_PAGE_BYTES = 16 * 1024 * 1024;
