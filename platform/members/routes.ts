import * as v from 'valibot';
import { errors } from '../errors.ts';
import type { RequestContext, Router } from '../http/router.ts';
import type { PlatformServices } from '../services.ts';
import { parseBody, plainObject } from '../validation.ts';
import { MembersService } from './service.ts';

/** The Members API under both paths @wix/auto_sdk_members_members resolves to (www.wixapis.com, and site hosts). */
export const MEMBERS_PREFIXES = ['/members/v1/members', '/_api/members/v1/members'] as const;

/** A Query Members body is small: a filter, a sort, a page and the fieldsets. */
const MAX_QUERY_BODY_BYTES = 64 * 1024;
const MAX_ID_LENGTH = 255;

const Sort = v.pipe(
  v.array(plainObject({ fieldName: v.pipe(v.string(), v.minLength(1), v.maxLength(200)), order: v.optional(v.picklist(['ASC', 'DESC'])) })),
  v.maxLength(5, 'may hold at most 5 fields'),
);
const Fieldsets = v.optional(v.pipe(v.array(v.string()), v.maxLength(3, 'may hold at most 3 values')));

const QueryBody = plainObject({
  query: v.optional(
    plainObject({
      filter: v.optional(v.unknown()),
      // The SDK's query builder sends `sort`; the REST reference names it `sorting`.
      sort: v.optional(Sort),
      sorting: v.optional(Sort),
      paging: v.optional(
        plainObject({ limit: v.optional(v.pipe(v.number(), v.integer())), offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) }),
      ),
    }),
  ),
  fieldsets: Fieldsets,
  search: v.optional(
    plainObject({
      expression: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(100, 'must be at most 100 characters')))),
      fields: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(200))), v.maxLength(4, 'may hold at most 4 fields'))),
    }),
  ),
});

/** `fieldsets=FULL&fieldsets=PUBLIC` in a GET's query string, as the SDK's toURLSearchParams sends a list. */
function fieldsetsOf(ctx: RequestContext): string[] | undefined {
  const all = ctx.query.getAll('fieldsets');
  return all.length === 0 ? undefined : all;
}

function memberIdOf(ctx: RequestContext): string {
  const raw = ctx.params['id'] ?? '';
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw errors.badRequest('The member ID in the path is not valid URL encoding.', 'INVALID_ARGUMENT');
  }
  if (id.length === 0 || id.length > MAX_ID_LENGTH) throw errors.badRequest(`A member ID is 1 to ${MAX_ID_LENGTH} characters.`, 'INVALID_ARGUMENT');
  return id;
}

/** Get My Member, Get Member and Query Members over the platform's Directory (platform/members/service.ts). */
export function registerMembersRoutes(router: Router, services: PlatformServices): void {
  const members = new MembersService(services.directory);
  // Registered before `/:id`, so `my` and `query` are never read as member IDs.
  router.addUnder(MEMBERS_PREFIXES, 'GET', '/my', async (ctx) => members.getMyMember(await ctx.caller(), fieldsetsOf(ctx)));
  router.addUnder(
    MEMBERS_PREFIXES,
    'POST',
    '/query',
    async (ctx) => {
      const caller = await ctx.caller();
      const raw = ctx.body ?? {};
      // valibot's object() takes an array as an object: a body is a JSON object or nothing.
      if (Array.isArray(raw))
        throw errors.validation('Invalid request: the body must be a JSON object.', [
          { field: '(body)', description: 'must be a JSON object', violatedRule: 'TYPE' },
        ]);
      const body = parseBody(QueryBody, raw);
      const query = body.query ?? {};
      return members.queryMembers(caller, {
        filter: query.filter,
        sort: query.sort ?? query.sorting,
        limit: query.paging?.limit,
        offset: query.paging?.offset,
        fieldsets: body.fieldsets,
        search: body.search,
      });
    },
    { maxBodyBytes: MAX_QUERY_BODY_BYTES },
  );
  router.addUnder(MEMBERS_PREFIXES, 'GET', '/:id', async (ctx) => members.getMember(await ctx.caller(), memberIdOf(ctx), fieldsetsOf(ctx)));
}
