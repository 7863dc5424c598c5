// The elements the gallery shows, configured once: the site-widget column (gallery.ts) and the Velo page-code
// frame (frame.ts) build the same markup from here, as a site owner would set the same attributes in the Editor.
import '../../elements/data-table/define.ts';
import '../../elements/data-list/define.ts';
import '../../elements/data-form/define.ts';
import '../../elements/member-gate/define.ts';
import '../../elements/backend-action/define.ts';
import '../../elements/oauth-connect/define.ts';

export type SpecimenName = 'table' | 'list' | 'form' | 'memberForm' | 'gate' | 'action' | 'adminAction' | 'oauth';

function element(tag: string, attributes: Record<string, string>, children: [slot: string, text: string][] = []): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  for (const [slot, text] of children) el.append(Object.assign(document.createElement('p'), { slot, textContent: text }));
  return el;
}

const CATEGORY_CHIPS = ['Tents', 'Backpacks', 'Footwear', 'Jackets', 'Lighting'].map((category) => ({
  label: category,
  filter: { category },
  group: 'category',
}));

export const SPECIMENS: Record<SpecimenName, (id: string) => HTMLElement> = {
  table: (id) =>
    element('wix-data-table', {
      id,
      collection: 'Products',
      label: 'Product catalogue',
      // tagRefs is a multi-reference (issue 12): included, so its cells show the tags' titles.
      columns:
        'title:Product, brand:Brand, category:Category, price:Price:currency, rating:Rating:number, inStock:In stock:boolean, releaseDate:Released:date, tagRefs:Tags:reference',
      include: 'tagRefs',
      sort: 'price:desc',
      'search-fields': 'title, brand',
      filters: JSON.stringify([...CATEGORY_CHIPS, { label: 'In stock', filter: { inStock: true }, group: 'stock' }]),
      selection: 'multiple',
      'page-size': '50',
    }),
  list: (id) =>
    element('wix-data-list', {
      id,
      collection: 'Products',
      fields: 'title:Product, brandRef:Brand, price:Price (USD):currency',
      include: 'brandRef',
      sort: 'rating:desc',
      'page-size': '3',
    }),
  form: (id) =>
    element('wix-data-form', {
      id,
      collection: 'Feedback',
      label: 'Send us feedback',
      'submit-label': 'Send feedback',
      'success-message': 'Thanks! Your feedback was saved.',
      fields: JSON.stringify([
        { field: 'name', label: 'Your name', required: true, maxLength: 80 },
        { field: 'email', type: 'email', label: 'Email', required: true },
        { field: 'rating', type: 'number', label: 'Rating (1 to 5)', min: 1, max: 5, required: true },
        { field: 'message', type: 'textarea', label: 'Message', required: true, maxLength: 2000 },
      ]),
    }),
  memberForm: (id) =>
    element('wix-data-form', {
      id,
      collection: 'Notes',
      label: 'Add a note (members only)',
      'submit-label': 'Save note',
      'success-message': 'Note saved. Only you can read it.',
      fields: JSON.stringify([
        { field: 'title', label: 'Note', required: true, maxLength: 120 },
        { field: 'color', type: 'select', label: 'Colour', options: ['yellow', 'blue', 'green'] },
        { field: 'pinned', type: 'checkbox', label: 'Pinned' },
      ]),
    }),
  gate: (id) =>
    element('wix-member-gate', { id }, [
      ['visitor', 'Visitors see this. Sign in as member@example.com to see the member slot.'],
      ['member', 'Members see this: welcome back!'],
      ['owner', 'The site owner sees this.'],
    ]),
  action: (id) => element('wix-backend-action', { id, action: 'categoryCounts', label: 'Count products per category', 'success-text': 'Counted.' }),
  adminAction: (id) =>
    element('wix-backend-action', {
      id,
      action: 'updateOrderStatus',
      input: JSON.stringify({ orderId: 'order-00001', status: 'SHIPPED' }),
      label: 'Mark order 1 as shipped',
      confirm: 'Mark order 1 as shipped? The customer is told.',
      'success-text': 'Order 1 is shipped.',
    }),
  oauth: (id) => element('wix-oauth-connect', { id, 'site-name': 'Northwind HQ', 'preview-collection': 'Stores', 'login-hint': 'member@example.com' }),
};
