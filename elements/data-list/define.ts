import { define } from '../core/element.ts';
import { WixDataList } from './data-list.ts';

export { WixDataList };

/** Registers <wix-data-list> once; a second bundle on the same page is a no-op, not an error. */
define('wix-data-list', WixDataList);

declare global {
  interface HTMLElementTagNameMap {
    'wix-data-list': WixDataList;
  }
}
