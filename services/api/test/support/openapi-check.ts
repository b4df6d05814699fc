/* eslint-disable @typescript-eslint/no-explicit-any -- replies are JSON of many shapes; tests assert on them field by field */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

type Json = Record<string, any>;

/**
 * Checks responses against the API's own OpenAPI document: the status must be documented for
 * the operation, and a JSON body must match the documented schema. Every test reply goes
 * through it, so the document cannot drift from what the API does.
 */
export class OpenApiCheck {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; regex: RegExp; params: number }[];
  readonly checked: string[] = [];

  constructor(private readonly doc: Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.ajv);
    this.ajv.addSchema(doc, 'openapi');
    this.templates = Object.keys(doc.paths).map((template) => ({
      template,
      regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
    }));
  }

  operation(method: string, path: string): { template: string; op: Json } | null {
    const pathname = path.split('?')[0]!;
    const matches = this.templates.filter((t) => t.regex.test(pathname)).sort((a, b) => a.params - b.params);
    for (const m of matches) {
      const op = this.doc.paths[m.template][method.toLowerCase()];
      if (op) return { template: m.template, op };
    }
    return null;
  }

  /** Throws with the reason when the reply is not what the document says. */
  check(method: string, path: string, status: number, contentType: string, body: unknown): void {
    const found = this.operation(method, path);
    if (!found) throw new Error(`${method} ${path}: not in the OpenAPI document`);
    const responses = found.op.responses as Json;
    const key =
      String(status) in responses
        ? String(status)
        : `${String(status)[0]}XX` in responses
          ? `${String(status)[0]}XX`
          : 'default';
    const response = responses[key];
    if (!response) throw new Error(`${method} ${found.template}: status ${status} is not documented`);
    if (!response.content) return;
    const media = contentType.split(';')[0]!.trim();
    if (!(media in response.content)) {
      throw new Error(`${method} ${found.template} ${status}: content type ${media} is not documented`);
    }
    if (!media.includes('json')) return;
    const pointer = `${found.template}|${method}|${key}|${media}`;
    let validate = this.cache.get(pointer);
    if (!validate) {
      const escaped = found.template.replace(/~/g, '~0').replace(/\//g, '~1');
      validate = this.ajv.compile({
        $ref: `openapi#/paths/${escaped}/${method.toLowerCase()}/responses/${key}/content/${media.replace(/\//g, '~1')}/schema`,
      });
      this.cache.set(pointer, validate);
    }
    if (!validate(body)) {
      throw new Error(
        `${method} ${found.template} ${status}: body does not match the document: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
      );
    }
    this.checked.push(`${method} ${found.template} ${status}`);
  }
}
