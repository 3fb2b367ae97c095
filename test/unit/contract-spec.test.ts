import { describe, expect, it } from "vitest";
import { contractDecision, isCi } from "../helpers/openapi-spec.js";

/** The contract test skips on a clone without ../shared, and fails in CI, which always has it. */
describe("whether the OpenAPI contract test runs", () => {
  it("runs whenever the spec is there", () => {
    expect(contractDecision(true, false)).toBe("run");
    expect(contractDecision(true, true)).toBe("run");
  });

  it("skips on a user's clone without the spec", () => {
    expect(contractDecision(false, false)).toBe("skip");
  });

  it("fails in CI without the spec", () => {
    expect(contractDecision(false, true)).toBe("fail");
  });

  it("reads CI as CI services set it", () => {
    expect(isCi({ CI: "true" })).toBe(true);
    expect(isCi({ CI: "1" })).toBe(true);
    expect(isCi({})).toBe(false);
    expect(isCi({ CI: "" })).toBe(false);
    expect(isCi({ CI: "false" })).toBe(false);
    expect(isCi({ CI: "0" })).toBe(false);
  });
});
