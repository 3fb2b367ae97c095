/**
 * Behaviour of the Clerk Backend API emulator, driven by the real @clerk/backend over real HTTP.
 * Nothing is mocked.
 */
import { request as httpRequest } from "node:http";
import { createClerkClient } from "@clerk/backend";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { demoSeed, type Emulator, REQUEST_LOG_PATH, startEmulator } from "../../emulator/index.js";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
let clock = T0;

const ADMIN = "user_adminAAAAAAAAAAAAAAAAAAAAAA";
const MEMBER = "user_memberMMMMMMMMMMMMMMMMMMMMM";
const ORG = "org_acmeAAAAAAAAAAAAAAAAAAAAAAA";

let emu: Emulator;
let clerk: ReturnType<typeof createClerkClient>;

interface SdkError {
  status?: number;
  errors: Array<{ code: string; message?: string; longMessage?: string; meta?: unknown }>;
  retryAfter?: number;
  clerkTraceId?: string;
}

async function failure(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error("expected the call to fail");
}

/** Sends a raw request target, bypassing WHATWG URL normalisation (fetch would resolve `..`). */
function raw(
  method: string,
  target: string,
  auth = true,
): Promise<{ status: number; body: string; contentType: string | undefined }> {
  const { port } = new URL(emu.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method,
        path: target,
        headers: auth ? { Authorization: `Bearer ${emu.secretKey}` } : {},
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body, contentType: res.headers["content-type"] }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  emu = await startEmulator({ now: () => clock });
  clerk = createClerkClient({ secretKey: emu.secretKey, apiUrl: emu.url });
});

afterAll(async () => {
  await emu.close();
});

beforeEach(() => {
  clock = T0;
  emu.reset();
  emu.setRateLimit(undefined);
  emu.seed({
    users: [
      { id: ADMIN, email_address: "admin@acme.test", first_name: "Ada", last_name: "Admin" },
      { id: MEMBER, email_address: "member@acme.test", first_name: "Mo" },
    ],
    organizations: [
      {
        id: ORG,
        name: "Acme",
        slug: "acme",
        members: [
          { user_id: ADMIN, role: "org:admin" },
          { user_id: MEMBER, role: "org:member" },
        ],
      },
    ],
  });
});

afterEach(() => {
  emu.clearFaults();
});

describe("application invitations", () => {
  it("lists with the paginated envelope @clerk/backend asks for", async () => {
    emu.addInvitation({ email_address: "a@x.test", created_at: T0 - 3 * DAY });
    emu.addInvitation({ email_address: "b@x.test", created_at: T0 - 2 * DAY });
    emu.addInvitation({ email_address: "c@x.test", created_at: T0 - DAY });
    const page = await clerk.invitations.getInvitationList({ limit: 2 });
    expect(page.totalCount).toBe(3);
    expect(page.data.map((i) => i.emailAddress)).toEqual(["c@x.test", "b@x.test"]);
    expect(page.data[0]?.status).toBe("pending");
    expect(emu.requests[0]?.query).toMatchObject({ paginated: "true", limit: "2" });

    const byEmail = await clerk.invitations.getInvitationList({
      orderBy: "+email_address",
      offset: 1,
    });
    expect(byEmail.data.map((i) => i.emailAddress)).toEqual(["b@x.test", "c@x.test"]);

    const found = await clerk.invitations.getInvitationList({ query: "B@X" });
    expect(found.data.map((i) => i.emailAddress)).toEqual(["b@x.test"]);

    // Without paginated=true Clerk answers a bare array.
    const bare = await raw("GET", "/v1/invitations");
    expect(bare.contentType).toBe("application/json");
    expect(Array.isArray(JSON.parse(bare.body))).toBe(true);
  });

  it("creates an invitation with a ticket URL, and refuses duplicates and existing users", async () => {
    const inv = await clerk.invitations.createInvitation({
      emailAddress: "new@x.test",
      publicMetadata: { plan: "pro" },
      expiresInDays: 7,
      notify: false,
    });
    expect(inv.id).toMatch(/^inv_[A-Za-z0-9]{27}$/);
    expect(inv.status).toBe("pending");
    expect(inv.url).toContain("__clerk_ticket=");
    expect(inv.publicMetadata).toEqual({ plan: "pro" });
    expect(emu.getInvitation(inv.id)?.expires_at).toBe(T0 + 7 * DAY);

    const dup = await failure(clerk.invitations.createInvitation({ emailAddress: "new@x.test" }));
    expect(dup.status).toBe(400);
    expect(dup.errors[0]?.code).toBe("duplicate_record");
    expect(dup.errors[0]?.longMessage).toContain("new@x.test");

    const again = await clerk.invitations.createInvitation({
      emailAddress: "new@x.test",
      ignoreExisting: true,
    });
    expect(again.id).not.toBe(inv.id);

    const taken = await failure(
      clerk.invitations.createInvitation({ emailAddress: "admin@acme.test" }),
    );
    expect(taken.status).toBe(422);
    expect(taken.errors[0]?.code).toBe("form_identifier_exists");

    const bad = await failure(clerk.invitations.createInvitation({ emailAddress: "not-an-email" }));
    expect([bad.status, bad.errors[0]?.code]).toEqual([422, "form_param_format_invalid"]);
    const days = await failure(
      clerk.invitations.createInvitation({ emailAddress: "d@x.test", expiresInDays: 366 }),
    );
    expect([days.status, days.errors[0]?.code]).toEqual([422, "form_param_value_invalid"]);
    const slug = await failure(
      clerk.invitations.createInvitation({
        emailAddress: "d@x.test",
        templateSlug: "nope" as "invitation",
      }),
    );
    expect([slug.status, slug.errors[0]?.code]).toEqual([422, "form_param_value_invalid"]);
  });

  it("bulk-creates all or nothing, 1 to 10 items", async () => {
    emu.addInvitation({ email_address: "taken@x.test" });
    const created = await clerk.invitations.createInvitationBulk([
      { emailAddress: "one@x.test" },
      { emailAddress: "two@x.test" },
    ]);
    expect(created.map((i) => i.emailAddress)).toEqual(["one@x.test", "two@x.test"]);

    const before = (await clerk.invitations.getInvitationList()).totalCount;
    const err = await failure(
      clerk.invitations.createInvitationBulk([
        { emailAddress: "three@x.test" },
        { emailAddress: "taken@x.test" },
      ]),
    );
    expect([err.status, err.errors[0]?.code]).toEqual([400, "duplicate_record"]);
    expect((await clerk.invitations.getInvitationList()).totalCount).toBe(before);

    const tooMany = Array.from({ length: 11 }, (_, i) => ({ emailAddress: `m${i}@x.test` }));
    const big = await failure(clerk.invitations.createInvitationBulk(tooMany));
    expect([big.status, big.errors[0]?.code]).toEqual([422, "form_param_value_invalid"]);
    const empty = await failure(clerk.invitations.createInvitationBulk([]));
    expect(empty.status).toBe(422);
  });

  it("revokes a pending invitation; 400 when not pending, 404 when unknown", async () => {
    const inv = emu.addInvitation({ email_address: "r@x.test" });
    clock += 5_000;
    const revoked = await clerk.invitations.revokeInvitation(inv.id);
    expect(revoked.status).toBe("revoked");
    expect(revoked.revoked).toBe(true);
    expect(revoked.updatedAt).toBe(T0 + 5_000);
    expect(emu.getInvitation(inv.id)?.status).toBe("revoked");

    const again = await failure(clerk.invitations.revokeInvitation(inv.id));
    expect([again.status, again.errors[0]?.code]).toEqual([400, "invitation_already_revoked"]);

    const accepted = emu.addInvitation({ email_address: "acc@x.test", status: "accepted" });
    const acc = await failure(clerk.invitations.revokeInvitation(accepted.id));
    expect([acc.status, acc.errors[0]?.code]).toEqual([400, "invitation_already_accepted"]);

    const expired = emu.addInvitation({ email_address: "exp@x.test", expires_at: T0 - 1 });
    const exp = await failure(clerk.invitations.revokeInvitation(expired.id));
    expect([exp.status, exp.errors[0]?.code]).toEqual([400, "invitation_not_pending"]);

    const missing = await failure(clerk.invitations.revokeInvitation("inv_doesnotexist"));
    expect([missing.status, missing.errors[0]?.code]).toEqual([404, "resource_not_found"]);
    expect(missing.clerkTraceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("computes expired at read time and filters on it", async () => {
    const inv = emu.addInvitation({ email_address: "soon@x.test", expires_at: T0 + 1_000 });
    emu.addInvitation({ email_address: "later@x.test" });
    expect((await clerk.invitations.getInvitationList({ status: "expired" })).totalCount).toBe(0);
    clock += 1_000;
    const expired = await clerk.invitations.getInvitationList({ status: "expired" });
    expect(expired.data.map((i) => i.id)).toEqual([inv.id]);
    expect(emu.getInvitation(inv.id)?.status).toBe("expired");
    const pending = await clerk.invitations.getInvitationList({ status: "pending" });
    expect(pending.data.map((i) => i.emailAddress)).toEqual(["later@x.test"]);
  });

  it("leaves revoked invitations out of the default list", async () => {
    emu.addInvitation({ email_address: "gone@x.test", status: "revoked" });
    emu.addInvitation({ email_address: "here@x.test" });
    const all = await clerk.invitations.getInvitationList();
    expect(all.data.map((i) => i.emailAddress)).toEqual(["here@x.test"]);
    const revoked = await clerk.invitations.getInvitationList({ status: "revoked" });
    expect(revoked.data[0]?.revoked).toBe(true);
  });
});

describe("a user's organizations", () => {
  it("lists a user's memberships across organizations through users.getOrganizationMembershipList", async () => {
    emu.seed({
      organizations: [
        {
          id: "org_globex00001",
          name: "Globex",
          members: [{ user_id: MEMBER, role: "org:admin" }],
        },
      ],
    });
    const page = await clerk.users.getOrganizationMembershipList({ userId: MEMBER, limit: 100 });
    expect(page.totalCount).toBe(2);
    expect(page.data.map((m) => [m.organization.id, m.role]).sort()).toEqual([
      [ORG, "org:member"],
      ["org_globex00001", "org:admin"],
    ]);
    expect(emu.requests.at(-1)?.path).toMatch(`/v1/users/${MEMBER}/organization_memberships`);
  });

  it("lists the organization invitations to a user's addresses, every status unless filtered", async () => {
    emu.seed({
      organization_invitations: [
        { organization_id: ORG, email_address: "MEMBER@acme.test", status: "revoked" },
        { organization_id: ORG, email_address: "member@acme.test" },
        { organization_id: ORG, email_address: "someone@else.test" },
      ],
    });
    const all = await clerk.users.getOrganizationInvitationList({ userId: MEMBER, limit: 100 });
    expect(all.data.map((i) => i.status).sort()).toEqual(["pending", "revoked"]);
    expect(all.data[0]?.publicOrganizationData?.name).toBe("Acme");
    const pending = await clerk.users.getOrganizationInvitationList({
      userId: MEMBER,
      status: "pending",
    });
    expect(pending.totalCount).toBe(1);
  });
});

describe("auth, routing and the request log", () => {
  it("answers 401 authentication_invalid to a wrong key, and logs it", async () => {
    const bad = createClerkClient({ secretKey: "sk_test_wrong", apiUrl: emu.url });
    const err = await failure(bad.invitations.getInvitationList());
    expect([err.status, err.errors[0]?.code]).toEqual([401, "authentication_invalid"]);
    const none = await raw("GET", "/v1/invitations", false);
    expect(none.status).toBe(401);
    expect(emu.requests.map((r) => r.status)).toEqual([401, 401]);
  });

  it("logs traversal targets raw and answers them as unknown routes", async () => {
    const inv = emu.addInvitation({ email_address: "t@x.test" });
    const targets = [
      `/v1/invitations/${inv.id}/../../users/${MEMBER}/ban`,
      `/v1/invitations/${inv.id}/%2e%2e/%2e%2e/users/${MEMBER}/ban`,
      `/v1/invitations/${inv.id}%2Frevoke`,
    ];
    for (const target of targets) {
      const res = await raw("POST", target);
      expect(res.status).toBe(404);
      expect(res.contentType).toBe("application/json");
      expect(JSON.parse(res.body).errors[0].code).toBe("resource_not_found");
    }
    expect(emu.requests.map((r) => r.path)).toEqual(targets);
    expect(emu.getInvitation(inv.id)?.status).toBe("pending");
    expect(emu.writes()).toHaveLength(3);
  });

  it("records method, raw path, query and body; writes() and clearRequests()", async () => {
    await clerk.invitations.createInvitation({
      emailAddress: "log@x.test",
      publicMetadata: { a: 1 },
    });
    await clerk.invitations.getInvitationList({ status: "pending" });
    const [post, get] = emu.requests;
    expect(post).toMatchObject({
      method: "POST",
      path: "/v1/invitations",
      body: { email_address: "log@x.test", public_metadata: { a: 1 } },
      status: 200,
      at: T0,
    });
    expect(get?.path).toBe("/v1/invitations?status=pending&paginated=true");
    expect(get?.body).toBeUndefined();
    expect(emu.writes()).toEqual([post]);
    emu.clearRequests();
    expect(emu.requests).toHaveLength(0);
  });
});

describe("faults", () => {
  it("answers an injected status with headers, once by default", async () => {
    emu.inject({
      method: "GET",
      path: "/v1/invitations",
      status: 503,
      headers: { "Retry-After": "7" },
    });
    const err = await failure(clerk.invitations.getInvitationList());
    expect(err.status).toBe(503);
    expect(err.retryAfter).toBe(7);
    expect(err.errors[0]?.code).toBeTruthy();
    await expect(clerk.invitations.getInvitationList()).resolves.toBeTruthy();
    expect(emu.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it("matches by RegExp and honours times", async () => {
    emu.inject({ path: /\/revoke$/, status: 500, times: 2, body: { errors: [] } });
    const inv = emu.addInvitation({ email_address: "f@x.test" });
    await failure(clerk.invitations.revokeInvitation(inv.id));
    await failure(clerk.invitations.revokeInvitation(inv.id));
    await expect(clerk.invitations.revokeInvitation(inv.id)).resolves.toMatchObject({
      status: "revoked",
    });
  });

  it("delays a request: logged on arrival, answered after the delay", async () => {
    emu.inject({ path: "/v1/invitations", delayMs: 300 });
    const call = clerk.invitations.getInvitationList();
    await vi.waitFor(() => expect(emu.requests).toHaveLength(1));
    expect(emu.requests[0]?.status).toBe(0);
    await call;
    expect(emu.requests[0]).toMatchObject({ status: 200, aborted: false });
  });

  it("holds a request until a promise settles (until)", async () => {
    let release = () => {};
    emu.inject({ path: "/v1/invitations", until: new Promise<void>((r) => (release = r)) });
    let answered = false;
    const call = clerk.invitations.getInvitationList().then(() => {
      answered = true;
    });
    await vi.waitFor(() => expect(emu.requests).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    release();
    await call;
    expect(emu.requests[0]?.status).toBe(200);
  });

  it("marks a request the client abandoned before the answer (aborted)", async () => {
    let release = () => {};
    emu.inject({ path: "/v1/invitations", until: new Promise<void>((r) => (release = r)) });
    const controller = new AbortController();
    const call = fetch(`${emu.url}/v1/invitations`, {
      headers: { Authorization: `Bearer ${emu.secretKey}` },
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(emu.requests).toHaveLength(1));
    controller.abort();
    await expect(call).rejects.toThrow();
    await vi.waitFor(() => expect(emu.requests[0]?.aborted).toBe(true));
    release();
  });

  it("applies the request, then fails it (applyThenFail)", async () => {
    const inv = emu.addInvitation({ email_address: "atf@x.test" });
    emu.inject({ method: "POST", path: `/v1/invitations/${inv.id}/revoke`, applyThenFail: 502 });
    const err = await failure(clerk.invitations.revokeInvitation(inv.id));
    expect(err.status).toBe(502);
    expect(emu.getInvitation(inv.id)?.status).toBe("revoked");
  });

  it("resets the connection without answering", async () => {
    emu.inject({ path: "/v1/invitations", reset: true });
    const err = await failure(clerk.invitations.getInvitationList());
    expect(err.status).toBeUndefined();
    expect(err.errors[0]?.code).toBe("unexpected_error");
    expect(emu.requests[0]?.status).toBe(0);
    await expect(clerk.invitations.getInvitationList()).resolves.toBeTruthy();
  });
});

describe("rate limit", () => {
  it("answers 429 too_many_requests with Retry-After beyond the window's budget", async () => {
    emu.setRateLimit({ requests: 2, windowMs: 1_500 });
    await clerk.invitations.getInvitationList();
    clock += 200;
    await clerk.invitations.getInvitationList();
    const err = await failure(clerk.invitations.getInvitationList());
    expect([err.status, err.errors[0]?.code]).toEqual([429, "too_many_requests"]);
    expect(err.retryAfter).toBe(2); // ceil(1.3 s)
    clock += 1_299;
    const last = await failure(clerk.invitations.getInvitationList());
    expect(last.retryAfter).toBe(1); // min 1
    expect(emu.rateLimited()).toBe(2);
    expect(emu.requests).toHaveLength(4);
    clock += 1;
    await expect(clerk.invitations.getInvitationList()).resolves.toBeTruthy();
  });
});

describe("organization invitations", () => {
  it("creates, gets and lists with repeated status params", async () => {
    const created = await clerk.organizations.createOrganizationInvitation({
      organizationId: ORG,
      emailAddress: "hire@x.test",
      role: "org:member",
      inviterUserId: ADMIN,
      publicMetadata: { team: "a" },
    });
    expect(created.id).toMatch(/^orginv_[A-Za-z0-9]{27}$/);
    expect(created.roleName).toBe("Member");
    const rawCreated = emu.getOrganizationInvitation(created.id);
    expect(rawCreated?.inviter_id).toBe(ADMIN);
    expect(rawCreated?.public_inviter_data).toMatchObject({
      user_id: ADMIN,
      identifier: "admin@acme.test",
    });

    const got = await clerk.organizations.getOrganizationInvitation({
      organizationId: ORG,
      invitationId: created.id,
    });
    expect(got.emailAddress).toBe("hire@x.test");

    emu.addOrganizationInvitation({
      organization_id: ORG,
      email_address: "old@x.test",
      status: "revoked",
    });
    emu.addOrganizationInvitation({
      organization_id: ORG,
      email_address: "acc@x.test",
      status: "accepted",
    });
    const list = await clerk.organizations.getOrganizationInvitationList({
      organizationId: ORG,
      status: ["pending", "revoked"],
    });
    expect(list.totalCount).toBe(2);
    expect(list.data.map((i) => i.emailAddress).sort()).toEqual(["hire@x.test", "old@x.test"]);
    expect(emu.requests.at(-1)?.path).toBe(
      `/v1/organizations/${ORG}/invitations?status=pending&status=revoked`,
    );
    expect(emu.requests.at(-1)?.query.status).toEqual(["pending", "revoked"]);

    const missing = await failure(
      clerk.organizations.getOrganizationInvitation({
        organizationId: ORG,
        invitationId: "orginv_nope",
      }),
    );
    expect(missing.status).toBe(404);
    const noOrg = await failure(
      clerk.organizations.getOrganizationInvitationList({ organizationId: "org_nope" }),
    );
    expect([noOrg.status, noOrg.errors[0]?.code]).toEqual([404, "resource_not_found"]);
  });

  it("validates role and inviter, and refuses duplicates and members", async () => {
    const role = await failure(
      clerk.organizations.createOrganizationInvitation({
        organizationId: ORG,
        emailAddress: "r@x.test",
        role: "org:owner",
      }),
    );
    // Clerk's OrganizationRoleNotFound, as for memberships: 404 naming the role parameter.
    expect([role.status, role.errors[0]?.code]).toEqual([404, "resource_not_found"]);
    expect(role.errors[0]?.meta).toMatchObject({ paramName: "role" });
    const inviter = await failure(
      clerk.organizations.createOrganizationInvitation({
        organizationId: ORG,
        emailAddress: "r@x.test",
        role: "org:member",
        inviterUserId: MEMBER,
      }),
    );
    expect([inviter.status, inviter.errors[0]?.code]).toEqual([
      403,
      "not_an_admin_in_organization",
    ]);
    const member = await failure(
      clerk.organizations.createOrganizationInvitation({
        organizationId: ORG,
        emailAddress: "member@acme.test",
        role: "org:member",
      }),
    );
    expect([member.status, member.errors[0]?.code]).toEqual([
      400,
      "already_a_member_in_organization",
    ]);
    await clerk.organizations.createOrganizationInvitation({
      organizationId: ORG,
      emailAddress: "r@x.test",
      role: "org:admin",
    });
    const dup = await failure(
      clerk.organizations.createOrganizationInvitation({
        organizationId: ORG,
        emailAddress: "r@x.test",
        role: "org:admin",
      }),
    );
    expect([dup.status, dup.errors[0]?.code]).toEqual([400, "duplicate_record"]);
  });

  it("bulk-creates all or nothing and answers the envelope", async () => {
    const res = await clerk.organizations.createOrganizationInvitationBulk(ORG, [
      { emailAddress: "b1@x.test", role: "org:member" },
      { emailAddress: "b2@x.test", role: "org:admin", inviterUserId: ADMIN },
    ]);
    expect(res.totalCount).toBe(2);
    expect(res.data.map((i) => i.role)).toEqual(["org:member", "org:admin"]);
    const err = await failure(
      clerk.organizations.createOrganizationInvitationBulk(ORG, [
        { emailAddress: "b3@x.test", role: "org:member" },
        { emailAddress: "b4@x.test", role: "nope" },
      ]),
    );
    expect(err.status).toBe(404);
    expect(err.errors[0]?.meta).toMatchObject({ paramName: "role" });
    const list = await clerk.organizations.getOrganizationInvitationList({ organizationId: ORG });
    expect(list.totalCount).toBe(2);
    const many = Array.from({ length: 11 }, (_, i) => ({
      emailAddress: `x${i}@x.test`,
      role: "org:member",
    }));
    expect(
      (await failure(clerk.organizations.createOrganizationInvitationBulk(ORG, many))).status,
    ).toBe(422);
  });

  it("refuses invitations beyond max_allowed_memberships, pending ones included (403)", async () => {
    await clerk.organizations.updateOrganization(ORG, { maxAllowedMemberships: 3 });
    // 2 members + 0 pending + 1 new = 3: allowed.
    await clerk.organizations.createOrganizationInvitation({
      organizationId: ORG,
      emailAddress: "third@x.test",
      role: "org:member",
    });
    const full = await failure(
      clerk.organizations.createOrganizationInvitation({
        organizationId: ORG,
        emailAddress: "fourth@x.test",
        role: "org:member",
      }),
    );
    expect([full.status, full.errors[0]?.code]).toEqual([
      403,
      "organization_membership_quota_exceeded",
    ]);
    expect(full.errors[0]?.longMessage).toBe(
      "You have reached your limit of 3 organization memberships, including outstanding invitations.",
    );
    // Clerk checks the limit before it looks at members: an existing member gets the 403 too.
    const member = await failure(
      clerk.organizations.createOrganizationInvitation({
        organizationId: ORG,
        emailAddress: "member@acme.test",
        role: "org:member",
      }),
    );
    expect(member.status).toBe(403);
    // Bulk counts every item: one free slot does not take two.
    await clerk.organizations.updateOrganization(ORG, { maxAllowedMemberships: 4 });
    const bulk = await failure(
      clerk.organizations.createOrganizationInvitationBulk(ORG, [
        { emailAddress: "b1@x.test", role: "org:member" },
        { emailAddress: "b2@x.test", role: "org:member" },
      ]),
    );
    expect([bulk.status, bulk.errors[0]?.code]).toEqual([
      403,
      "organization_membership_quota_exceeded",
    ]);
    const list = await clerk.organizations.getOrganizationInvitationList({ organizationId: ORG });
    expect(list.data.map((i) => i.emailAddress)).toEqual(["third@x.test"]);
    // 0 means no limit.
    await clerk.organizations.updateOrganization(ORG, { maxAllowedMemberships: 0 });
    const res = await clerk.organizations.createOrganizationInvitationBulk(ORG, [
      { emailAddress: "b1@x.test", role: "org:member" },
      { emailAddress: "b2@x.test", role: "org:member" },
    ]);
    expect(res.totalCount).toBe(2);
  });

  it("revokes: 403 for a non-admin requester, 400 when not pending, 404 when unknown", async () => {
    const inv = emu.addOrganizationInvitation({ organization_id: ORG, email_address: "rv@x.test" });
    const denied = await failure(
      clerk.organizations.revokeOrganizationInvitation({
        organizationId: ORG,
        invitationId: inv.id,
        requestingUserId: MEMBER,
      }),
    );
    expect([denied.status, denied.errors[0]?.code]).toEqual([403, "not_an_admin_in_organization"]);
    expect(emu.getOrganizationInvitation(inv.id)?.status).toBe("pending");
    expect(emu.requests.at(-1)?.body).toEqual({ requesting_user_id: MEMBER });

    const revoked = await clerk.organizations.revokeOrganizationInvitation({
      organizationId: ORG,
      invitationId: inv.id,
      requestingUserId: ADMIN,
    });
    expect(revoked.status).toBe("revoked");

    const again = await failure(
      clerk.organizations.revokeOrganizationInvitation({
        organizationId: ORG,
        invitationId: inv.id,
      }),
    );
    expect([again.status, again.errors[0]?.code]).toEqual([
      400,
      "organization_invitation_not_pending",
    ]);

    const unknown = await failure(
      clerk.organizations.revokeOrganizationInvitation({
        organizationId: ORG,
        invitationId: "orginv_x",
      }),
    );
    expect(unknown.status).toBe(404);
    const noOrg = await failure(
      clerk.organizations.revokeOrganizationInvitation({
        organizationId: "org_x",
        invitationId: inv.id,
      }),
    );
    expect(noOrg.status).toBe(404);
  });
});

describe("users and organizations", () => {
  it("lists users by email address and gets one by id", async () => {
    const { data, totalCount } = await clerk.users.getUserList({
      emailAddress: ["admin@acme.test", "nobody@x.test"],
    });
    expect(totalCount).toBe(1);
    expect(data[0]?.id).toBe(ADMIN);
    expect(data[0]?.primaryEmailAddress?.emailAddress).toBe("admin@acme.test");
    const user = await clerk.users.getUser(MEMBER);
    expect(user.firstName).toBe("Mo");
    const missing = await failure(clerk.users.getUser("user_nope"));
    expect([missing.status, missing.errors[0]?.code]).toEqual([404, "resource_not_found"]);
  });

  it("gets an organization by id or slug", async () => {
    const byId = await clerk.organizations.getOrganization({ organizationId: ORG });
    expect(byId.slug).toBe("acme");
    const bySlug = await clerk.organizations.getOrganization({
      slug: "acme",
      includeMembersCount: true,
    });
    expect(bySlug.id).toBe(ORG);
    expect(bySlug.membersCount).toBe(2);
    expect((await failure(clerk.organizations.getOrganization({ slug: "nope" }))).status).toBe(404);
  });

  it("lists no memberships, not a 404, for an unknown organization, as Clerk's list query does", async () => {
    const page = await clerk.organizations.getOrganizationMembershipList({
      organizationId: "org_nope",
    });
    expect([page.data, page.totalCount]).toEqual([[], 0]);
    expect(emu.requests.at(-1)?.status).toBe(200);
  });

  it("trims organization names on create and update, as Clerk does", async () => {
    const org = await clerk.organizations.createOrganization({ name: "  Globex  " });
    expect(org.name).toBe("Globex");
    expect(org.slug).toMatch(/^globex-\d{10}$/);
    const renamed = await clerk.organizations.updateOrganization(org.id, { name: " Initech\t" });
    expect(renamed.name).toBe("Initech");
    expect((await clerk.organizations.getOrganization({ organizationId: org.id })).name).toBe(
      "Initech",
    );
  });
  it("refuses metadata over 8 KB per kind (given, or once merged) and changes nothing", async () => {
    const half = { a: "x".repeat(5_000) };
    await clerk.users.updateUserMetadata(MEMBER, { publicMetadata: half });
    // Each kind is measured alone: 5 KB public and 5 KB private pass.
    await clerk.users.updateUserMetadata(MEMBER, { privateMetadata: half });
    const merged = await failure(
      clerk.users.updateUserMetadata(MEMBER, { publicMetadata: { b: "y".repeat(5_000) } }),
    );
    expect([merged.status, merged.errors[0]?.code]).toEqual([422, "form_param_value_invalid"]);
    expect(merged.errors[0]?.longMessage).toMatch(/public_metadata exceeds .* 8KB/);
    expect(Object.keys((await clerk.users.getUser(MEMBER)).publicMetadata)).toEqual(["a"]);
    const org = await failure(
      clerk.organizations.updateOrganizationMetadata(ORG, {
        privateMetadata: { big: "z".repeat(8 * 1024) },
      }),
    );
    expect([org.status, org.errors[0]?.code]).toEqual([422, "form_param_value_invalid"]);
    const inv = await failure(
      clerk.invitations.createInvitation({
        emailAddress: "big@acme.test",
        publicMetadata: { big: "z".repeat(8 * 1024) },
      }),
    );
    expect(inv.status).toBe(422);
    expect(emu.writes().filter((r) => r.status < 300)).toHaveLength(2);
  });
});

describe("sessions", () => {
  beforeEach(() => {
    emu.seed({
      sessions: [
        { id: "sess_a1", user_id: ADMIN, created_at: T0 - 2 * DAY },
        { id: "sess_a2", user_id: ADMIN, created_at: T0 - DAY },
        { id: "sess_a3", user_id: ADMIN, status: "ended", created_at: T0 - 3 * DAY },
        { id: "sess_m1", user_id: MEMBER, created_at: T0 - DAY },
      ],
    });
  });

  it("lists a user's sessions newest first in the envelope getSessionList asks for, by status", async () => {
    const page = await clerk.sessions.getSessionList({ userId: ADMIN, limit: 2 });
    expect(page.totalCount).toBe(3);
    expect(page.data.map((s) => s.id)).toEqual(["sess_a2", "sess_a1"]);
    expect(emu.requests[0]?.query).toMatchObject({ user_id: ADMIN, paginated: "true", limit: "2" });
    const ended = await clerk.sessions.getSessionList({ userId: ADMIN, status: "ended" });
    expect(ended.data.map((s) => s.id)).toEqual(["sess_a3"]);
    expect(JSON.stringify(await clerk.sessions.getSession("sess_a1"))).not.toMatch(/token/i);
  });

  it("reads an active session past expire_at as expired", async () => {
    clock = T0 + 10 * DAY;
    expect((await clerk.sessions.getSession("sess_a2")).status).toBe("expired");
    const expired = await clerk.sessions.getSessionList({ userId: ADMIN, status: "expired" });
    expect(expired.totalCount).toBe(2);
  });

  it("revokes, again with 200, and 404 for an unknown session", async () => {
    expect((await clerk.sessions.revokeSession("sess_a1")).status).toBe("revoked");
    expect((await clerk.sessions.revokeSession("sess_a1")).status).toBe("revoked");
    expect((await clerk.sessions.revokeSession("sess_a3")).status).toBe("revoked");
    expect((await failure(clerk.sessions.revokeSession("sess_nope"))).status).toBe(404);
    expect(emu.writes().map((r) => [r.path, r.status])).toEqual([
      ["/v1/sessions/sess_a1/revoke", 200],
      ["/v1/sessions/sess_a1/revoke", 200],
      ["/v1/sessions/sess_a3/revoke", 200],
      ["/v1/sessions/sess_nope/revoke", 404],
    ]);
  });

  it("a ban revokes the user's active sessions, and only theirs", async () => {
    await clerk.users.banUser(ADMIN);
    const statuses = (await clerk.sessions.getSessionList({ userId: ADMIN })).data.map((s) => [
      s.id,
      s.status,
    ]);
    expect(statuses).toEqual([
      ["sess_a2", "revoked"],
      ["sess_a1", "revoked"],
      ["sess_a3", "ended"],
    ]);
    expect((await clerk.sessions.getSession("sess_m1")).status).toBe("active");
  });
});

describe("user update, lock and delete", () => {
  it("locks for an hour counted down, unlocks, and reads unlocked once the hour is over", async () => {
    // The SDK's User has no lockout_expires_in_seconds: read it from the emulator's User JSON.
    expect((await clerk.users.lockUser(MEMBER)).locked).toBe(true);
    expect(emu.getUser(MEMBER)?.lockout_expires_in_seconds).toBe(3600);
    clock = T0 + 600_000;
    expect(emu.getUser(MEMBER)?.lockout_expires_in_seconds).toBe(3000);
    expect((await clerk.users.unlockUser(MEMBER)).locked).toBe(false);
    expect(emu.getUser(MEMBER)?.lockout_expires_in_seconds).toBeNull();
    await clerk.users.lockUser(MEMBER);
    clock = T0 + 600_000 + 3_600_000;
    expect((await clerk.users.getUser(MEMBER)).locked).toBe(false);
  });

  it("updates names, username and external_id; a taken username is 422 form_identifier_exists", async () => {
    const user = await clerk.users.updateUser(MEMBER, {
      firstName: "Moe",
      lastName: "Ember",
      username: "moe",
      externalId: "crm-7",
    });
    expect([user.firstName, user.lastName, user.username, user.externalId]).toEqual([
      "Moe",
      "Ember",
      "moe",
      "crm-7",
    ]);
    expect(emu.writes()[0]?.body).toEqual({
      first_name: "Moe",
      last_name: "Ember",
      username: "moe",
      external_id: "crm-7",
    });
    const err = await failure(clerk.users.updateUser(ADMIN, { username: "MOE" }));
    expect([err.status, err.errors[0]?.code]).toEqual([422, "form_identifier_exists"]);
    expect(emu.getUser(ADMIN)?.username).toBeNull();
  });

  it("deletes a user with their memberships and sessions; the organization stays", async () => {
    emu.seed({ sessions: [{ id: "sess_gone", user_id: MEMBER }] });
    // @clerk/backend types the answer as a User; Clerk sends (and the SDK builds) a DeletedObject.
    const deleted = (await clerk.users.deleteUser(MEMBER)) as unknown as Record<string, unknown>;
    expect([deleted.object, deleted.id, deleted.deleted]).toEqual(["user", MEMBER, true]);
    expect(emu.getUser(MEMBER)).toBeUndefined();
    const members = await clerk.organizations.getOrganizationMembershipList({
      organizationId: ORG,
    });
    expect(members.data.map((m) => m.publicUserData?.userId)).toEqual([ADMIN]);
    expect((await failure(clerk.sessions.getSession("sess_gone"))).status).toBe(404);
    expect((await failure(clerk.users.deleteUser(MEMBER))).status).toBe(404);
  });
});

describe("a user's organization memberships", () => {
  it("lists each organization the user is in, newest first, with the total; an unknown user lists none", async () => {
    emu.seed({
      organizations: [
        {
          id: "org_globex00001",
          name: "Globex",
          slug: "globex",
          members: [{ user_id: MEMBER, role: "org:admin", created_at: T0 + 1000 }],
        },
      ],
    });
    const page = await clerk.users.getOrganizationMembershipList({ userId: MEMBER, limit: 1 });
    expect(page.totalCount).toBe(2);
    expect(page.data.map((m) => [m.organization.id, m.role])).toEqual([
      ["org_globex00001", "org:admin"],
    ]);
    expect(emu.requests.at(-1)?.path.split("?")[0]).toBe(
      `/v1/users/${MEMBER}/organization_memberships`,
    );
    const none = await clerk.users.getOrganizationMembershipList({ userId: "user_nobody" });
    expect([none.totalCount, none.data]).toEqual([0, []]);
  });
});

describe("allowlist and blocklist", () => {
  it("allowlists addresses and domains, refuses a listed one (compared lowercased), deletes", async () => {
    const a = await clerk.allowlistIdentifiers.createAllowlistIdentifier({
      identifier: "Guest@Example.com",
      notify: false,
    });
    expect([a.identifier, a.identifierType, a.id.startsWith("alid_")]).toEqual([
      "guest@example.com",
      "email_address",
      true,
    ]);
    await clerk.allowlistIdentifiers.createAllowlistIdentifier({
      identifier: "*@acme.test",
      notify: false,
    });
    const dup = await failure(
      clerk.allowlistIdentifiers.createAllowlistIdentifier({
        identifier: "GUEST@example.com",
        notify: false,
      }),
    );
    expect([dup.status, dup.errors[0]?.code]).toEqual([400, "duplicate_record"]);
    const list = await clerk.allowlistIdentifiers.getAllowlistIdentifierList();
    expect(list.totalCount).toBe(2);
    expect(list.data.map((i) => i.identifier)).toEqual(["*@acme.test", "guest@example.com"]);
    await clerk.allowlistIdentifiers.deleteAllowlistIdentifier(a.id);
    expect((await clerk.allowlistIdentifiers.getAllowlistIdentifierList()).totalCount).toBe(1);
  });

  it("notify on an address sends an invitation, which leaves when the identifier does", async () => {
    const a = await clerk.allowlistIdentifiers.createAllowlistIdentifier({
      identifier: "new@x.test",
      notify: true,
    });
    expect(a.invitationId).toMatch(/^inv_/);
    expect(emu.getInvitation(a.invitationId ?? "")?.status).toBe("pending");
    await clerk.allowlistIdentifiers.deleteAllowlistIdentifier(a.id);
    expect(emu.getInvitation(a.invitationId ?? "")?.status).toBe("revoked");
  });

  it("blocklists, lists the whole list without paging, refuses duplicates, deletes", async () => {
    const b = await clerk.blocklistIdentifiers.createBlocklistIdentifier({
      identifier: "spam.test",
    });
    expect(b.id).toMatch(/^blid_/);
    await clerk.blocklistIdentifiers.createBlocklistIdentifier({ identifier: "+15555550100" });
    const dup = await failure(
      clerk.blocklistIdentifiers.createBlocklistIdentifier({ identifier: "SPAM.test" }),
    );
    expect(dup.errors[0]?.code).toBe("duplicate_record");
    const list = await clerk.blocklistIdentifiers.getBlocklistIdentifierList();
    expect(list.totalCount).toBe(2);
    expect(list.data.map((i) => i.identifierType)).toEqual(["phone_number", "email_address"]);
    expect(emu.requests.find((r) => r.method === "GET")?.query).toEqual({});
    await clerk.blocklistIdentifiers.deleteBlocklistIdentifier(b.id);
    expect((await failure(clerk.blocklistIdentifiers.deleteBlocklistIdentifier(b.id))).status).toBe(
      404,
    );
  });
});

describe("waitlist", () => {
  it("lists by status, invites (creating an invitation) and rejects", async () => {
    emu.seed({
      waitlist_entries: [
        { id: "wle_a", email_address: "a@wait.test", created_at: T0 - 2 * DAY },
        { id: "wle_b", email_address: "b@wait.test", created_at: T0 - DAY },
        {
          id: "wle_c",
          email_address: "c@wait.test",
          status: "completed",
          created_at: T0 - 3 * DAY,
        },
      ],
    });
    const pending = await clerk.waitlistEntries.list({ status: "pending" });
    expect([pending.totalCount, pending.data.map((e) => e.id)]).toEqual([2, ["wle_b", "wle_a"]]);
    const invited = await clerk.waitlistEntries.invite("wle_a");
    expect(invited.status).toBe("invited");
    expect(invited.invitation?.status).toBe("pending");
    expect(emu.getInvitation(invited.invitation?.id ?? "")?.email_address).toBe("a@wait.test");
    const again = await clerk.waitlistEntries.invite("wle_a");
    expect(again.invitation?.id).toBe(invited.invitation?.id);
    expect((await clerk.waitlistEntries.reject("wle_b")).status).toBe("rejected");
    expect((await failure(clerk.waitlistEntries.invite("wle_c"))).status).toBe(409);
    const found = await clerk.waitlistEntries.list({ query: "b@wait" });
    expect(found.data.map((e) => e.status)).toEqual(["rejected"]);
  });

  it("refuses to invite an address that has a user unless ignore_existing", async () => {
    emu.seed({ waitlist_entries: [{ id: "wle_m", email_address: "member@acme.test" }] });
    const err = await failure(clerk.waitlistEntries.invite("wle_m"));
    expect([err.status, err.errors[0]?.code]).toEqual([422, "form_identifier_exists"]);
    const ok = await clerk.waitlistEntries.invite("wle_m", { ignoreExisting: true });
    expect(ok.status).toBe("invited");
    expect(emu.writes().at(-1)?.body).toEqual({ ignore_existing: true });
  });
});

describe("organization roles", () => {
  it("lists the system roles and seeded custom ones, which memberships and invitations accept", async () => {
    emu.seed({
      organization_roles: [
        { key: "org:billing", name: "Billing", permissions: ["org:invoices:read"] },
      ],
    });
    const roles = await clerk.organizationRoles.getOrganizationRoleList({ orderBy: "key" });
    expect(roles.data.map((r) => r.key)).toEqual(["org:admin", "org:billing", "org:member"]);
    const m = await clerk.organizations.updateOrganizationMembership({
      organizationId: ORG,
      userId: MEMBER,
      role: "org:billing",
    });
    expect([m.role, m.permissions]).toEqual(["org:billing", ["org:invoices:read"]]);
    const err = await failure(
      clerk.organizations.createOrganizationInvitation({
        organizationId: ORG,
        emailAddress: "x@y.test",
        role: "org:nope",
      }),
    );
    expect([err.status, err.errors[0]?.code]).toEqual([404, "resource_not_found"]);
  });
});

describe("demo seed and the request log endpoint", () => {
  it("seeds every kind of record, and serves the log as JSON without the Authorization header", async () => {
    emu.reset();
    emu.seed(demoSeed(T0));
    const users = await clerk.users.getUserList({ limit: 10 });
    expect(users.data.map((u) => [u.banned, u.locked]).sort()).toEqual([
      [false, false],
      [false, false],
      [false, true],
      [true, false],
    ]);
    expect((await clerk.invitations.getInvitationList({ status: "expired" })).totalCount).toBe(1);
    expect((await clerk.waitlistEntries.list()).totalCount).toBe(5);
    expect((await clerk.organizations.getOrganization({ slug: "acme" })).name).toBe("Acme Inc");
    const res = await fetch(`${emu.url}${REQUEST_LOG_PATH}`);
    expect(res.headers.get("content-type")).toBe("application/json");
    const text = await res.text();
    expect(text).not.toContain(emu.secretKey);
    expect(text).not.toMatch(/authorization/i);
    const log = JSON.parse(text) as Array<{ path: string }>;
    // getUserList asks for the count too, as the SDK does.
    expect(log.map((r) => r.path.split("?")[0])).toEqual([
      "/v1/users",
      "/v1/users/count",
      "/v1/invitations",
      "/v1/waitlist_entries",
      "/v1/organizations/acme",
    ]);
    expect((await fetch(`${emu.url}${REQUEST_LOG_PATH}`, { method: "POST" })).status).toBe(405);
  });
});
