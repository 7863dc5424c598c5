/**
 * Named backend actions that a site widget may run over HTTP: `POST /_functions/action/<name>` with
 * `Authorization: <session token>` and a JSON object as the body (`post_action` in http-functions.ts). This is
 * what `<wix-backend-action>` calls when it has a session token; on a Velo site it calls the same web methods
 * through page code instead (`bindElements($w, { '#id': { actions: { ... } } })`).
 *
 * An HTTP function is a public endpoint, and Wix checks a web method's permission only when page code calls
 * it, not when backend code does. So only the actions listed in SITE_ACTIONS can be run here, and each one's
 * permission is checked again, for the caller's session, before it runs: a visitor asking for an Admin action
 * gets 403 and the method never runs. Refusals of Admin and member actions are written to the audit log.
 */
import { currentMember } from 'wix-members-backend';
import { forbidden, notFound, ok, response, serverError, type WixHttpFunctionRequest } from 'wix-http-functions';
import { Permissions, type Permission } from 'wix-web-module';
import { categoryCounts, myOrders, submitContactRequest, updateOrderStatus } from './data-admin.web.ts';
import { audit } from './lib/audit.ts';
import { fail, type Envelope } from './lib/envelope.ts';

export interface SiteAction {
  /** Who may run it: the same permission as the web method's own (a Node test keeps the two equal). */
  permission: Permission;
  /** The web method; it gets the request body (a JSON object) as its one argument and answers an envelope. */
  run: (input: unknown) => Promise<Envelope<unknown>>;
}

/**
 * The allow-list: action name → web method. Nothing else can be run over HTTP, whatever the name asks for.
 * Add your own web methods here, with the permission they were declared with.
 */
export const SITE_ACTIONS: ReadonlyMap<string, SiteAction> = new Map<string, SiteAction>([
  ['submitContactRequest', { permission: Permissions.Anyone, run: submitContactRequest }],
  ['categoryCounts', { permission: Permissions.Anyone, run: categoryCounts }],
  ['myOrders', { permission: Permissions.SiteMember, run: myOrders }],
  ['updateOrderStatus', { permission: Permissions.Admin, run: updateOrderStatus }],
]);

/** The largest body accepted, in bytes (the largest web-method input here, a contact request, is ~9 KB). */
export const MAX_ACTION_BODY_BYTES = 32_768;
const ACTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const HEADERS = { 'cache-control': 'no-store' };

type Role = 'visitor' | 'member' | 'admin';

/**
 * Who the caller is, as the backend APIs report it (so it is the same on Wix): nobody signed in is a visitor;
 * a member whose roles include "Admin" (the owner, admin collaborators) is an admin.
 */
async function callerRole(): Promise<Role> {
  try {
    const roles = await currentMember.getRoles();
    return roles.some((role) => role.name === 'Admin') ? 'admin' : 'member';
  } catch {
    return 'visitor';
  }
}

function refusal(permission: Permission, role: Role): string | undefined {
  if (permission === Permissions.Anyone || role === 'admin') return undefined;
  if (permission === Permissions.SiteMember) return role === 'member' ? undefined : 'Sign in as a site member to do this.';
  return 'Only the site’s admins can do this.';
}

/** An answer carrying an envelope, with the given status. */
const answer = (status: number, body: Envelope<unknown>) => response({ status, body, headers: HEADERS });

/**
 * Reads the body: empty means `{}`; otherwise a JSON object of at most MAX_ACTION_BODY_BYTES. Anything else is
 * a VALIDATION envelope (400, or 413 when too large).
 */
async function readBody(request: WixHttpFunctionRequest): Promise<{ input: Record<string, unknown> } | { refused: ReturnType<typeof answer> }> {
  const text = await request.body.text();
  if (new TextEncoder().encode(text).length > MAX_ACTION_BODY_BYTES) {
    return { refused: answer(413, fail('VALIDATION', `The request body is larger than ${MAX_ACTION_BODY_BYTES} bytes.`)) };
  }
  if (text.trim() === '') return { input: {} };
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return { refused: answer(400, fail('VALIDATION', 'The request body is not valid JSON.')) };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { refused: answer(400, fail('VALIDATION', 'The request body must be a JSON object.')) };
  }
  return { input: input as Record<string, unknown> };
}

/**
 * The HTTP function's body. Answers: the web method's envelope (200, whether `ok` or not); 404 with a
 * NOT_FOUND envelope for a name not in the allow-list; 400/413 with a VALIDATION envelope for a bad body; 403
 * with a PERMISSION_DENIED envelope when the caller's session may not run the action; 500 with an INTERNAL
 * envelope if the method throws (no detail leaves the backend).
 */
export async function runSiteAction(request: WixHttpFunctionRequest) {
  const [name = '', ...rest] = request.path;
  const action = ACTION_NAME.test(name) && rest.length === 0 ? SITE_ACTIONS.get(name) : undefined;
  if (!action) return notFound({ body: fail('NOT_FOUND', 'There is no such action.'), headers: HEADERS });
  const body = await readBody(request);
  if ('refused' in body) return body.refused;
  const role = await callerRole();
  const denied = refusal(action.permission, role);
  if (denied) {
    await audit({ what: `action ${name}`, outcome: 'denied', detail: `${role} asked for a ${action.permission} action` });
    return forbidden({ body: fail('PERMISSION_DENIED', denied), headers: HEADERS });
  }
  try {
    return ok({ body: await action.run(body.input), headers: HEADERS });
  } catch {
    return serverError({ body: fail('INTERNAL', 'The action failed. Try again later.'), headers: HEADERS });
  }
}
