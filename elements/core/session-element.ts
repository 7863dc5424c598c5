import { type PropertyDeclarations } from 'lit';
import { BridgeClient } from './bridge.ts';
import { createQueryClient, type DataClient } from './data-client.ts';
import { WixElement } from './element.ts';
import type { Session } from './session.ts';

/** How an element is connected to the Wix platform. */
export type ConnectionState = 'connecting' | 'connected' | 'not-connected' | 'editor';

const clients = new WeakMap<Session, DataClient>();

/**
 * Base of the Wix Data elements (wix-data-list, wix-data-table): the session wiring of WixElement (element.ts), plus
 * a `client` to query with: the light Data client (data-client.ts) on the shared session, or the page-code bridge
 * (bridge.ts) on a Velo site. One client per session, shared by every data element on the page.
 */
export class SessionElement<E extends object = object> extends WixElement<E> {
  // Lit merges these with WixElement's (connect-timeout, api-base-url).
  static override properties: PropertyDeclarations = {
    connection: { state: true },
    sessionVersion: { state: true },
  };

  protected connection: ConnectionState = 'connecting';
  /** Bumps when the session's identity may have changed, so data tasks run again. */
  protected sessionVersion = 0;
  protected client: DataClient | undefined;
  protected readonly bridge = new BridgeClient(this);

  protected override onTransport(): void {
    const session = this.session;
    let client: DataClient | undefined = this.bridge;
    if (session) {
      client = clients.get(session);
      if (!client) clients.set(session, (client = createQueryClient(session, { apiBaseUrl: this.apiBaseUrl })));
    }
    this.client = client;
    this.connection = 'connected';
    this.sessionVersion++;
  }

  protected override onUnconnected(state: 'editor' | 'not-connected'): void {
    this.connection = state;
  }
}
