import { define } from '../core/element.ts';
import { WixOAuthConnect } from './oauth-connect.ts';

export { WixOAuthConnect };

/** Registers <wix-oauth-connect> once; a second bundle on the same page is a no-op, not an error. */
define('wix-oauth-connect', WixOAuthConnect);

declare global {
  interface HTMLElementTagNameMap {
    'wix-oauth-connect': WixOAuthConnect;
  }
}
