/**
 * Crawler-visible markup for the data elements, for Velo's `seoMarkup`.
 *
 * The elements draw their content in shadow DOM from data they fetch in the browser, so a crawler that runs no
 * script sees nothing of it. A Velo custom element has a `seoMarkup` property: HTML that Wix puts in the
 * server-rendered page for search bots. These helpers build that HTML from the same items and the same
 * `columns`/`fields` attribute text as the element, so bots read what visitors see (markup that differs from
 * the real content counts as cloaking). Visitors still get the interactive element.
 *
 * Page code (the query must resolve before the `onReady` promise does, or the server render goes without it):
 *
 *   import wixData from 'wix-data';
 *   import { tableSeoMarkup, applySeoMarkup } from 'public/wix-session-elements/page';
 *
 *   $w.onReady(async () => {
 *     // The same collection, sort and filter as the element's attributes.
 *     const { items } = await wixData.query('Products').ascending('title').limit(50).find();
 *     applySeoMarkup($w, '#products', tableSeoMarkup(items, {
 *       columns: 'title:Product, price:Price:currency, photo:Photo:image', // the element's `columns`, as it is
 *       caption: 'Products',
 *       locale: 'en-US',
 *       currency: 'USD',
 *     }));
 *   });
 *
 * Pure functions with no DOM, so they run in page code (server render and browser) and in Node alike. Every
 * text and attribute value is escaped; data never reaches the output as HTML. Images appear only for https and
 * Wix media URLs, links only for http(s), with `rel="nofollow noopener"`. Rows stop at `limit` (default 100) or
 * before the markup would pass `maxBytes` (default 100 KB of UTF-8), whichever comes first, always between rows.
 */
import { SessionError } from '../core/errors.ts';
import { cellKind, formatCell, imageSource, linkHref, parseColumns, readField, type ColumnSpec, type FormatOptions } from '../data-table/columns.ts';
import { parseFields } from '../core/grammar.ts';
import { formatCell as formatField } from '../core/format.ts';
import { parseFields as parseFormFields } from '../data-form/fields.ts';

export const SEO_ROW_LIMIT = 100;
export const SEO_MAX_BYTES = 100_000;
/** Longer texts (a value, a label, a caption) are cut here, so that one long field cannot crowd out the rest. */
const MAX_TEXT = 1000;
/** A longer image or link URL is shown as text. */
const MAX_URL = 2048;

interface Limits {
  /** Most items shown (default 100). */
  limit?: number;
  /** Most bytes (UTF-8) of markup (default 100,000); rows that would pass it are left out. */
  maxBytes?: number;
}

export interface TableSeoOptions extends Limits {
  /** The `<wix-data-table>`'s `columns` attribute as it is, e.g. `title:Product, price:Price:currency`. */
  columns: string;
  caption?: string;
  /** BCP 47 locale for numbers and dates, as the element's `locale` (default: the runtime's). */
  locale?: string;
  /** ISO 4217 code for `currency` columns (default USD). */
  currency?: string;
}

export interface ListSeoOptions extends Limits {
  /** The `<wix-data-list>`'s `fields` attribute as it is, e.g. `title:Product, price:Price:currency`. */
  fields: string;
  heading?: string;
  locale?: string;
  /** ISO 4217 code for `currency` fields, as the element's `currency` (default USD). */
  currency?: string;
}

export interface FormSeoOptions {
  /** The form's name, as the `<wix-data-form>`'s `label` attribute. */
  label?: string;
}

const invalid = (message: string) => new SessionError('validation', message);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text or an attribute value as HTML: `& < > " '` escaped, so it can never open a tag or leave a quoted attribute. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Cut to MAX_TEXT characters (never inside a surrogate pair), then escaped. */
function text(value: string): string {
  if (value.length <= MAX_TEXT) return escapeHtml(value);
  const end = /[\uD800-\uDBFF]/.test(value.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT;
  return `${escapeHtml(value.slice(0, end))}…`;
}

const encoder = new TextEncoder();
const bytes = (html: string) => encoder.encode(html).length;

function check(items: unknown, { limit = SEO_ROW_LIMIT, maxBytes = SEO_MAX_BYTES }: Limits): { rows: unknown[]; maxBytes: number } {
  if (!Array.isArray(items)) throw invalid('Pass the items as an array (the `items` of a query result).');
  if (!Number.isSafeInteger(limit) || limit < 0) throw invalid('limit is a whole number of items, 0 or more.');
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw invalid('maxBytes is a whole number of bytes.');
  return { rows: items.slice(0, limit), maxBytes };
}

function optionalText(value: unknown, name: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw invalid(`${name} must be a string.`);
  return value;
}

/** The markup from its opening, its rows and its closing: whole rows only, while the total stays within maxBytes. */
function assemble(open: string, rows: unknown[], row: (item: Record<string, unknown>) => string, close: string, maxBytes: number): string {
  let size = bytes(open) + bytes(close);
  if (size > maxBytes) throw invalid(`The heading and labels alone are over maxBytes (${maxBytes}).`);
  let body = '';
  for (const item of rows) {
    const html = row((item ?? {}) as Record<string, unknown>);
    size += bytes(html);
    if (size > maxBytes) break;
    body += html;
  }
  return open + body + close;
}

function formatOptions(locale: unknown, currency: unknown): FormatOptions {
  if (locale !== undefined && typeof locale !== 'string') throw invalid('locale must be a string such as "de-DE".');
  if (typeof currency !== 'string') throw invalid('currency must be an ISO 4217 code such as "EUR".');
  try {
    new Intl.NumberFormat(locale, { style: 'currency', currency }).format(0);
  } catch {
    throw invalid(`Unknown locale "${String(locale).slice(0, 40)}" or currency "${currency.slice(0, 10)}".`);
  }
  return { locale, currency };
}

/** One cell as the table draws it: a formatted text, an https or Wix media image, or an http(s) link. */
function cell(value: unknown, column: ColumnSpec, format: FormatOptions): string {
  const kind = value === null || value === undefined ? 'text' : cellKind(value, column.type);
  const shown = formatCell(value, column.type, format);
  if (kind === 'image') {
    const image = imageSource(value);
    if (image && image.src.length <= MAX_URL) return `<img src="${escapeHtml(image.src)}" alt="${text(image.alt)}">`;
  } else if (kind === 'url') {
    const href = linkHref(value);
    if (href && href.length <= MAX_URL) return `<a href="${escapeHtml(href)}" rel="nofollow noopener">${text(shown)}</a>`;
  }
  return text(shown);
}

/**
 * A `<table>` (caption, column labels, one row per item) formatted as `<wix-data-table>` formats its cells.
 * Throws a SessionError (`validation`) for a bad `columns` text, locale, currency or limit.
 */
export function tableSeoMarkup(items: readonly unknown[], options: TableSeoOptions): string {
  const { rows, maxBytes } = check(items, options);
  if (typeof options.columns !== 'string') throw invalid('columns is the element\'s columns attribute text, e.g. "title:Product, price:Price:currency".');
  const columns = parseColumns(options.columns, '');
  const format = formatOptions(options.locale, options.currency ?? 'USD');
  const caption = optionalText(options.caption, 'caption');
  const open =
    `<table>${caption ? `<caption>${text(caption)}</caption>` : ''}<thead><tr>` +
    columns.map((c) => `<th scope="col">${text(c.label)}</th>`).join('') +
    '</tr></thead><tbody>';
  const row = (item: Record<string, unknown>) => `<tr>${columns.map((c) => `<td>${cell(readField(item, c.field), c, format)}</td>`).join('')}</tr>`;
  return assemble(open, rows, row, '</tbody></table>', maxBytes);
}

/**
 * A list (optional heading, one `<li>` of label/value pairs per item) as `<wix-data-list>` shows it.
 * Throws a SessionError (`validation`) for a bad `fields` text, locale or limit.
 */
export function listSeoMarkup(items: readonly unknown[], options: ListSeoOptions): string {
  const { rows, maxBytes } = check(items, options);
  if (typeof options.fields !== 'string') throw invalid('fields is the element\'s fields attribute text, e.g. "title:Product, price:Price".');
  const fields = parseFields(options.fields);
  const format = formatOptions(options.locale, options.currency ?? 'USD');
  const heading = optionalText(options.heading, 'heading');
  const open = `<section>${heading ? `<h2>${text(heading)}</h2>` : ''}<ol>`;
  const row = (item: Record<string, unknown>) =>
    `<li><dl>${fields.map((f) => `<dt>${text(f.label)}</dt><dd>${text(formatField(readField(item, f.key), f.format, format))}</dd>`).join('')}</dl></li>`;
  return assemble(open, rows, row, '</ol></section>', maxBytes);
}

/**
 * What a `<wix-data-form>` asks for: its label as a heading and a list of its field labels. `fields` is the
 * element's `fields` attribute (JSON text) or the same list as an array. Throws a SessionError (`validation`)
 * with the element's own message when the fields are not valid.
 */
export function formSeoMarkup(fields: string | readonly unknown[], { label }: FormSeoOptions = {}): string {
  let specs;
  try {
    specs = parseFormFields(fields);
  } catch (error) {
    throw invalid((error as Error).message);
  }
  const heading = optionalText(label, 'label');
  const items = specs.map((f) => `<li>${text(f.label)}${f.required ? ' (required)' : ''}</li>`).join('');
  return `<section>${heading ? `<h2>${text(heading)}</h2>` : ''}<ul>${items}</ul></section>`;
}

/** `$w` as page code has it; each helper only needs the element a selector gives. */
export type SelectElement = (selector: string) => unknown;

/**
 * Sets `$w(selector).seoMarkup = html` and answers true when the element has that property (a Velo custom
 * element). Anything else, such as the demo's `$w` stand-in, is left alone and the answer is false.
 */
export function applySeoMarkup($w: SelectElement, selector: string, html: string): boolean {
  if (typeof html !== 'string') throw invalid('The SEO markup must be a string.');
  const element = $w(selector);
  if (typeof element !== 'object' || element === null) return false;
  const custom = 'seoMarkup' in element || (element as { type?: unknown }).type === '$w.CustomElement';
  if (custom) (element as { seoMarkup: string }).seoMarkup = html;
  return custom;
}
