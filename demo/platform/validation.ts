import * as v from 'valibot';
import { errors } from './errors.ts';

/** Parses a request body with a valibot schema; failures become a Wix validationError (400). */
export function parseBody<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const fieldViolations = result.issues.slice(0, 20).map((issue) => ({
    field: v.getDotPath(issue) ?? '(body)',
    description: issue.message,
    violatedRule: issue.type.toUpperCase(),
  }));
  const first = fieldViolations[0]!;
  throw errors.validation(`Invalid request: ${first.field}: ${first.description}`, fieldViolations);
}
