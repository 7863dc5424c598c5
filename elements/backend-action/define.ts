import { define } from '../core/element.ts';
import { WixBackendAction } from './backend-action.ts';

export { WixBackendAction };

/** Registers <wix-backend-action> once; a second bundle on the same page is a no-op, not an error. */
define('wix-backend-action', WixBackendAction);

declare global {
  interface HTMLElementTagNameMap {
    'wix-backend-action': WixBackendAction;
  }
}
