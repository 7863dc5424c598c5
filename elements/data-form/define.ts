import { WixDataForm } from './data-form.ts';

export { WixDataForm };

/** Registers <wix-data-form> once; a second bundle on the same page is a no-op, not an error. */
if (!customElements.get('wix-data-form')) customElements.define('wix-data-form', WixDataForm);

declare global {
  interface HTMLElementTagNameMap {
    'wix-data-form': WixDataForm;
  }
}
