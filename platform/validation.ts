import * as v from 'valibot';
import { errors } from './errors.ts';

/** At most this many violations are listed, each field path and description cut to MAX_ECHO characters. */
export const MAX_VIOLATIONS = 20;
export const MAX_ECHO = 200;

/** valibot's messages quote the value they received: a megabyte string must not come back twice in the answer. */
const clip = (text: string) => (text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text);

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
