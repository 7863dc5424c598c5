import { css } from 'lit';

/** The filled accent button of the elements that act (backend action, OAuth connect), from the theme aliases. */
export const accentButtonStyles = css`
  button {
    font: inherit;
    padding: 0.4rem 1rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
    cursor: pointer;
  }
`;
