import { formatCell, FORMATS, type FormatOptions, type ValueFormat } from '../core/format.ts';
import { checkField, invalid, parseFieldList, parseSort, readField, splitItem, splitList } from '../core/grammar.ts';

export { checkField, parseFieldList, readField } from '../core/grammar.ts';
// One formatter for the table, the list and the SEO markup (core/format.ts): the table's types are its formats, `id` included.
export { formatCell, formatCount, prepareFormats, type FormatOptions } from '../core/format.ts';

/** How a column's values are shown (core/format.ts). `auto` decides from the value itself; `id` is a number never grouped. */
export const COLUMN_TYPES = FORMATS;
export type ColumnType = ValueFormat;

export interface ColumnSpec {
  field: string;
  label: string;
  type: ColumnType;
  sortable: boolean;
  /** The column's width (`width=12rem` in the `columns` attribute): a CSS length, fixed. */
  width?: string;
  /** The column's least width (`min-width=8rem`): it may grow from there, never shrink below. */
  minWidth?: string;
}

export interface FilterChip {
  label: string;
  filter: Record<string, unknown>;
  /** Chips in one group are alternatives (OR); groups narrow each other (AND). */
  group: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value == 'object' && value !== null && !Array.isArray(value);
const TYPES = new Set<string>(COLUMN_TYPES);

/** The units a column's `width` / `min-width` may use, and each one's bounds (1rem to 120rem at the default 16px). */
const LENGTH_BOUNDS = new Map<string, [number, number]>([
  ['px', [16, 1920]],
  ['rem', [1, 120]],
  ['em', [1, 120]],
  ['ch', [2, 240]],
]);

/** A column length option: a plain CSS length in px, rem, em or ch, within bounds; nothing else reaches a style. */
export function checkLength(value: string, option: string, field: string): string {
  const match = /^(\d{1,4}(?:\.\d{1,2})?)(px|rem|em|ch)$/.exec(value);
  const bounds = match ? LENGTH_BOUNDS.get(match[2]!) : undefined;
  const amount = match ? Number(match[1]) : NaN;
  if (!match || !bounds || amount < bounds[0] || amount > bounds[1])
    throw invalid(`Column ${option} "${value.slice(0, 20)}" for ${field}: use a length in px, rem, em or ch, from 1rem (16px) to 120rem (1920px).`);
  return `${amount}${match[2]}`;
}

/**
 * `columns="title:Product, price:Price:currency, createdDate:Added:date, photo::image, note:Note:text:width=20rem"`:
 * field, optional label, optional type, then optional `width=` and `min-width=` (CSS lengths). Images and references
 * are not sortable; `sortable` (a field list) narrows the rest.
 */
export function parseColumns(value: string, sortable: string): ColumnSpec[] {
  const sortableFields = sortable.trim() ? new Set(parseFieldList(sortable, 'sortable')) : undefined;
  const parts = splitList(value);
  if (parts.length === 0) parts.push('title:Title');
  if (parts.length > 30) throw invalid('A table shows at most 30 columns.');
  return parts.map((part) => {
    const [rawField = '', rawLabel = '', rawType = 'auto', ...options] = splitItem(part);
    const field = checkField(rawField, 'columns');
    const type = (rawType || 'auto').toLowerCase();
    if (!TYPES.has(type)) throw invalid(`Unknown column type "${type.slice(0, 20)}" for ${field}; use one of ${COLUMN_TYPES.join(', ')}.`);
    const fixed = type === 'image' || type === 'reference';
    const spec: ColumnSpec = { field, label: rawLabel || field, type: type as ColumnType, sortable: !fixed && (sortableFields?.has(field) ?? true) };
    if (options.length > 2) throw invalid(`Column ${field} has more than two options; use width= and min-width=.`);
    for (const option of options) {
      const equals = option.indexOf('=');
      const name = equals < 0 ? option : option.slice(0, equals).trim();
      const length = equals < 0 ? '' : option.slice(equals + 1).trim();
      if (name === 'width' && spec.width === undefined) spec.width = checkLength(length, name, field);
      else if (name === 'min-width' && spec.minWidth === undefined) spec.minWidth = checkLength(length, name, field);
      else throw invalid(`Unknown or repeated column option "${name.slice(0, 20)}" for ${field}; use width= and min-width= once each.`);
    }
    return spec;
  });
}

/** `sort="price:desc"`: the table sorts by one column at a time, the first of the grammar's sort list. */
export function parseTableSort(value: string): { field: string; order: 'ASC' | 'DESC' } | undefined {
  const [first] = parseSort(value);
  return first && { field: first.fieldName, order: first.order };
}

/** `filters='[{"label":"Tents","filter":{"category":"Tents"},"group":"category"}]'`: the filter chips. */
export function parseChips(value: string): FilterChip[] {
  if (!value.trim()) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // Reported below.
  }
  if (!Array.isArray(parsed) || parsed.length > 50)
    throw invalid('The filters attribute must be a JSON array of at most 50 { label, filter, group? } objects.');
  return parsed.map((chip, index) => {
    if (
      !isObject(chip) ||
      typeof chip['label'] != 'string' ||
      !chip['label'] ||
      !isObject(chip['filter']) ||
      (chip['group'] !== undefined && typeof chip['group'] != 'string')
    ) {
      throw invalid(`Filter chip ${index + 1} needs a label (text) and a filter (a JSON object).`);
    }
    return { label: chip['label'], filter: chip['filter'], group: (chip['group'] as string | undefined) ?? '' };
  });
}

/** ANDs the parts that are set; undefined when none is. */
export function allOf(parts: (Record<string, unknown> | undefined)[]): Record<string, unknown> | undefined {
  const set = parts.filter((p): p is Record<string, unknown> => p !== undefined);
  return set.length > 1 ? { $and: set } : set[0];
}

/** ORs the parts; undefined when there are none. */
export function anyOf(parts: Record<string, unknown>[]): Record<string, unknown> | undefined {
  return parts.length > 1 ? { $or: parts } : parts[0];
}

/** The server-side search: any of the fields contains the text (case-insensitive on Wix). */
export function searchFilter(text: string, fields: string[]): Record<string, unknown> | undefined {
  const query = text.trim();
  if (!query || fields.length === 0) return undefined;
  return anyOf(fields.map((field) => ({ [field]: { $contains: query } })));
}

/** The active chips as one filter: OR within a group, AND across groups. */
export function chipsFilter(chips: FilterChip[], active: ReadonlySet<number>): Record<string, unknown> | undefined {
  const groups = new Map<string, Record<string, unknown>[]>();
  chips.forEach((chip, index) => {
    if (active.has(index)) groups.set(chip.group, [...(groups.get(chip.group) ?? []), chip.filter]);
  });
  return allOf([...groups.values()].map(anyOf));
}

/** A Wix media image (`wix:image://v1/<id>/<name>#...`) or an https URL, as a URL a browser can load. */
export function imageSource(value: unknown): { src: string; alt: string } | undefined {
  if (typeof value != 'string') return undefined;
  const media = /^wix:image:\/\/v1\/([\w.~-]+)\/([^#?]*)/.exec(value);
  if (media) {
    let name = media[2] ?? '';
    try {
      name = decodeURIComponent(name);
    } catch {
      // A malformed name is shown as it is.
    }
    return { src: `https://static.wixstatic.com/media/${media[1]}`, alt: name.replace(/\.[a-z0-9]+$/i, '') };
  }
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return { src: url.href, alt: '' };
  } catch {
    // Not a URL: not an image.
  }
  return undefined;
}

/** An https or http link, or undefined (never `javascript:` and the like). */
export function linkHref(value: unknown): string | undefined {
  if (typeof value != 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The type a cell is drawn as: an `auto` column shows Wix media as images and https links as links. */
export function cellKind(value: unknown, type: ColumnType): 'image' | 'url' | 'boolean' | 'number' | 'text' {
  if (type === 'image' || (type === 'auto' && typeof value == 'string' && value.startsWith('wix:image://'))) return 'image';
  if (type === 'url') return 'url';
  if (type === 'boolean' || (type === 'auto' && typeof value == 'boolean')) return 'boolean';
  if (type === 'number' || type === 'currency' || type === 'percent' || (type === 'auto' && typeof value == 'number')) return 'number';
  return 'text';
}

/** How a column is laid out: its grid track, the least width it takes, and which side its cells align to. */
export interface ColumnTrack {
  track: string;
  least: string;
  align: 'start' | 'end';
}

/** A column's track bounds in characters (ch) by what it shows, and whether it takes the free width of a wide table. */
const TRACKS = {
  number: { min: 4, max: 16, flex: false, align: 'end' },
  date: { min: 6, max: 22, flex: false, align: 'end' },
  boolean: { min: 4, max: 10, flex: false, align: 'start' },
  image: { min: 3, max: 3, flex: false, align: 'start' },
  text: { min: 6, max: 28, flex: true, align: 'start' },
} as const;

/** Rows a column's width is judged from (the first page's first rows). */
const SAMPLE_ROWS = 50;
/** A cell's inline padding (0.75rem each side, data-table.styles.ts). */
const PADDING = '1.5rem';

/** What a column holds: its type, or for `auto` the first value the sample has. */
function trackKind(column: ColumnSpec, sample: readonly Record<string, unknown>[]): keyof typeof TRACKS {
  if (column.type === 'date' || column.type === 'datetime') return 'date';
  const value = sample.map((row) => readField(row, column.field)).find((v) => v !== null && v !== undefined && v !== '');
  if (column.type === 'auto' && value instanceof Date) return 'date';
  const kind = cellKind(value, column.type);
  return kind === 'url' ? 'text' : kind;
}

/**
 * Each column's grid track, from its type and its content: numbers, dates and booleans as wide as their widest value
 * in the sample (or their label), right-aligned where they are numbers or dates; text as wide as its content within
 * bounds, taking a share of the free width of a wide table in proportion to it. `width=` fixes a column; `min-width=`
 * sets its least width and lets it grow. No layout is read: widths are in `ch` of the element's font.
 */
export function columnTracks(columns: readonly ColumnSpec[], sample: readonly Record<string, unknown>[], format: FormatOptions): ColumnTrack[] {
  const rows = sample.slice(0, SAMPLE_ROWS);
  return columns.map((column) => {
    const kind = trackKind(column, rows);
    const bounds = TRACKS[kind];
    // A header is bold and may carry the sort arrow: about 1.1ch a character, 2ch for the arrow.
    const label = Math.ceil(Math.min(column.label.length, 40) * 1.1) + (column.sortable ? 2 : 0);
    let content = 0;
    if (kind !== 'image') {
      for (const row of rows) {
        const text = formatCell(readField(row, column.field), column.type, format);
        content = Math.max(content, Math.min(text.length, bounds.max) + (kind === 'boolean' ? 2 : 0));
      }
    }
    const chars = Math.min(Math.max(bounds.min, content, Math.min(label, TRACKS.text.max)), Math.max(bounds.max, Math.min(label, TRACKS.text.max)));
    const natural = kind === 'image' ? `max(4.5rem, calc(${Math.min(label, TRACKS.text.max)}ch + ${PADDING}))` : `calc(${chars}ch + ${PADDING})`;
    const least = column.minWidth ?? natural;
    if (column.width) {
      const width = column.minWidth ? `max(${column.width}, ${column.minWidth})` : column.width;
      return { track: width, least: width, align: bounds.align };
    }
    const flex = bounds.flex || column.minWidth !== undefined;
    return { track: flex ? `minmax(${least}, ${chars}fr)` : least, least, align: bounds.align };
  });
}
