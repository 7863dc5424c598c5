import * as v from 'valibot';
import { errors } from './errors.ts';

/** At most this many violations are listed, each field path and description cut to MAX_ECHO characters. */
export const MAX_VIOLATIONS = 20;
export const MAX_ECHO = 200;

/** valibot's messages quote the value they received: a megabyte string must not come back twice in the answer. */
const clip = (text: string) => (text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text);

/**
 * valibot's object and record schemas take an array for an object: `[]` passes as `{}`, its items never read. Wix's JSON
 * transcoding refuses a list where a message or a map is expected (400), so every object and map in a request is
 * declared with these instead.
 */
const NOT_A_LIST = 'Invalid type: Expected Object but received Array';
const notAList = <T>() => v.custom<T>((input) => !Array.isArray(input), NOT_A_LIST);

export const plainObject = <const E extends v.ObjectEntries>(entries: E, message?: v.ErrorMessage<v.ObjectIssue>) =>
  v.pipe(notAList<v.InferInput<v.ObjectSchema<E, undefined>>>(), v.object(entries, message));

export const strictPlainObject = <const E extends v.ObjectEntries>(entries: E, message?: v.ErrorMessage<v.StrictObjectIssue>) =>
  v.pipe(notAList<v.InferInput<v.StrictObjectSchema<E, undefined>>>(), v.strictObject(entries, message));

export const plainRecord = <K extends Parameters<typeof v.record>[0], V extends v.GenericSchema>(key: K, value: V) =>
  v.pipe(notAList<v.InferInput<v.RecordSchema<K, V, undefined>>>(), v.record(key, value));

/** Parses a request body with a valibot schema; failures become a Wix validationError (400). */
export function parseBody<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const fieldViolations = result.issues.slice(0, MAX_VIOLATIONS).map((issue) => ({
    field: clip(v.getDotPath(issue) ?? '(body)'),
    description: clip(issue.message),
    violatedRule: issue.type.toUpperCase(),
  }));
  const first = fieldViolations[0]!;
  throw errors.validation(`Invalid request: ${first.field}: ${first.description}`, fieldViolations);
}
