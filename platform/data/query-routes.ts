import * as v from 'valibot';
import type { RequestContext, Router } from '../http/router.ts';
import type { PlatformServices } from '../services.ts';
import { StatementCache } from '../storage/database.ts';
import { parseBody, plainObject } from '../validation.ts';
import { AggregateService } from './aggregate.ts';
import { MAX_READ_BODY_BYTES } from './limits.ts';
import {
  MAX_AGGREGATE_OPERATIONS,
  MAX_AGGREGATE_SORT_TERMS,
  MAX_GROUP_FIELDS,
  MAX_PIPELINE_STAGES,
  MAX_SEARCH_EXPRESSION_LENGTH,
  MAX_SEARCH_FIELDS,
  MAX_SEARCH_SORT_TERMS,
} from './query-limits.ts';
import { DATA_PREFIXES } from './routes.ts';
import { registerQueryFunctions } from './query-sql.ts';
import { SearchIndexes, SearchService } from './search.ts';
import { MAX_INCLUDES, ReferenceService } from './references.ts';

/**
 * Data Items v2 read routes beyond query: aggregate, the aggregation pipeline and search, under both data
 * prefixes, POST as the SDK sends them (the REST reference has no GET form for these three). Each body is
 * bounded by MAX_READ_BODY_BYTES before it is parsed; lists in it are bounded here and in the services.
 */

const CollectionId = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(256));
const Limit = v.optional(v.nullable(v.pipe(v.number(), v.integer())));
const Offset = v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))));
const Paging = v.optional(plainObject({ limit: Limit, offset: Offset }));
const CursorPaging = v.optional(plainObject({ limit: Limit, cursor: v.optional(v.nullable(v.string())) }));
const sortOf = (max: number) =>
  v.optional(
    v.pipe(
      v.array(plainObject({ fieldName: v.pipe(v.string(), v.minLength(1)), order: v.optional(v.picklist(['ASC', 'DESC'])) })),
      v.maxLength(max, `may hold at most ${max} sort terms`),
    ),
  );
const Filter = v.optional(v.nullable(v.unknown()));

const AggregateBody = plainObject({
  dataCollectionId: CollectionId,
  initialFilter: Filter,
  finalFilter: Filter,
  aggregation: v.optional(
    plainObject({
      groupingFields: v.optional(v.pipe(v.array(v.string()), v.maxLength(MAX_GROUP_FIELDS, `may hold at most ${MAX_GROUP_FIELDS} fields`))),
      operations: v.optional(v.pipe(v.array(v.unknown()), v.maxLength(MAX_AGGREGATE_OPERATIONS, `may hold at most ${MAX_AGGREGATE_OPERATIONS} operations`))),
    }),
  ),
  sort: sortOf(MAX_AGGREGATE_SORT_TERMS),
  paging: Paging,
  cursorPaging: CursorPaging,
  returnTotalCount: v.optional(v.boolean()),
});

const PipelineBody = plainObject({
  dataCollectionId: CollectionId,
  pipeline: v.optional(
    plainObject({
      stages: v.optional(v.pipe(v.array(v.unknown()), v.maxLength(MAX_PIPELINE_STAGES, `may hold at most ${MAX_PIPELINE_STAGES} stages`))),
      paging: Paging,
      cursorPaging: CursorPaging,
    }),
  ),
  returnTotalCount: v.optional(v.boolean()),
});

const SearchBody = plainObject({
  dataCollectionId: CollectionId,
  search: v.optional(
    plainObject({
      filter: Filter,
      sort: sortOf(MAX_SEARCH_SORT_TERMS),
      fields: v.optional(v.pipe(v.array(v.string()), v.maxLength(MAX_SEARCH_FIELDS, `may hold at most ${MAX_SEARCH_FIELDS} fields`))),
      search: v.optional(
        plainObject({
          expression: v.optional(
            v.nullable(v.pipe(v.string(), v.maxLength(MAX_SEARCH_EXPRESSION_LENGTH, `may be at most ${MAX_SEARCH_EXPRESSION_LENGTH} characters`))),
          ),
          mode: v.optional(v.picklist(['OR', 'AND'])),
          fuzzy: v.optional(v.nullable(v.boolean())),
        }),
      ),
      paging: Paging,
      cursorPaging: CursorPaging,
    }),
  ),
  includeReferences: v.optional(
    v.pipe(
      v.array(plainObject({ field: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)), limit: v.optional(v.number()) })),
      v.maxLength(MAX_INCLUDES, `may name at most ${MAX_INCLUDES} fields`),
    ),
  ),
});

export function registerQueryRoutes(router: Router, services: PlatformServices): void {
  registerQueryFunctions(services.db);
  const statements = new StatementCache(services.db);
  const aggregates = new AggregateService(services.collections, statements);
  const indexes = new SearchIndexes(services.db);
  indexes.sweep();
  const searches = new SearchService(services.collections, statements, indexes);
  const references = new ReferenceService(services.db, services.collections);
  const onRead = (pattern: string, handler: (ctx: RequestContext) => unknown) =>
    router.addUnder(DATA_PREFIXES, 'POST', pattern, handler, { maxBodyBytes: MAX_READ_BODY_BYTES });

  onRead('/items/aggregate', async (ctx) => {
    const body = parseBody(AggregateBody, ctx.body);
    const caller = await ctx.caller();
    const input = {
      initialFilter: body.initialFilter,
      finalFilter: body.finalFilter,
      aggregation: body.aggregation,
      sort: body.sort,
      paging: body.paging && { limit: body.paging.limit ?? undefined, offset: body.paging.offset ?? undefined },
      cursorPaging: body.cursorPaging && { limit: body.cursorPaging.limit ?? undefined, cursor: body.cursorPaging.cursor ?? undefined },
      returnTotalCount: body.returnTotalCount,
    };
    // A site's beforeAggregate / afterAggregate hooks run around it when the platform has them (velo/data-hooks.ts).
    const run = (effective: Parameters<AggregateService['aggregate']>[2]) => aggregates.aggregate(caller, body.dataCollectionId, effective);
    return services.data ? services.data.aggregate(caller, body.dataCollectionId, input, run) : run(input);
  });

  onRead('/items/aggregate-pipeline', async (ctx) => {
    const body = parseBody(PipelineBody, ctx.body);
    const pipeline = body.pipeline ?? {};
    return aggregates.pipeline(await ctx.caller(), body.dataCollectionId, {
      stages: pipeline.stages,
      paging: pipeline.paging && { limit: pipeline.paging.limit ?? undefined, offset: pipeline.paging.offset ?? undefined },
      cursorPaging: pipeline.cursorPaging && { limit: pipeline.cursorPaging.limit ?? undefined, cursor: pipeline.cursorPaging.cursor ?? undefined },
      returnTotalCount: body.returnTotalCount,
    });
  });

  onRead('/items/search', async (ctx) => {
    const body = parseBody(SearchBody, ctx.body);
    const caller = await ctx.caller();
    const includes = body.includeReferences ?? [];
    references.validateIncludes(caller, body.dataCollectionId, includes);
    const search = body.search ?? {};
    const result = searches.search(caller, body.dataCollectionId, {
      filter: search.filter,
      sort: search.sort,
      fields: search.fields,
      search: search.search && { expression: search.search.expression, mode: search.search.mode, fuzzy: search.search.fuzzy ?? undefined },
      paging: search.paging && { limit: search.paging.limit ?? undefined, offset: search.paging.offset ?? undefined },
      cursorPaging: search.cursorPaging && { limit: search.cursorPaging.limit ?? undefined, cursor: search.cursorPaging.cursor ?? undefined },
    });
    references.include(caller, body.dataCollectionId, result.dataItems, includes, search.fields ?? undefined);
    return result;
  });
}
