import { define } from '../core/element.ts';
import { WixDataTable } from './data-table.ts';

export { WixDataTable };

/** Registers <wix-data-table> once; a second bundle on the same page is a no-op, not an error. */
define('wix-data-table', WixDataTable);

declare global {
  interface HTMLElementTagNameMap {
    'wix-data-table': WixDataTable;
  }
}
