/**
 * The data form's fields: the `fields` attribute schema, and the same reading, validation and reset for the
 * controls it renders and for slotted native controls (`<input name>`, `<select name>`, `<textarea name>`).
 */

export const FIELD_TYPES = ['text', 'textarea', 'email', 'number', 'date', 'checkbox', 'select', 'url', 'tel'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldOption {
  value: string;
  label: string;
}

/** One entry of the `fields` attribute, checked and with defaults filled in. */
export interface FieldSpec {
  field: string;
  type: FieldType;
  label: string;
  required: boolean;
  /** Number or date (YYYY-MM-DD) bounds, as the input's attributes take them. */
  min?: string;
  max?: string;
  step?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  options?: FieldOption[];
  placeholder?: string;
  /** A hint shown under the field (and read with it). */
  help?: string;
  /** Shown instead of the built-in message when the value has the wrong format or range. */
  message?: string;
  /** The initial value (true/false for a checkbox). */
  value?: string | boolean;
}

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A named value of the item: one control, or a group (radios, same-name checkboxes). */
export interface Entry {
  name: string;
  controls: Control[];
  spec?: FieldSpec | undefined;
}

export type ItemValue = string | number | boolean | string[];

export interface Problem {
  entry: Entry;
  control: Control;
  flag: keyof ValidityStateFlags;
  message: string;
}

/** A collection field key the form may write: no system field (`_id`…), no `$` or `.` (the SDK warns on those). */
const FIELD_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_FIELDS = 100;
const MAX_OPTIONS = 500;
const MAX_TEXT = 1000;

const fail = (message: string): never => {
  throw new Error(message);
};

function text(raw: unknown, where: string, name: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' && typeof raw !== 'number') return fail(`${where}: ${name} must be a string.`);
  return String(raw).slice(0, MAX_TEXT);
}

function count(raw: unknown, where: string, name: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  return Number.isSafeInteger(raw) && (raw as number) >= 0 ? (raw as number) : fail(`${where}: ${name} must be a whole number.`);
}

function option(raw: unknown, where: string): FieldOption {
  if (typeof raw === 'string' || typeof raw === 'number') return { value: String(raw), label: String(raw) };
  const value = raw instanceof Object ? text((raw as Record<string, unknown>)['value'], where, 'an option value') : undefined;
  if (value === undefined) return fail(`${where}: each option is a string or { "value", "label" }.`);
  return { value, label: text((raw as Record<string, unknown>)['label'], where, 'an option label') ?? value };
}

function spec(raw: unknown, index: number, seen: Set<string>): FieldSpec {
  const where = `Field ${index + 1}`;
  if (!(raw instanceof Object) || Array.isArray(raw)) return fail(`${where} must be an object like {"field":"email","type":"email"}.`);
  const r = raw as Record<string, unknown>;
  const field = r['field'];
  if (typeof field !== 'string' || !FIELD_KEY.test(field))
    return fail(`${where}: "field" must be a collection field key (letters, digits, _; starting with a letter).`);
  if (seen.has(field)) return fail(`${where}: the field "${field}" appears twice.`);
  seen.add(field);
  const type = (r['type'] ?? 'text') as FieldType;
  if (!FIELD_TYPES.includes(type)) return fail(`${where}: "type" must be one of ${FIELD_TYPES.join(', ')}.`);
  const out: FieldSpec = { field, type, label: text(r['label'], where, 'label') || field, required: r['required'] === true };
  for (const key of ['min', 'max', 'step', 'placeholder', 'help', 'message'] as const) {
    const value = text(r[key], where, key);
    if (value !== undefined) out[key] = value;
  }
  for (const key of ['minLength', 'maxLength'] as const) {
    const value = count(r[key], where, key);
    if (value !== undefined) out[key] = value;
  }
  const pattern = text(r['pattern'], where, 'pattern');
  if (pattern !== undefined) {
    try {
      new RegExp(`^(?:${pattern})$`, 'v'); // as the browser compiles an input's pattern
    } catch {
      return fail(`${where}: "pattern" is not a valid regular expression.`);
    }
    out.pattern = pattern;
  }
  if (type === 'select') {
    const options = r['options'];
    if (!Array.isArray(options) || options.length === 0 || options.length > MAX_OPTIONS)
      return fail(`${where}: a select needs "options", a list of 1 to ${MAX_OPTIONS} values.`);
    out.options = options.map((o) => option(o, where));
  }
  const value = r['value'];
  if (typeof value === 'boolean' || value === undefined) {
    if (value !== undefined) out.value = value;
  } else out.value = text(value, where, 'value')!;
  return out;
}

/**
 * Reads the `fields` attribute (JSON text) or property (an array). Throws an Error whose message says, in plain
 * words, what is wrong and where; the element shows it as its config-error state.
 */
export function parseFields(input: unknown): FieldSpec[] {
  let raw = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (error) {
      fail(`The fields attribute is not valid JSON (${(error as Error).message}).`);
    }
  }
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_FIELDS) {
    fail(`The fields attribute must be a JSON list of 1 to ${MAX_FIELDS} fields, like [{"field":"email","type":"email","label":"Email"}].`);
  }
  const seen = new Set<string>();
  return (raw as unknown[]).map((r, i) => spec(r, i, seen));
}

const SKIPPED = new Set(['submit', 'button', 'reset', 'image', 'file']);

/** The slotted controls with a name, grouped by name in document order (radios and same-name checkboxes share one entry). */
export function slottedEntries(host: Element): Entry[] {
  const groups = new Map<string, Entry>();
  for (const control of host.querySelectorAll<Control>('input[name], select[name], textarea[name]')) {
    if (SKIPPED.has(control.type) || !FIELD_KEY.test(control.name)) continue;
    const entry = groups.get(control.name) ?? { name: control.name, controls: [] };
    entry.controls.push(control);
    groups.set(control.name, entry);
  }
  return [...groups.values()];
}

const isInput = (c: Control): c is HTMLInputElement => c instanceof HTMLInputElement;

/** The value the item gets for an entry; `undefined` leaves the field out of the item. */
export function valueOf({ controls }: Entry): ItemValue | undefined {
  const first = controls[0]!;
  if (isInput(first) && first.type === 'radio') return controls.find((c) => (c as HTMLInputElement).checked)?.value;
  if (isInput(first) && first.type === 'checkbox') {
    return controls.length === 1 ? first.checked : controls.filter((c) => (c as HTMLInputElement).checked).map((c) => c.value);
  }
  if (first instanceof HTMLSelectElement && first.multiple) return [...first.selectedOptions].map((o) => o.value);
  if (isInput(first) && (first.type === 'number' || first.type === 'range'))
    return first.value === '' || Number.isNaN(first.valueAsNumber) ? undefined : first.valueAsNumber;
  return first.value.trim() === '' ? undefined : first.value;
}

const FLAGS = [
  'valueMissing',
  'typeMismatch',
  'badInput',
  'patternMismatch',
  'tooShort',
  'tooLong',
  'rangeUnderflow',
  'rangeOverflow',
  'stepMismatch',
  'customError',
] as const;

function messageFor(flag: (typeof FLAGS)[number], control: Control, spec: FieldSpec | undefined): string {
  const type = control.type;
  const custom = spec?.message ?? control.dataset['message'] ?? (control.title || undefined);
  if (flag === 'valueMissing')
    return type === 'checkbox'
      ? 'Check this box to continue.'
      : type === 'radio' || control instanceof HTMLSelectElement
        ? 'Choose an option.'
        : 'Fill in this field.';
  if (custom) return custom;
  const input = control as HTMLInputElement;
  switch (flag) {
    case 'typeMismatch':
      return type === 'email'
        ? 'Enter an email address, like name@example.com.'
        : type === 'url'
          ? 'Enter a web address, like https://example.com.'
          : 'Enter a valid value.';
    case 'badInput':
      return type === 'number' ? 'Enter a number.' : 'Enter a valid value.';
    case 'patternMismatch':
      return 'Use the format asked for.';
    case 'tooShort':
      return `Enter at least ${input.minLength} characters.`;
    case 'tooLong':
      return `Enter at most ${input.maxLength} characters.`;
    case 'rangeUnderflow':
      return type === 'date' ? `Choose ${input.min} or later.` : `Enter ${input.min} or more.`;
    case 'rangeOverflow':
      return type === 'date' ? `Choose ${input.max} or earlier.` : `Enter ${input.max} or less.`;
    case 'stepMismatch':
      return input.step === '1' || input.step === '' ? 'Enter a whole number.' : `Enter a multiple of ${input.step}.`;
    default:
      return control.validationMessage || 'Enter a valid value.';
  }
}

/**
 * What is wrong with an entry, if anything: the browser's own constraint validation (required, type, pattern,
 * min/max, length, step), plus what it skips: a blank-only required text, and lengths of values set by script.
 */
export function problemOf(entry: Entry): Problem | undefined {
  for (const control of entry.controls) {
    if (control.disabled) continue;
    const flag = FLAGS.find((f) => control.validity[f]);
    if (flag) return { entry, control, flag, message: messageFor(flag, control, entry.spec) };
    if (isInput(control) && /^(checkbox|radio)$/.test(control.type)) continue;
    const { value } = control;
    const length =
      (control as HTMLInputElement).minLength > 0 && value !== '' && value.length < (control as HTMLInputElement).minLength ? 'tooShort' : undefined;
    const extra =
      control.required && value.trim() === ''
        ? 'valueMissing'
        : (length ?? ((control as HTMLInputElement).maxLength >= 0 && value.length > (control as HTMLInputElement).maxLength ? 'tooLong' : undefined));
    if (extra) return { entry, control, flag: extra, message: messageFor(extra, control, entry.spec) };
  }
  return undefined;
}

/** Puts a control back to its initial value (the `value`/`checked`/`selected` it was rendered or written with). */
export function resetControl(control: Control): void {
  if (control instanceof HTMLSelectElement) {
    for (const o of control.options) o.selected = o.defaultSelected;
    if (!control.multiple && ![...control.options].some((o) => o.defaultSelected)) control.selectedIndex = control.options.length ? 0 : -1;
  } else if (isInput(control) && /^(checkbox|radio)$/.test(control.type)) control.checked = control.defaultChecked;
  else control.value = control.defaultValue;
}
