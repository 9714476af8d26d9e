import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import app from "../../worker/index";

// The OpenAPI document is generated from the zod route schemas without touching bindings,
// so the Hono app can serve it in Node, where the validator (which reads its JSON schemas
// from disk) runs.
describe("/api/openapi.json", () => {
  it("validates against the official OpenAPI 3.1 JSON schema", async () => {
    const res = await app.request("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string };
    expect(doc.openapi).toBe("3.1.0");
    const validator = new Validator();
    const result = await validator.validate(doc as object);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });
  it("the validator does reject a broken 3.1 document (so the check above can fail)", async () => {
    const result = await new Validator().validate({ openapi: "3.1.0", paths: { "/x": { get: { responses: "nope" } } } });
    expect(result.valid).toBe(false);
  });
});
