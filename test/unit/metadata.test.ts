import { describe, expect, it } from "vitest";
import { describeLosses, metadataChanges } from "../../src/tools/metadata.js";

describe("metadataChanges (Clerk's deep merge)", () => {
  const current = { plan: "free", billing: { seats: 3, card: "visa" }, tags: ["a"] };

  it.each([
    ["a new key is added", { region: "eu" }, [{ path: "m.region", kind: "added" }]],
    ["an equal value changes nothing", { plan: "free", tags: ["a"] }, []],
    ["a different value is changed", { plan: "pro" }, [{ path: "m.plan", kind: "changed" }]],
    ["null removes a held key", { plan: null }, [{ path: "m.plan", kind: "removed" }]],
    ["null on a missing key does nothing", { nope: null }, []],
    [
      "objects merge key by key",
      { billing: { seats: 5, vat: "x" } },
      [
        { path: "m.billing.seats", kind: "changed" },
        { path: "m.billing.vat", kind: "added" },
      ],
    ],
    ["arrays replace as a whole", { tags: ["a", "b"] }, [{ path: "m.tags", kind: "changed" }]],
    [
      "an object over a scalar replaces it",
      { plan: { id: 1 } },
      [{ path: "m.plan", kind: "changed" }],
    ],
  ])("%s", (_name, patch, expected) => {
    expect(metadataChanges(current, patch, "m")).toEqual(expected);
  });

  it("reads null current metadata as empty", () => {
    expect(metadataChanges(null, { a: 1, b: null }, "m")).toEqual([{ path: "m.a", kind: "added" }]);
  });
});

describe("describeLosses", () => {
  it("is undefined when the patch only adds", () => {
    expect(describeLosses([{ path: "m.a", kind: "added" }])).toBeUndefined();
  });

  it("names overwritten and removed paths, capped", () => {
    const changes = [
      ...["a", "b", "c"].map((k) => ({ path: `m.${k}`, kind: "changed" as const })),
      { path: "m.z", kind: "removed" as const },
    ];
    expect(describeLosses(changes, 2)).toBe("overwrites m.a, m.b and 1 more; removes m.z");
  });
});
