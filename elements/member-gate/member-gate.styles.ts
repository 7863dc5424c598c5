import { css } from 'lit';

// Colours and radius come from the shared theme tokens (elements/core/theme.ts); the placeholder box too.
export const memberGateStyles = css`
  .status { color: var(--_muted); }
  .error { color: var(--_error); }
`;
