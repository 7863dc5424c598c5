export { Session, sessionFor, type TokenGetter, type SessionOptions, type SessionStats } from './core/session.ts';
export { SessionError, toSessionError, type SessionErrorKind } from './core/errors.ts';
export { createSessionClient, fetchWithRenewal, type SessionClient } from './core/client.ts';
export { SessionElement, type ConnectionState } from './core/session-element.ts';
export { apiBaseUrlFrom, embedsApi, type WixEmbedsApi } from './core/host.ts';
export { WixDataList } from './data-list/define.ts';
export { BridgeClient } from './core/bridge.ts';
export type { DataClient, QueryRequest, QueryOptions, QueryResult } from './core/client.ts';
export { bindElements } from './velo/page.ts';
