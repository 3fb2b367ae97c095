import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../helpers/harness.js";

/**
 * A misbehaving gateway in front of Clerk may echo the request, Authorization header and all,
 * into an error page. Whatever the server makes of such a failure must not carry the key.
 */
describe("the secret key never reaches a result", () => {
  let h: Harness;
  let ids: string[];
  beforeEach(async () => {
    h = await startHarness();
    ids = [0, 1, 2].map((i) => h.emu.addInvitation({ email_address: `k${i}@example.com` }).id);
    const echo = `<pre>debug: authorization=Bearer ${h.config.secretKey}</pre>`;
    for (const [status, headers, body] of [
      [502, { "Content-Type": "text/html" }, echo],
      [400, {}, { errors: [{ code: "x", message: echo, long_message: echo }] }],
    ] as const) {
      h.emu.inject({ method: "POST", status, headers, body, times: 1 });
    }
    h.emu.inject({
      method: "PATCH",
      status: 400,
      body: { errors: [{ code: "x", message: echo, long_message: echo }] },
      times: Number.POSITIVE_INFINITY,
    });
    for (const method of ["PATCH", "DELETE"]) {
      h.emu.inject({
        method,
        status: 502,
        headers: { "Content-Type": "text/html" },
        body: echo,
        times: Number.POSITIVE_INFINITY,
      });
    }
    h.emu.inject({
      method: "GET",
      status: 502,
      headers: { "Content-Type": "text/html" },
      body: echo,
      times: Number.POSITIVE_INFINITY,
    });
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  it.each([
    ["revoke_invitations", () => ({ invitation_ids: ids })],
    ["revoke_invitation", () => ({ invitation_id: ids[0] })],
    ["create_invitations", () => ({ email_addresses: ["n1@example.com", "n2@example.com"] })],
    ["create_invitation", () => ({ email_address: "n3@example.com" })],
    ["list_invitations", () => ({})],
    ["list_organizations", () => ({})],
    ["create_organization", () => ({ name: "Globex" })],
    ["update_organization", () => ({ organization_id: "org_x", name: "Y" })],
    [
      "update_organization_metadata",
      () => ({ organization_id: "org_x", public_metadata: { a: 1 } }),
    ],
    ["delete_organization", () => ({ organization_id: "org_x" })],
    [
      "update_organization_membership",
      () => ({ organization_id: "org_x", user_id: "user_x", role: "org:admin" }),
    ],
    ["delete_organization_membership", () => ({ organization_id: "org_x", user_id: "user_x" })],
    ["list_users", () => ({})],
    ["get_user", () => ({ user_id: "user_k0000000001" })],
    ["update_user_metadata", () => ({ user_id: "user_k0000000001", public_metadata: { a: 1 } })],
    ["ban_user", () => ({ user_id: "user_k0000000001" })],
    ["unban_user", () => ({ user_id: "user_k0000000001" })],
  ])("%s", async (tool, args) => {
    const result = await h.call(tool, args());
    const everything = JSON.stringify(result);
    expect(h.emu.requests.length).toBeGreaterThan(0);
    expect(everything).toContain("sk_test_…");
    expect(everything).not.toContain(h.config.secretKey);
    expect(everything).not.toContain(h.config.secretKey.slice("sk_test_".length));
  });
});
