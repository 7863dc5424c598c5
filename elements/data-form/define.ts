import { define } from '../core/element.ts';
import { WixDataForm } from './data-form.ts';

export { WixDataForm };

/** Registers <wix-data-form> once; a second bundle on the same page is a no-op, not an error. */
define('wix-data-form', WixDataForm);

declare global {
  interface HTMLElementTagNameMap {
    'wix-data-form': WixDataForm;
  }
}
