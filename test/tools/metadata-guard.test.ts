import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, textOf } from "../helpers/harness.js";

/**
 * Metadata keys are never silently dropped, and metadata is bounded before any request:
 * `__proto__`, `constructor` and `prototype` are refused at any depth, with the path named;
 * nesting deeper than 32 levels and JSON over 8 KB per metadata kind are refused with the limit
 * named. Every refusal leaves the emulator's request log empty and no prototype polluted.
 */

const ORG = "org_acme000001";
const USER = "user_ada0000001";

/** Every tool argument that takes metadata, with the rest of a valid call. */
const METADATA_ARGS: Array<[tool: string, arg: string, base: Record<string, unknown>]> = [
  ["update_user_metadata", "public_metadata", { user_id: USER }],
  ["update_user_metadata", "private_metadata", { user_id: USER }],
  ["update_user_metadata", "unsafe_metadata", { user_id: USER }],
  ["update_organization_metadata", "public_metadata", { organization_id: ORG }],
  ["update_organization_metadata", "private_metadata", { organization_id: ORG }],
  ["create_invitation", "public_metadata", { email_address: "new@example.com" }],
  ["create_invitations", "public_metadata", { email_addresses: ["new@example.com"] }],
  [
    "create_organization_invitation",
    "public_metadata",
    { organization_id: ORG, email_address: "new@example.com", role: "org:member" },
  ],
  [
    "create_organization_invitation",
    "private_metadata",
    { organization_id: ORG, email_address: "new@example.com", role: "org:member" },
  ],
];

function deep(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

const withOwnKey = (key: string) => {
  const o: Record<string, unknown> = { ok: 1 };
  Object.defineProperty(o, key, { value: { polluted: true }, enumerable: true });
  return o;
};

const BAD: Array<[label: string, value: () => unknown, message: RegExp]> = [
  [
    "top-level __proto__ (JSON.parse)",
    () => JSON.parse('{"__proto__":{"polluted":true},"ok":1}'),
    /__proto__, constructor or prototype are refused.* at \w+_metadata\.__proto__$/s,
  ],
  [
    "top-level __proto__ (defineProperty)",
    () => withOwnKey("__proto__"),
    /refused.* at \w+_metadata\.__proto__$/s,
  ],
  [
    "nested __proto__",
    () => JSON.parse('{"a":{"b":[{"__proto__":{"polluted":true}}]}}'),
    /refused.* at \w+_metadata\.a\.b\[0\]\.__proto__$/s,
  ],
  [
    "constructor",
    () => ({ a: { constructor: { prototype: 1 } } }),
    /at \w+_metadata\.a\.constructor$/,
  ],
  ["prototype", () => ({ prototype: 1 }), /at \w+_metadata\.prototype$/],
  ["nested 5,000 levels deep", () => deep(5_000), /deeper than 32 levels/],
  ["nested 33 levels deep", () => deep(32), /deeper than 32 levels/],
  ["over 8 KB", () => ({ big: "x".repeat(8 * 1024) }), /over Clerk's limit of 8 KB \(8192 bytes\)/],
];

describe("metadata is refused before any request when it cannot be sent as given", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      seed: {
        users: [{ id: USER, email_address: "ada@example.com" }],
        organizations: [{ id: ORG, name: "Acme", slug: "acme", members: [] }],
      },
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.emu.clearRequests());

  const cases = METADATA_ARGS.flatMap(([tool, arg, base]) =>
    BAD.map(
      ([label, value, message]) =>
        [`${tool} ${arg}: ${label}`, tool, arg, base, value, message] as const,
    ),
  );
  it.each(cases)("%s", async (_label, tool, arg, base, value, message) => {
    const result = await h.call(tool, { ...base, [arg]: value() });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(message);
    expect(textOf(result)).toMatch(/Nothing was sent to Clerk/);
    expect(h.emu.requests).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(METADATA_ARGS)("control: %s %s at the limits reaches Clerk", async (tool, arg, base) => {
    // 31 nestings under the top level: 32 levels. 8 KB exactly, counting the braces and key.
    const big = { b: "x".repeat(8 * 1024 - '{"b":""}'.length) };
    for (const value of [deep(31), big]) {
      h.emu.clearRequests();
      const result = await h.call(tool, { ...base, [arg]: value });
      expect(textOf(result)).not.toMatch(/Nothing was sent to Clerk/);
      expect(h.emu.requests.length).toBeGreaterThan(0);
    }
  });
});
