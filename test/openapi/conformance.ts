import type { Middleware } from 'openapi-fetch';

/** The parts of an OpenAPI 3.0 document the conformance check reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
}

/**
 * Where `value` departs from `schema`: a missing required field, a field the document does not list,
 * a wrong type, null where the schema is not nullable, a value outside an enum. Empty when it conforms.
 */
export function violations(doc: OpenApiDocument, schema: Schema, value: unknown, at = '$'): string[] {
  // `nullable` beside an allOf (how @nestjs/swagger writes a nullable DTO-typed field) covers the whole.
  if (value === null && schema.nullable) return [];
  if (schema.$ref) return violations(doc, doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')], value, at);
  if (schema.allOf) return schema.allOf.flatMap((part) => violations(doc, part, value, at));
  if (value === null) return [`${at}: null, but the schema is not nullable`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected an object`];
      const record = value as Record<string, unknown>;
      const properties = schema.properties ?? {};
      const missing = (schema.required ?? []).filter((key) => record[key] === undefined).map((key) => `${at}.${key}: required, missing`);
      return [
        ...missing,
        ...Object.entries(record).flatMap(([key, v]) => {
          if (properties[key]) return v === undefined ? [] : violations(doc, properties[key], v, `${at}.${key}`);
          if (typeof schema.additionalProperties === 'object') return violations(doc, schema.additionalProperties, v, `${at}.${key}`);
          return schema.additionalProperties === true || !schema.properties ? [] : [`${at}.${key}: not in the document`];
        }),
      ];
    }
    case 'array':
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      return value.flatMap((item, i) => (schema.items ? violations(doc, schema.items, item, `${at}[${i}]`) : []));
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: expected an integer, got ${JSON.stringify(value)}`];
    case 'number':
    case 'string':
    case 'boolean':
      return typeof value === schema.type ? [] : [`${at}: expected a ${schema.type}, got ${JSON.stringify(value)}`];
    default:
      return [];
  }
}

/**
 * An openapi-fetch middleware that checks every response against the document: its status must be
 * documented for the operation, and its JSON body must conform to that response's schema (error
 * bodies included). A departure rejects the call with the list of problems.
 */
export function conformanceMiddleware(doc: OpenApiDocument): Middleware {
  return {
    async onResponse({ request, response, schemaPath }) {
      const where = `${request.method} ${schemaPath} → ${response.status}`;
      const documented = doc.paths[schemaPath]?.[request.method.toLowerCase()]?.responses[String(response.status)];
      if (!documented) throw new Error(`${where}: status not documented`);
      const schema = documented.content?.['application/json']?.schema;
      const text = await response.clone().text();
      if (!schema) {
        if (text !== '') throw new Error(`${where}: a body where the document says none: ${text.slice(0, 200)}`);
        return undefined;
      }
      const problems = violations(doc, schema, JSON.parse(text));
      if (problems.length > 0) throw new Error(`${where}: the body departs from the document:\n  ${problems.join('\n  ')}`);
      return undefined;
    },
  };
}
