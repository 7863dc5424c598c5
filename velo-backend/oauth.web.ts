/**
 * OAuth 2.0 connection of a member's account to a Wix site (the member consents on Wix; this backend is the
 * confidential client). Web methods for page code; the redirect URI is the HTTP function `get_oauthCallback`.
 */
import * as v from 'valibot';
import { Permissions, webMethod } from 'wix-web-module';
import { currentMember } from 'wix-members-backend';
import { audit } from './lib/audit.ts';
import { EnvelopeError, fail, ok, type Envelope } from './lib/envelope.ts';
import { connectionStillGranted, disconnect as revokeConnection, queryConnected, readConnection, startConnectFor } from './lib/oauth.ts';
import { parseInput, strictRecord } from './lib/validation.ts';

async function memberId(): Promise<string> {
  try {
    return (await currentMember.getMember())._id;
  } catch {
    throw new EnvelopeError('UNAUTHENTICATED', 'Sign in first.');
  }
}

async function guarded<T>(what: string, body: () => Promise<T>): Promise<Envelope<T>> {
  try {
    return ok(await body());
  } catch (error) {
    if (error instanceof EnvelopeError) return fail(error.code, error.message, error.issues);
    await audit({ what, outcome: 'error', detail: (error as Error).message });
    return fail('UNAVAILABLE', 'The connection service could not complete the request. Try again later.');
  }
}

/**
 * Members: starts a connection; returns the URL to open in a popup (or to redirect to). A web method cannot set
 * a cookie, so the URL is a single-use launch link on the site that binds the browser opening it to the state
 * (lib/oauth.ts, BrowserBinding). Site widgets start through POST /_functions/oauth/startConnect instead, whose
 * answer sets the binding cookie itself.
 */
export const startConnect = webMethod(
  Permissions.SiteMember,
  async (input?: unknown): Promise<Envelope<{ authorizeUrl: string }>> => (await startConnectFor(input, 'launch')).envelope,
);

export interface ConnectionStatus {
  connected: boolean;
  status: 'not-connected' | 'connected' | 'revoked';
  siteId?: string;
  scopes?: string[];
  connectedAt?: string;
}

/** Members: whether their account is connected, to which site, with which scopes. Never a token. */
export const connectionStatus = webMethod(Permissions.SiteMember, (input?: unknown): Promise<Envelope<ConnectionStatus>> =>
  guarded('connectionStatus', async () => {
    parseInput(v.nullish(strictRecord({})), input);
    const member = await memberId();
    let connection = await readConnection(member);
    // A revoke elsewhere is only known by asking the server; a refused refresh has stored it as revoked.
    if (connection?.status === 'connected' && !(await connectionStillGranted(member))) connection = await readConnection(member);
    if (!connection) return { connected: false, status: 'not-connected' };
    return {
      connected: connection.status === 'connected',
      status: connection.status,
      siteId: connection.siteId,
      scopes: connection.scopes.split(' '),
      connectedAt: new Date(connection.connectedAt).toISOString(),
    };
  }),
);

/** Members: revokes the grant at the authorization server and forgets the tokens. */
export const disconnect = webMethod(Permissions.SiteMember, (input?: unknown): Promise<Envelope<{ disconnected: boolean }>> =>
  guarded('disconnect', async () => {
    parseInput(v.nullish(strictRecord({})), input);
    return { disconnected: await revokeConnection(await memberId()) };
  }),
);

/** Members: reads a collection of the connected site as the member who consented (Bearer + wix-site-id). */
export const callConnected = webMethod(Permissions.SiteMember, (input?: unknown): Promise<Envelope<{ items: Record<string, unknown>[] }>> =>
  guarded('callConnected', async () => {
    const { collection, limit } = parseInput(
      strictRecord({
        collection: v.pipe(v.string(), v.regex(/^[A-Za-z][\w-]{0,63}$/, 'must be a collection ID')),
        limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 10),
      }),
      input,
    );
    return { items: await queryConnected(await memberId(), collection, limit) };
  }),
);
