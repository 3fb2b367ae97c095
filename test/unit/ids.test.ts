import { describe, expect, it } from "vitest";
import {
  InvitationId,
  OrganizationId,
  OrganizationInvitationId,
  SessionId,
  UserId,
} from "../../src/clerk/ids.js";

describe("ID schemas", () => {
  const table = [
    { schema: InvitationId, good: "inv_2abcXYZ09", prefix: "inv_" },
    { schema: OrganizationInvitationId, good: "orginv_2abcXYZ09", prefix: "orginv_" },
    { schema: OrganizationId, good: "org_2abcXYZ09", prefix: "org_" },
    { schema: UserId, good: "user_2abcXYZ09", prefix: "user_" },
    { schema: SessionId, good: "sess_2abcXYZ09", prefix: "sess_" },
  ];
  const crafted = [
    "/../../users/user_1/ban",
    "1/../../users/user_1/ban",
    "1#",
    "1?x=1",
    "1%2F..",
    "1 ",
    "1\n",
    "",
    "1/revoke",
    "1.",
    "1-2",
    "x".repeat(65),
  ];

  for (const { schema, good, prefix } of table) {
    it(`${prefix} accepts a well-formed ID`, () => {
      expect(schema.safeParse(good).success).toBe(true);
    });
    it.each(crafted)(`${prefix} refuses ${prefix}%s`, (suffix) => {
      expect(schema.safeParse(`${prefix}${suffix}`).success).toBe(false);
    });
    it(`${prefix} accepts the longest allowed body and says why a longer one is refused`, () => {
      expect(schema.safeParse(`${prefix}${"x".repeat(64)}`).success).toBe(true);
      const long = schema.safeParse(`${prefix}${"x".repeat(65)}`);
      expect(long.error?.issues[0]?.message).toMatch(/too long/);
    });
    it(`${prefix} refuses non-strings`, () => {
      for (const value of [42, { id: good }, null, undefined, [good]]) {
        expect(schema.safeParse(value).success).toBe(false);
      }
    });
  }

  it("names the kind when an organization invitation ID is given as an application one", () => {
    const result = InvitationId.safeParse("orginv_2abc");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/organization invitation/);
    expect(result.error?.issues[0]?.message).toMatch(/revoke_organization_invitation/);
  });
});
