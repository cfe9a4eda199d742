/**
 * Whether an answer is one the OpenAPI document promises: its status is listed for the
 * operation, its content type is listed for that status, and its body is valid against the
 * schema listed for that status and content type.
 *
 * Schemas are checked with @cfworker/json-schema, which interprets them (workerd forbids the code
 * generation that Ajv's compiled validators need). The whole document is added once under its
 * own URI, so every `$ref` (`#/components/schemas/…`) resolves as in the document itself.
 */
import { Validator } from "@cfworker/json-schema";
import type { JsonSchema, Operation } from "./fuzz-requests.ts";
import type { Answer } from "./spec-client.ts";

const DOC_URI = "https://glucolens.test/openapi.json";

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

const isJson = (type: string) => /^application\/(.+\+)?json$/.test(type);

export class ResponseChecker {
  private readonly validators = new Map<string, Validator>();
  /** Bodies validated against a schema, by operation. */
  validated = 0;

  constructor(private readonly doc: JsonSchema) {}

  private validator(op: Operation, status: string, type: string): Validator {
    const at = `#/${pointer("paths", op.path, op.method.toLowerCase(), "responses", status, "content", type, "schema")}`;
    let v = this.validators.get(at);
    if (!v) {
      v = new Validator({ $ref: DOC_URI + at }, "2020-12", false);
      v.addSchema(this.doc as never, DOC_URI);
      this.validators.set(at, v);
    }
    return v;
  }

  /** Why the answer breaks the document, or null. */
  check(op: Operation, res: Answer): string | null {
    const status = String(res.status);
    const key = status in op.responses ? status : `${status[0]}XX` in op.responses ? `${status[0]}XX` : "default" in op.responses ? "default" : null;
    if (!key) return `status ${status} is not listed (listed: ${Object.keys(op.responses).join(", ")}): ${res.text.slice(0, 200)}`;
    const content = op.responses[key]!.content as Record<string, { schema?: JsonSchema }> | undefined;
    if (!content) return res.text.length ? `status ${status} lists no body but got ${res.type}: ${res.text.slice(0, 120)}` : null;
    const type = res.type.split(";")[0]!.trim().toLowerCase();
    const listed = type in content ? type : "*/*" in content ? "*/*" : null;
    if (!listed) return `status ${status}: content type ${res.type || "(none)"} is not listed (listed: ${Object.keys(content).join(", ")})`;
    const schema = content[listed]!.schema;
    if (!schema || Object.keys(schema).length === 0) return `status ${status} ${listed}: the document lists an empty schema`;
    let body: unknown = res.text;
    if (isJson(type)) {
      try {
        body = JSON.parse(res.text);
      } catch {
        return `status ${status}: ${type} body is not JSON: ${res.text.slice(0, 120)}`;
      }
    }
    this.validated++;
    const result = this.validator(op, key, listed).validate(body);
    if (result.valid) return null;
    const errors = result.errors.filter((e) => !/^(Instance does not match|A subschema had errors)/.test(e.error));
    return `status ${status} ${listed}: body does not match the schema: ${(errors.length ? errors : result.errors)
      .slice(0, 3)
      .map((e) => `${e.instanceLocation} ${e.error}`)
      .join("; ")} — ${res.text.slice(0, 200)}`;
  }
}
