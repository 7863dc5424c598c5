export { Session, sessionFor, type TokenGetter, type SessionOptions, type SessionStats } from './core/session.ts';
export { SessionError, toSessionError, asSessionError, kindOfCode, kindOfStatus, type SessionErrorKind } from './core/errors.ts';
export { createSessionClient, fetchWithRenewal, type SessionClient } from './core/client.ts';
export { SessionElement, type ConnectionState } from './core/session-element.ts';
export { WixElement, define } from './core/element.ts';
export { apiBaseUrlFrom, embedsApi, type WixEmbedsApi } from './core/host.ts';
export { WixDataList } from './data-list/data-list.ts';
export { BridgeClient } from './core/bridge.ts';
export {
  createQueryClient,
  createInsertClient,
  dataContext,
  queryItems,
  getItem,
  insertItem,
  patchItem,
  type DataClient,
  type DataContext,
  type DataItem,
  type FieldModification,
  type IncludeReference,
  type QueryRequest,
  type QueryOptions,
  type QueryResult,
} from './core/data-client.ts';
export { bindElements } from './velo/page.ts';
export { WixOAuthConnect } from './oauth-connect/oauth-connect.ts';
export { ActionBridge } from './core/action-bridge.ts';
export { WixMemberGate } from './member-gate/member-gate.ts';
export { WixDataTable } from './data-table/data-table.ts';
export type { ColumnResizeDetail, DataTableRow, RowSelectDetail, SortChangeDetail, TableLoadDetail } from './data-table/data-table.ts';
export { WixDataForm } from './data-form/data-form.ts';
export type { DataFormState, FormItem, FormErrorDetail, FormSubmitDetail, FormSuccessDetail, FieldSpec } from './data-form/data-form.ts';
export { WixBackendAction } from './backend-action/backend-action.ts';
export { themeStyles } from './core/theme.ts';
export { THEME_TOKENS, type ThemeToken } from './core/theme-tokens.ts';
export {
  applySeoMarkup,
  escapeHtml,
  formSeoMarkup,
  listSeoMarkup,
  tableSeoMarkup,
  SEO_ROW_LIMIT,
  SEO_MAX_BYTES,
  type TableSeoOptions,
  type ListSeoOptions,
  type FormSeoOptions,
} from './velo/seo.ts';
