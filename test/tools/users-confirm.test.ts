import { type ElicitRequest, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, type HarnessOptions, startHarness, textOf } from "../helpers/harness.js";

/**
 * update_user_metadata asks only when the patch would overwrite or remove something, naming the
 * user and the paths; ban_user asks naming the user unless they are already banned. A user
 * Clerk says does not exist (404 on GET /v1/users/{id}) is not asked about: the call fails with
 * Clerk's not-found error. unban_user, not destructive, never asks.
 */

const GHOST = "user_ghost000001";
/** The emulator's log as "METHOD /path status", without queries. */
const seen = (hh: Harness) =>
  hh.emu.requests.map((r) => `${r.method} ${r.path.split("?")[0]} ${r.status}`);

const ADA = "user_ada0000001";
const SEED: HarnessOptions["seed"] = {
  users: [
    {
      id: ADA,
      email_address: "ada@example.com",
      first_name: "Ada",
      last_name: "Lovelace",
      public_metadata: { plan: "pro", billing: { seats: 3 } },
      private_metadata: { crm_id: "c-1" },
    },
    { id: "user_cy00000001", email_address: "cy@example.org", banned: true },
  ],
};

type Answer = { action: "accept" | "decline" | "cancel"; content?: { confirm: boolean } };
const ACCEPT: Answer = { action: "accept", content: { confirm: true } };
const DECLINE: Answer = { action: "decline" };

let h: Harness | undefined;
let asked: ElicitRequest["params"][];
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function confirming(answer: Answer): Promise<Harness> {
  const hh = await startHarness({ capabilities: { elicitation: { form: {} } }, seed: SEED });
  asked = [];
  hh.client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(req.params);
    return answer;
  });
  hh.emu.clearRequests();
  h = hh;
  return hh;
}

const metadataOf = (hh: Harness) => {
  const user = hh.emu.getUser(ADA);
  return { public: user?.public_metadata, private: user?.private_metadata };
};
const BEFORE = { public: { plan: "pro", billing: { seats: 3 } }, private: { crm_id: "c-1" } };

describe("update_user_metadata confirmation", () => {
  const LOSSY = {
    user_id: ADA,
    public_metadata: { plan: "team", billing: { seats: null, tier: "gold" } },
    private_metadata: { crm_id: null },
  };

  it("asks naming the user and what is overwritten or removed; accept merges", async () => {
    const hh = await confirming(ACCEPT);
    const result = await hh.call("update_user_metadata", LOSSY);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toBe(
      `Change the metadata of ada@example.com (Ada Lovelace, ${ADA})? This overwrites public_metadata.plan; removes public_metadata.billing.seats, private_metadata.crm_id.`,
    );
    expect(result.isError).toBeFalsy();
    expect(metadataOf(hh)).toEqual({
      public: { plan: "team", billing: { tier: "gold" } },
      private: {},
    });
    expect(hh.emu.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v1/users/${ADA}`,
      `PATCH /v1/users/${ADA}/metadata`,
    ]);
  });

  it("decline sends the lookup only, and changes nothing", async () => {
    const hh = await confirming(DECLINE);
    const result = await hh.call("update_user_metadata", LOSSY);
    expect(asked).toHaveLength(1);
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(/declined.*Nothing was changed/);
    expect(hh.emu.writes()).toEqual([]);
    expect(metadataOf(hh)).toEqual(BEFORE);
  });

  it.each([
    ["new keys only", { public_metadata: { region: "eu", billing: { tier: "gold" } } }],
    ["values equal to what is there", { public_metadata: { plan: "pro" } }],
    ["removing a key that is not there", { private_metadata: { nothing: null } }],
  ])("does not ask for %s, and merges", async (_label, patch) => {
    const hh = await confirming(DECLINE);
    const result = await hh.call("update_user_metadata", { user_id: ADA, ...patch });
    expect(asked).toEqual([]);
    expect(result.isError).toBeFalsy();
    expect(hh.emu.writes().map((w) => w.body)).toEqual([patch]);
  });

  it("does not ask about a user Clerk does not have; the merge fails with Clerk's 404", async () => {
    const hh = await confirming(ACCEPT);
    hh.emu.clearRequests();
    const result = await hh.call("update_user_metadata", {
      user_id: GHOST,
      public_metadata: { plan: "x" },
    });
    expect(asked).toEqual([]);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(new RegExp(`^Clerk has no user ${GHOST}\\. .*HTTP 404`));
    expect(seen(hh)).toEqual([
      `GET /v1/users/${GHOST} 404`,
      `PATCH /v1/users/${GHOST}/metadata 404`,
    ]);
  });

  it("asks nothing and sends nothing for an empty patch", async () => {
    const hh = await confirming(ACCEPT);
    const result = await hh.call("update_user_metadata", { user_id: ADA, public_metadata: {} });
    expect(asked).toEqual([]);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/needs at least one/);
    expect(hh.emu.requests).toEqual([]);
  });

  it("a client without the elicitation capability is not asked; the merge goes through", async () => {
    h = await startHarness({ seed: SEED });
    h.emu.clearRequests();
    const result = await h.call("update_user_metadata", LOSSY);
    expect(result.isError).toBeFalsy();
    expect(h.emu.requests.map((r) => r.method)).toEqual(["PATCH"]);
    expect(metadataOf(h).private).toEqual({});
  });
});

describe("ban_user confirmation", () => {
  it("asks naming the email and name; accept bans", async () => {
    const hh = await confirming(ACCEPT);
    const result = await hh.call("ban_user", { user_id: ADA });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toBe(
      `Ban ada@example.com (Ada Lovelace, ${ADA})? Clerk ends all of their sessions and blocks sign-in until unban_user.`,
    );
    expect(result.isError).toBeFalsy();
    expect(hh.emu.getUser(ADA)?.banned).toBe(true);
    expect(hh.emu.writes().map((w) => w.path)).toEqual([`/v1/users/${ADA}/ban`]);
  });

  it("decline bans no one", async () => {
    const hh = await confirming(DECLINE);
    const result = await hh.call("ban_user", { user_id: ADA });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/declined/);
    expect(hh.emu.writes()).toEqual([]);
    expect(hh.emu.getUser(ADA)?.banned).toBe(false);
  });

  it("does not ask about a user already banned, and sends no write", async () => {
    const hh = await confirming(DECLINE);
    const result = await hh.call("ban_user", { user_id: "user_cy00000001" });
    expect(asked).toEqual([]);
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/already banned; nothing changed/);
    expect(hh.emu.writes()).toEqual([]);
  });

  it("does not ask about a user Clerk does not have; fails with Clerk's 404, sending no ban", async () => {
    const hh = await confirming(ACCEPT);
    hh.emu.clearRequests();
    const result = await hh.call("ban_user", { user_id: GHOST });
    expect(asked).toEqual([]);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      new RegExp(`^Clerk has no user ${GHOST}\\. .*Nothing changed\\. Clerk answered HTTP 404`),
    );
    // The confirmation's lookup, then the handler's own; no POST /ban.
    expect(seen(hh)).toEqual([`GET /v1/users/${GHOST} 404`, `GET /v1/users/${GHOST} 404`]);
    expect(hh.emu.writes()).toEqual([]);
  });

  it("a client without the elicitation capability is not asked; the ban goes through", async () => {
    h = await startHarness({ seed: SEED });
    const result = await h.call("ban_user", { user_id: ADA });
    expect(result.isError).toBeFalsy();
    expect(h.emu.getUser(ADA)?.banned).toBe(true);
  });

  it("unban_user never asks", async () => {
    const hh = await confirming(DECLINE);
    const result = await hh.call("unban_user", { user_id: "user_cy00000001" });
    expect(asked).toEqual([]);
    expect(result.isError).toBeFalsy();
    expect(hh.emu.getUser("user_cy00000001")?.banned).toBe(false);
  });
});
