import { existsSync, readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStderrLogger } from "../../src/log.js";
import { useAuditFile } from "../helpers/audit-file.js";
import { type Harness, startHarness } from "../helpers/harness.js";
import { keyForms } from "../helpers/key-forms.js";
import { TOOL_NAMES, TOOL_SEED, toolCase } from "../helpers/tool-cases.js";

/**
 * A misbehaving gateway in front of Clerk may echo the request, Authorization header and all,
 * into an error page. Whatever the server makes of such a failure must not carry the key. Every
 * tool in ALL_TOOLS is called, with its case from test/helpers/tool-cases.ts.
 */
describe("the secret key never reaches a result", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ seed: TOOL_SEED });
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

  it.each(TOOL_NAMES)("%s", async (tool) => {
    const result = await h.call(tool, toolCase(tool).args);
    const everything = JSON.stringify(result);
    expect(h.emu.requests.length).toBeGreaterThan(0);
    expect(everything).toContain("sk_test_…");
    expect(everything).not.toContain(h.config.secretKey);
    expect(everything).not.toContain(h.config.secretKey.slice("sk_test_".length));
  });
});

/**
 * Every output path carries no form of the key: tool results, audit lines (every field, the
 * trace ID included), stderr logs and the confirmation question, when an upstream echoes the
 * key in the forms a proxy may use (plain, URL-encoded, base64 in Basic/Bearer).
 */
describe("no form of the secret key reaches any output path", () => {
  const audit = useAuditFile("clerk-leak-");
  let h: Harness;
  let logged: string;
  let asked: string[];
  let forms: ReturnType<typeof keyForms>;
  const ORG = "org_echo000000001";
  const USER = "user_echo00000001";

  beforeEach(async () => {
    logged = "";
    asked = [];
    const stream = new PassThrough();
    stream.on("data", (d: Buffer) => {
      logged += d.toString();
    });
    h = await startHarness({
      config: { auditLog: audit.path() },
      capabilities: { elicitation: {} },
      log: createStderrLogger(stream),
    });
    forms = keyForms(h.config.secretKey);
    // Clerk's own data holding the echo: the name shown in the confirmation question.
    h.emu.seed({
      users: [{ id: USER, email_address: "echo@example.com" }],
      organizations: [
        {
          id: ORG,
          name: `Echo ${forms.echo}`.slice(0, 250),
          slug: "echo",
          members: [{ user_id: USER, role: "org:admin" }],
        },
      ],
    });
    h.client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params.message);
      return { action: "accept", content: { confirm: true } };
    });
  });
  afterEach(() => h.close());

  const fault = (method: string) =>
    h.emu.inject({
      method,
      status: 500,
      body: {
        errors: [{ code: "internal", message: forms.echo, long_message: forms.echo }],
        clerk_trace_id: forms.echo,
      },
      times: Number.POSITIVE_INFINITY,
    });

  function expectClean(where: string, text: string) {
    for (const f of forms.forbidden) expect(text, `${where}: ${f}`).not.toContain(f);
  }

  it.each([
    ["delete_organization", "DELETE", () => ({ organization_id: ORG })],
    ["update_user_metadata", "PATCH", () => ({ user_id: USER, public_metadata: { a: 1 } })],
    ["update_user_metadata", "GET", () => ({ user_id: USER, public_metadata: { a: 1 } })],
    ["create_invitation", "POST", () => ({ email_address: "n@example.com" })],
    ["list_invitations", "GET", () => ({})],
  ])("%s with %s echoing the key", async (tool, method, args) => {
    fault(method);
    const result = await h.call(tool, args());
    expect(h.emu.requests.some((r) => r.status === 500)).toBe(true);
    expectClean("result", JSON.stringify(result));
    expectClean("audit", existsSync(audit.path()) ? readFileSync(audit.path(), "utf8") : "");
    expectClean("stderr", logged);
    expectClean("question", asked.join("\n"));
  });

  it("the echo does reach each path it is tested on (the test can fail)", async () => {
    fault("DELETE");
    await h.call("delete_organization", { organization_id: ORG });
    expect(asked.join("")).toContain("Echo");
    const lines = audit.lines();
    expect(lines.some((l) => typeof l.clerk_trace_id === "string")).toBe(true);
  });
});

describe("a successful result never carries the key, whatever Clerk holds", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("a user whose name and metadata echo the key in every form: get_user and list_users show none of them", async () => {
    h = await startHarness();
    const forms = keyForms(h.config.secretKey);
    h.emu.seed({
      users: [
        {
          id: "user_echo000001",
          email_address: "echo@example.com",
          first_name: forms.echo.slice(0, 200),
          public_metadata: { note: forms.echo },
          private_metadata: { raw: h.config.secretKey },
        },
      ],
    });
    for (const [tool, args] of [
      ["get_user", { user_id: "user_echo000001" }],
      ["list_users", {}],
    ] as const) {
      const result = await h.call(tool, args);
      expect(result.isError, tool).toBeFalsy();
      const out = JSON.stringify(result);
      for (const form of forms.forbidden) expect(out, `${tool}: ${form}`).not.toContain(form);
    }
  });
});
