import { errors, WixApiError, type FieldViolation } from '../errors.ts';
import type { Caller } from '../identity/callers.ts';
import type { Directory, Member } from '../identity/directory.ts';

/** The documented fieldsets (`Set` in @wix/auto_sdk_members_members): each includes the one before it. */
export const FIELDSETS = ['PUBLIC', 'EXTENDED', 'FULL'] as const;
export type Fieldset = (typeof FIELDSETS)[number];

/** Query Members returns at most 100 members a page (the docs); the SDK's default page is 100 too. */
export const MAX_MEMBERS_PAGE = 100;
/** How many members one query looks at: a local site's directory is small; beyond this the total is not counted. */
export const MAX_MEMBERS_SCANNED = 10_000;
/** Bounds on a filter: nesting, operator count, `$in`/`$hasSome` lists and compared strings. */
const MAX_FILTER_DEPTH = 8;
const MAX_FILTER_NODES = 200;
const MAX_FILTER_LIST = 100;
const MAX_FILTER_STRING = 1_000;
const MAX_SORT_FIELDS = 5;
const MAX_SEARCH_EXPRESSION = 100;

/** A member as the Members API answers (REST names: `id`, `createdDate`), before the SDK renames them. */
export interface WireMember {
  id: string;
  contactId: string;
  loginEmail?: string;
  loginEmailVerified?: boolean;
  status: 'APPROVED' | 'UNKNOWN';
  privacyStatus: 'PUBLIC' | 'UNKNOWN';
  activityStatus: 'ACTIVE' | 'UNKNOWN';
  contact?: { emails: string[]; phones: string[]; addresses: unknown[] };
  profile: { nickname: string; slug: string };
  createdDate: string;
  updatedDate: string;
}

type MemberRecord = Member & { createdAt: string };

/** The profile slug the platform gives a member: its nickname in lower-case words joined by '-'. */
export const memberSlug = (nickname: string): string =>
  nickname
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100) || 'member';

/**
 * The field paths Query Members filters and sorts on (the docs' table), and each one's value for a member.
 * `private` fields are the member's contact data: only the site (owner) may filter, sort or search on them,
 * or a visitor could find a member's email one prefix at a time.
 */
const FIELDS: ReadonlyMap<string, { value: (m: MemberRecord) => string | undefined; private: boolean }> = new Map([
  ['id', { value: (m: MemberRecord) => m.id, private: false }],
  ['_id', { value: (m: MemberRecord) => m.id, private: false }],
  ['contactId', { value: (m: MemberRecord) => m.id, private: false }],
  ['profile.nickname', { value: (m: MemberRecord) => m.nickname, private: false }],
  ['profile.slug', { value: (m: MemberRecord) => memberSlug(m.nickname), private: false }],
  ['profile.title', { value: () => undefined, private: false }],
  ['privacyStatus', { value: () => 'PUBLIC', private: false }],
  ['status', { value: () => 'APPROVED', private: false }],
  ['createdDate', { value: (m: MemberRecord) => m.createdAt, private: false }],
  ['lastLoginDate', { value: () => undefined, private: true }],
  ['loginEmail', { value: (m: MemberRecord) => m.email, private: true }],
  ['contact.firstName', { value: () => undefined, private: true }],
  ['contact.lastName', { value: () => undefined, private: true }],
]);

const SEARCHABLE = new Set(['loginEmail', 'contact.firstName', 'contact.lastName', 'profile.title', 'profile.nickname', 'profile.slug']);

const invalid = (field: string, description: string): WixApiError =>
  errors.validation(`Invalid request: ${field} ${description}.`, [{ field, description, violatedRule: 'INVALID' } satisfies FieldViolation]);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a caller may see of other members: the site's admin everything, everyone else the public profile. */
function privileged(caller: Caller): boolean {
  return caller.kind === 'owner' || (caller.kind === 'app' && caller.userRole === 'owner');
}

/** The member a caller is logged in as, if any (an app acting for a member counts as that member). */
function currentMemberId(caller: Caller): string | undefined {
  if (caller.kind === 'member' || caller.kind === 'owner') return caller.id;
  if (caller.kind === 'app' && caller.userRole !== undefined) return caller.id;
  return undefined;
}

/** API keys carry Wix Data permissions only: the platform has no Members permission to give one. */
function refuseApiKey(caller: Caller): void {
  if (caller.kind === 'apiKey')
    throw errors.forbidden('The API key has no Members permissions: call the Members API as a visitor, a member or the site owner.');
}

/** The requested fieldsets as one (the widest wins); PUBLIC by default, as documented. */
export function parseFieldsets(raw: unknown, where = 'fieldsets'): Fieldset {
  if (raw === undefined || raw === null) return 'PUBLIC';
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length > 3) throw invalid(where, 'may hold at most 3 values');
  let widest: Fieldset = 'PUBLIC';
  for (const value of list) {
    const index = typeof value === 'string' ? FIELDSETS.indexOf(value as Fieldset) : -1;
    if (index < 0) throw invalid(where, `must be one of ${FIELDSETS.join(', ')}`);
    if (index > FIELDSETS.indexOf(widest)) widest = FIELDSETS[index]!;
  }
  return widest;
}

/** A member projected to a fieldset, as the docs list each: PUBLIC returns the statuses as UNKNOWN. */
export function project(member: MemberRecord, fieldset: Fieldset): WireMember {
  const base: WireMember = {
    id: member.id,
    contactId: member.id,
    status: 'UNKNOWN',
    privacyStatus: 'UNKNOWN',
    activityStatus: 'UNKNOWN',
    profile: { nickname: member.nickname, slug: memberSlug(member.nickname) },
    createdDate: member.createdAt,
    updatedDate: member.createdAt,
  };
  if (fieldset === 'PUBLIC') return base;
  const extended: WireMember = { ...base, loginEmail: member.email, status: 'APPROVED', privacyStatus: 'PUBLIC', activityStatus: 'ACTIVE' };
  if (fieldset === 'EXTENDED') return extended;
  // The platform does not verify emails, and keeps no phones or addresses.
  return { ...extended, loginEmailVerified: false, contact: { emails: [member.email], phones: [], addresses: [] } };
}

type Predicate = (m: MemberRecord) => boolean;

/** Compiles a Wix API Query Language filter over the documented member fields, bounded and checked. */
export function compileMemberFilter(filter: unknown, allowPrivate: boolean): Predicate {
  let nodes = 0;
  const scalar = (v: unknown, where: string): string | number | boolean | null => {
    if (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v as null | boolean | number;
    if (typeof v === 'string') {
      if (v.length > MAX_FILTER_STRING) throw invalid(where, `must be at most ${MAX_FILTER_STRING} characters`);
      return v;
    }
    throw invalid(where, 'must be a string, number, boolean or null');
  };
  const list = (v: unknown, where: string) => {
    if (!Array.isArray(v)) throw invalid(where, 'must be a list');
    if (v.length > MAX_FILTER_LIST) throw invalid(where, `may hold at most ${MAX_FILTER_LIST} values`);
    return v.map((x, i) => scalar(x, `${where}[${i}]`));
  };
  const compare = (a: string | undefined, b: string | number | boolean | null): number | undefined =>
    a === undefined || b === null || typeof b === 'boolean' ? undefined : a < String(b) ? -1 : a > String(b) ? 1 : 0;

  const field = (path: string, condition: unknown, where: string): Predicate => {
    const spec = FIELDS.get(path);
    if (!spec) throw invalid(where, `names a field Query Members does not filter on (${path.slice(0, 100)})`);
    if (spec.private && !allowPrivate) throw errors.forbidden(`Only the site may filter members by ${path}: it is a member's private contact data.`);
    const get = spec.value;
    // A bare value is $eq.
    if (!isRecord(condition)) {
      const value = scalar(condition, where);
      return (m) => get(m) === value;
    }
    const parts: Predicate[] = [];
    for (const op of Object.keys(condition)) {
      nodes++;
      if (nodes > MAX_FILTER_NODES) throw invalid('query.filter', `may hold at most ${MAX_FILTER_NODES} conditions`);
      const arg = Object.hasOwn(condition, op) ? condition[op] : undefined;
      const at = `${where}.${op}`;
      switch (op) {
        case '$eq': {
          const value = scalar(arg, at);
          parts.push((m) => (value === null ? get(m) === undefined : get(m) === value));
          break;
        }
        case '$ne': {
          const value = scalar(arg, at);
          parts.push((m) => (value === null ? get(m) !== undefined : get(m) !== value));
          break;
        }
        case '$in':
        case '$hasSome': {
          const values = new Set(list(arg, at));
          parts.push((m) => {
            const v = get(m);
            return v !== undefined && values.has(v);
          });
          break;
        }
        case '$nin': {
          const values = new Set(list(arg, at));
          parts.push((m) => {
            const v = get(m);
            return v === undefined || !values.has(v);
          });
          break;
        }
        case '$exists': {
          if (typeof arg !== 'boolean') throw invalid(at, 'must be true or false');
          parts.push((m) => (get(m) !== undefined) === arg);
          break;
        }
        case '$startsWith': {
          const value = scalar(arg, at);
          if (typeof value !== 'string') throw invalid(at, 'must be a string');
          const prefix = value.toLowerCase();
          parts.push((m) => get(m)?.toLowerCase().startsWith(prefix) === true);
          break;
        }
        case '$gt':
        case '$gte':
        case '$lt':
        case '$lte': {
          const value = scalar(arg, at);
          const test =
            op === '$gt' ? (c: number) => c > 0 : op === '$gte' ? (c: number) => c >= 0 : op === '$lt' ? (c: number) => c < 0 : (c: number) => c <= 0;
          parts.push((m) => {
            const c = compare(get(m), value);
            return c !== undefined && test(c);
          });
          break;
        }
        default:
          throw invalid(at, `is not an operator Query Members supports (${op.slice(0, 40)})`);
      }
    }
    return (m) => parts.every((p) => p(m));
  };

  const node = (value: unknown, where: string, depth: number): Predicate => {
    if (depth > MAX_FILTER_DEPTH) throw invalid('query.filter', `may nest at most ${MAX_FILTER_DEPTH} levels`);
    if (!isRecord(value)) throw invalid(where, 'must be an object');
    const parts: Predicate[] = [];
    for (const key of Object.keys(value)) {
      nodes++;
      if (nodes > MAX_FILTER_NODES) throw invalid('query.filter', `may hold at most ${MAX_FILTER_NODES} conditions`);
      const arg = Object.hasOwn(value, key) ? value[key] : undefined;
      const at = `${where}.${key.slice(0, 100)}`;
      if (key === '$and' || key === '$or') {
        if (!Array.isArray(arg) || arg.length > MAX_FILTER_LIST) throw invalid(at, `must be a list of at most ${MAX_FILTER_LIST} filters`);
        const subs = arg.map((sub, i) => node(sub, `${at}[${i}]`, depth + 1));
        parts.push(key === '$and' ? (m) => subs.every((s) => s(m)) : (m) => subs.some((s) => s(m)));
      } else if (key === '$not') {
        const sub = node(arg, at, depth + 1);
        parts.push((m) => !sub(m));
      } else {
        parts.push(field(key, arg, at));
      }
    }
    return (m) => parts.every((p) => p(m));
  };

  if (filter === undefined || filter === null) return () => true;
  return node(filter, 'query.filter', 0);
}

export interface MembersQueryInput {
  filter?: unknown;
  sort?: { fieldName: string; order?: 'ASC' | 'DESC' | undefined }[] | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  fieldsets?: unknown;
  search?: { expression?: string | null | undefined; fields?: string[] | undefined } | undefined;
}

/** The Members API over the platform's Directory: the current member, a member by ID, and Query Members. */
export class MembersService {
  constructor(private readonly directory: Directory) {}

  /** Get My Member: the caller's own member, in any fieldset; a visitor has none (NOT_FOUND, as the SDK types it). */
  getMyMember(caller: Caller, fieldsets: unknown): { member: WireMember } {
    const fieldset = parseFieldsets(fieldsets);
    const id = currentMemberId(caller);
    const member = id === undefined ? undefined : this.directory.getMemberRecord(id);
    if (!member) throw new WixApiError(404, 'Member not found: no member is logged in.', { code: 'NOT_FOUND' });
    return { member: project(member, fieldset) };
  }

  /** Get Member: anyone may read a member's public profile; more than PUBLIC is the member's own or the site's. */
  getMember(caller: Caller, id: string, fieldsets: unknown): { member: WireMember } {
    refuseApiKey(caller);
    const fieldset = parseFieldsets(fieldsets);
    const member = this.directory.getMemberRecord(id);
    if (!member) throw new WixApiError(404, `Member ${id.slice(0, 100)} not found.`, { code: 'NOT_FOUND' });
    if (fieldset !== 'PUBLIC' && !privileged(caller) && currentMemberId(caller) !== member.id) {
      throw errors.forbidden(`Only the site and the member may read the ${fieldset} fieldset of a member.`);
    }
    return { member: project(member, fieldset) };
  }

  /**
   * Query Members: filter, sort and offset paging over the directory, at most 100 a page. A visitor or member sees
   * every member's public profile (all members here are public) and may not ask for more (EXTENDED/FULL) or filter,
   * sort or search on contact data; the site sees everything.
   */
  queryMembers(caller: Caller, input: MembersQueryInput) {
    refuseApiKey(caller);
    const fieldset = parseFieldsets(input.fieldsets);
    const site = privileged(caller);
    if (fieldset !== 'PUBLIC' && !site) {
      throw errors.forbidden(`Only the site may query members with the ${fieldset} fieldset: other callers see public profiles.`);
    }
    const limit = input.limit ?? MAX_MEMBERS_PAGE;
    const offset = input.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_MEMBERS_PAGE)
      throw invalid('query.paging.limit', `must be an integer from 0 to ${MAX_MEMBERS_PAGE}`);
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalid('query.paging.offset', 'must be a non-negative integer');
    const sort = input.sort ?? [];
    if (sort.length > MAX_SORT_FIELDS) throw invalid('query.sort', `may hold at most ${MAX_SORT_FIELDS} fields`);
    const sorters = sort.map(({ fieldName, order }, i) => {
      const spec = FIELDS.get(fieldName);
      if (!spec) throw invalid(`query.sort[${i}].fieldName`, `names a field Query Members does not sort on (${fieldName.slice(0, 100)})`);
      if (spec.private && !site) throw errors.forbidden(`Only the site may sort members by ${fieldName}: it is a member's private contact data.`);
      const sign = order === 'DESC' ? -1 : 1;
      return (a: MemberRecord, b: MemberRecord) => {
        const x = spec.value(a) ?? '';
        const y = spec.value(b) ?? '';
        return x < y ? -sign : x > y ? sign : 0;
      };
    });
    const predicate = compileMemberFilter(input.filter, site);
    const matchesSearch = this.searchPredicate(input.search, site);

    const scanned = this.directory.listMemberRecords(MAX_MEMBERS_SCANNED + 1);
    const tooManyToCount = scanned.length > MAX_MEMBERS_SCANNED;
    const matching = scanned.slice(0, MAX_MEMBERS_SCANNED).filter((m) => predicate(m) && matchesSearch(m));
    if (sorters.length > 0) {
      matching.sort((a, b) => {
        for (const by of sorters) {
          const c = by(a, b);
          if (c !== 0) return c;
        }
        return 0;
      });
    }
    const page = matching.slice(offset, offset + limit);
    return {
      members: page.map((m) => project(m, fieldset)),
      metadata: { count: page.length, offset, total: matching.length, tooManyToCount },
    };
  }

  /** Plain-text search: case-insensitive substring over the named fields (default `profile.nickname`, as documented). */
  private searchPredicate(search: MembersQueryInput['search'], site: boolean): Predicate {
    const expression = search?.expression;
    if (expression === undefined || expression === null) return () => true;
    if (expression.length < 1 || expression.length > MAX_SEARCH_EXPRESSION)
      throw invalid('search.expression', `must be 1 to ${MAX_SEARCH_EXPRESSION} characters`);
    const fields = search?.fields?.length ? search.fields : ['profile.nickname'];
    if (fields.length > 4) throw invalid('search.fields', 'may hold at most 4 fields');
    const getters = fields.map((name, i) => {
      const spec = SEARCHABLE.has(name) ? FIELDS.get(name) : undefined;
      if (!spec) throw invalid(`search.fields[${i}]`, `names a field Query Members does not search (${name.slice(0, 100)})`);
      if (spec.private && !site) throw errors.forbidden(`Only the site may search members by ${name}: it is a member's private contact data.`);
      return spec.value;
    });
    const needle = expression.toLowerCase();
    return (m) => getters.some((get) => get(m)?.toLowerCase().includes(needle) === true);
  }
}
