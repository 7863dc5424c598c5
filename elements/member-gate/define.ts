import { define } from '../core/element.ts';
import { WixMemberGate } from './member-gate.ts';

export { WixMemberGate };

/** Registers <wix-member-gate> once; a second bundle on the same page is a no-op, not an error. */
define('wix-member-gate', WixMemberGate);

declare global {
  interface HTMLElementTagNameMap {
    'wix-member-gate': WixMemberGate;
  }
}
