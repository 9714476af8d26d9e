import { describe, expect, it } from "vitest";
import { ModelError } from "../../models/numeric/errors";

describe("models/errors", () => {
  it("carries a code and the terms at fault", () => {
    const e = new ModelError("perfect_separation", "x separates y", ["x"]);
    expect(e).toBeInstanceOf(Error);
    expect([e.code, e.terms[0]]).toEqual(["perfect_separation", "x"]);
  });
});
