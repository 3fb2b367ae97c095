import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  type CallToolResult,
  type ElicitRequest,
  ElicitRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { createClerkGateway } from "../../src/clerk/client.js";
import { ConfigError, DEFAULT_CONTROLS } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { createServer } from "../../src/server.js";
import { ALL_TOOLS, registerTools } from "../../src/tools/registry.js";
import { type AnyToolDefinition, defineTool } from "../../src/tools/types.js";
import { DEFAULT_TOOLSETS } from "../../src/toolsets.js";
import { useAuditFile } from "../helpers/audit-file.js";
import { type Harness, type HarnessOptions, textOf, useHarness } from "../helpers/harness.js";

const LIVE_KEY = "sk_live_productionKey0123456789abcdef";
const METADATA_VALUE = "confidential-plan-value-7731";

const harness = useHarness();

async function toolNames(hh: Harness): Promise<string[]> {
  return (await hh.client.listTools()).tools.map((t) => t.name);
}

function pending(hh: Harness, email = "ada@example.com"): string {
  const id = hh.emu.addInvitation({
    email_address: email,
    public_metadata: { plan: METADATA_VALUE },
  }).id;
  hh.emu.clearRequests();
  return id;
}

describe("tool selection", () => {
  const readTools = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);
  const invitationTools = ALL_TOOLS.filter((t) => t.toolset === "invitations").map((t) => t.name);

  it("serves the default toolsets without --toolsets", async () => {
    const hh = await harness({ config: { toolsets: undefined } });
    expect(await toolNames(hh)).toEqual(
      ALL_TOOLS.filter((t) => DEFAULT_TOOLSETS.includes(t.toolset)).map((t) => t.name),
    );
  });

  it("serves only the chosen toolsets, plus single --tools", async () => {
    const hh = await harness({
      config: { toolsets: ["organization_invitations"], tools: ["list_invitations"] },
    });
    const names = await toolNames(hh);
    expect(names).toContain("list_invitations");
    for (const name of invitationTools.filter((n) => n !== "list_invitations")) {
      expect(names).not.toContain(name);
    }
  });

  it("lets --exclude-tools win over --toolsets and --tools", async () => {
    const hh = await harness({
      config: {
        toolsets: ["invitations"],
        tools: ["revoke_invitation"],
        excludeTools: ["revoke_invitation"],
      },
    });
    const names = await toolNames(hh);
    expect(names).not.toContain("revoke_invitation");
    expect(names).toContain("list_invitations");
    const result = await hh.call("revoke_invitation", { invitation_id: "inv_1" });
    expect(result.isError).toBe(true);
    expect(hh.emu.requests).toEqual([]);
  });

  it("--read-only leaves write tools out of tools/list, even when --tools names them", async () => {
    const hh = await harness({ config: { readOnly: true, tools: ["revoke_invitation"] } });
    const listed = (await hh.client.listTools()).tools;
    expect(listed.map((t) => t.name)).toEqual(readTools);
    expect(listed.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    expect(hh.client.getInstructions()).toContain("Mode: read-only");
  });

  it.each([
    [
      { toolsets: ["invitation"] },
      /--toolsets \(CLERK_MCP_TOOLSETS\) has unknown name "invitation"; valid: invitations, organization_invitations/,
    ],
    [
      { tools: ["revoke", "list"] },
      /--tools \(CLERK_MCP_TOOLS\) has unknown names "revoke", "list"; valid: .*revoke_invitation/,
    ],
    [
      { excludeTools: ["revoke_invitatoin"] },
      /--exclude-tools \(CLERK_MCP_EXCLUDE_TOOLS\) has unknown name "revoke_invitatoin"; valid: .*list_invitations/,
    ],
    [{ toolsets: [] }, /No tool is left/],
    [
      { toolsets: ["invitations"], excludeTools: ["list_invitations"], readOnly: true },
      /No tool is left/,
    ],
  ])("refuses to build a server for %j", (controls, message) => {
    const config = {
      secretKey: "sk_test_abcdefghijklmnop",
      instance: "development" as const,
      apiUrl: "http://127.0.0.1:1",
      timeoutMs: 1000,
      ...DEFAULT_CONTROLS,
      ...controls,
    };
    expect(() => createServer({ config, log: silentLogger })).toThrow(ConfigError);
    expect(() => createServer({ config, log: silentLogger })).toThrow(message);
  });
});

describe("production guard", () => {
  it("refuses writes with an sk_live_ key and sends nothing to Clerk; reads work", async () => {
    const hh = await harness({ secretKey: LIVE_KEY });
    const id = pending(hh);
    expect(await toolNames(hh)).toContain("revoke_invitation");
    expect(hh.client.getInstructions()).toMatch(/Clerk production instance/);
    expect(hh.client.getInstructions()).toMatch(/production writes blocked/);

    const refused = await hh.call("revoke_invitation", { invitation_id: id });
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toBeUndefined();
    expect(textOf(refused)).toContain("production Clerk instance");
    expect(textOf(refused)).toContain("--allow-production-writes");
    expect(textOf(refused)).toContain("Nothing was sent to Clerk");
    expect(textOf(refused)).not.toContain(LIVE_KEY.slice(8));
    expect(hh.emu.requests).toEqual([]);
    expect(hh.emu.getInvitation(id)?.status).toBe("pending");

    const list = await hh.call("list_invitations", {});
    expect(list.isError).toBeFalsy();
    expect(hh.emu.requests.map((r) => r.method)).toEqual(["GET"]);
  });

  it("allows writes on production with --allow-production-writes", async () => {
    const hh = await harness({ secretKey: LIVE_KEY, config: { allowProductionWrites: true } });
    const id = pending(hh);
    expect(hh.client.getInstructions()).toContain("Mode: writes allowed");
    const result = await hh.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBeFalsy();
    expect(hh.emu.getInvitation(id)?.status).toBe("revoked");
  });

  it("lets through only calls the tool's readsOnly says change nothing, whatever its arguments", async () => {
    const ran: unknown[] = [];
    const touchTool = (readsOnly?: (args: { dry_run: boolean }) => boolean) =>
      defineTool({
        name: "touch_thing",
        title: "Touch a thing",
        description: "A write tool with a dry_run argument, for the production guard.",
        toolset: "invitations",
        input: { dry_run: z.boolean() },
        output: { touched: z.boolean() },
        annotations: {
          readOnlyHint: false,
          destructiveHint: false,
          idempotentHint: true,
          openWorldHint: false,
        },
        ...(readsOnly ? { readsOnly } : {}),
        async handler(args) {
          ran.push(args);
          return { structured: { touched: !args.dry_run } };
        },
      });
    const config = {
      secretKey: LIVE_KEY,
      instance: "production" as const,
      apiUrl: "http://127.0.0.1:9",
      timeoutMs: 1000,
      ...DEFAULT_CONTROLS,
    };
    const callOn = async (tool: AnyToolDefinition, args: Record<string, unknown>) => {
      const server = new McpServer({ name: "guard-test", version: "0" });
      registerTools(server, [tool], {
        clerk: createClerkGateway(config),
        config,
        log: silentLogger,
      });
      const client = new Client({ name: "t", version: "0" });
      const [a, b] = InMemoryTransport.createLinkedPair();
      await Promise.all([server.connect(b), client.connect(a)]);
      try {
        return (await client.callTool({ name: tool.name, arguments: args })) as CallToolResult;
      } finally {
        await client.close();
        await server.close();
      }
    };

    // An argument named dry_run is not enough: only the tool can say a call reads only.
    const without = await callOn(touchTool(), { dry_run: true });
    expect(without.isError).toBe(true);
    expect(textOf(without)).toContain("--allow-production-writes");
    expect(ran).toEqual([]);

    const withHook = touchTool(({ dry_run }) => dry_run);
    expect((await callOn(withHook, { dry_run: true })).isError).toBeFalsy();
    expect(ran).toEqual([{ dry_run: true }]);
    expect((await callOn(withHook, { dry_run: false })).isError).toBe(true);
    expect(ran).toHaveLength(1);
  });

  it("leaves development keys alone", async () => {
    const hh = await harness();
    const id = pending(hh);
    expect(hh.client.getInstructions()).toMatch(/Clerk development instance.*Mode: writes allowed/);
    expect(hh.client.getInstructions()).toContain(
      "Enabled toolsets: invitations, organization_invitations",
    );
    expect((await hh.call("revoke_invitation", { invitation_id: id })).isError).toBeFalsy();
  });
});

describe("audit log", () => {
  const audit = useAuditFile();

  it("writes an intent line before the call and an outcome line after, with no key or metadata", async () => {
    const hh = await harness({ config: { auditLog: audit.path() } });
    const id = pending(hh);
    const result = await hh.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBeFalsy();

    const [intent, outcome, ...rest] = audit.lines();
    expect(rest).toEqual([]);
    const fingerprint = `sha256:${createHash("sha256").update(hh.emu.secretKey).digest("hex").slice(0, 16)}`;
    expect(intent).toMatchObject({
      stage: "intent",
      tool: "revoke_invitation",
      targets: { invitation_id: id },
      instance: "development",
      actor: { kind: "local", id: "local" },
      key_fingerprint: fingerprint,
    });
    expect(intent).not.toHaveProperty("outcome");
    expect(outcome).toMatchObject({
      stage: "outcome",
      call_id: intent?.call_id,
      tool: "revoke_invitation",
      targets: { invitation_id: id },
      outcome: "succeeded",
      actor: { kind: "local", id: "local" },
      clerk_trace_id: null,
      http_status: null,
    });
    expect(Date.parse(String(outcome?.time))).not.toBeNaN();

    const raw = readFileSync(audit.path(), "utf8");
    expect(raw).not.toContain(hh.emu.secretKey);
    expect(raw).not.toContain(hh.emu.secretKey.slice("sk_test_".length));
    expect(raw).not.toContain(METADATA_VALUE);
    expect(raw).not.toContain("ada@example.com");
  });

  it("records a failure's HTTP status and clerk_trace_id", async () => {
    const hh = await harness({ config: { auditLog: audit.path() } });
    const id = pending(hh);
    hh.emu.inject({
      method: "POST",
      path: `/v1/invitations/${id}/revoke`,
      status: 403,
      body: {
        errors: [{ code: "authorization_invalid", message: "not allowed", meta: {} }],
        clerk_trace_id: "trace_audit_123",
      },
    });
    const result = await hh.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBe(true);
    expect(audit.lines()[1]).toMatchObject({
      stage: "outcome",
      outcome: "failed",
      http_status: 403,
      clerk_trace_id: "trace_audit_123",
    });
  });

  it("does not record read calls", async () => {
    const hh = await harness({ config: { auditLog: audit.path() } });
    await hh.call("list_invitations", {});
    expect(() => readFileSync(audit.path(), "utf8")).toThrow(/ENOENT/);
  });

  it("refuses the write when the intent line cannot be written, sending nothing", async () => {
    const hh = await harness({
      config: { auditLog: join(audit.dir(), "missing-folder", "audit.jsonl") },
    });
    const id = pending(hh);
    const result = await hh.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("no unaudited writes");
    expect(textOf(result)).toContain("Nothing was sent to Clerk");
    expect(hh.emu.requests).toEqual([]);
    expect(hh.emu.getInvitation(id)?.status).toBe("pending");
  });

  it("records a production refusal as a single outcome line", async () => {
    const hh = await harness({ secretKey: LIVE_KEY, config: { auditLog: audit.path() } });
    const id = pending(hh);
    await hh.call("revoke_invitation", { invitation_id: id });
    const all = audit.lines();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      stage: "outcome",
      outcome: "refused",
      reason: "production_writes_blocked",
      instance: "production",
    });
    expect(readFileSync(audit.path(), "utf8")).not.toContain(LIVE_KEY.slice("sk_live_".length));
  });
});

describe("confirmation through elicitation", () => {
  type Answer = { action: "accept" | "decline" | "cancel"; content?: { confirm: boolean } };
  let asked: ElicitRequest["params"][];

  async function confirming(answer: Answer, opts: HarnessOptions = {}): Promise<Harness> {
    const hh = await harness({ capabilities: { elicitation: { form: {} } }, ...opts });
    asked = [];
    hh.client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params);
      return answer;
    });
    return hh;
  }

  it("asks a yes/no question naming who is affected, and revokes on accept", async () => {
    const hh = await confirming({ action: "accept", content: { confirm: true } });
    const id = pending(hh);
    const created = new Date(hh.emu.getInvitation(id)?.created_at ?? 0).toISOString().slice(0, 10);

    const result = await hh.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBeFalsy();
    expect(asked).toHaveLength(1);
    const params = asked[0];
    expect(params?.message).toContain("ada@example.com");
    expect(params?.message).toContain("pending");
    expect(params?.message).toContain(created);
    expect(params?.mode ?? "form").toBe("form");
    const schema = params && "requestedSchema" in params ? params.requestedSchema : undefined;
    expect(Object.values(schema?.properties ?? {})).toEqual([
      expect.objectContaining({ type: "boolean" }),
    ]);
    expect(hh.emu.getInvitation(id)?.status).toBe("revoked");
  });

  it.each([
    ["decline", { action: "decline" }, /declined/],
    ["cancel", { action: "cancel" }, /dismissed/],
    ["accept with the box unticked", { action: "accept", content: { confirm: false } }, /declined/],
  ] as const)("changes nothing on %s, and says so", async (_case, answer, message) => {
    const dir = mkdtempSync(join(tmpdir(), "clerk-audit-"));
    const file = join(dir, "audit.jsonl");
    try {
      const hh = await confirming(answer, { config: { auditLog: file } });
      const id = pending(hh);
      const result = await hh.call("revoke_invitation", { invitation_id: id });
      expect(asked).toHaveLength(1);
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(message);
      expect(textOf(result)).toContain("Nothing was changed");
      expect(hh.emu.writes()).toEqual([]);
      expect(hh.emu.getInvitation(id)?.status).toBe("pending");
      const recorded = readFileSync(file, "utf8").trimEnd().split("\n");
      expect(recorded).toHaveLength(1);
      expect(JSON.parse(recorded[0] ?? "")).toMatchObject({
        stage: "outcome",
        outcome: answer.action === "cancel" ? "cancelled" : "declined",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("does not ask with --no-confirm", async () => {
    const hh = await confirming({ action: "decline" }, { config: { confirm: false } });
    const id = pending(hh);
    const result = await hh.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBeFalsy();
    expect(asked).toEqual([]);
    expect(hh.emu.getInvitation(id)?.status).toBe("revoked");
  });

  it("does not ask a client without the elicitation capability", async () => {
    const hh = await harness();
    const id = pending(hh);
    const result = await hh.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBeFalsy();
    expect(hh.emu.getInvitation(id)?.status).toBe("revoked");
  });

  it("does not ask when there is nothing to revoke", async () => {
    const hh = await confirming({ action: "decline" });
    const id = hh.emu.addInvitation({
      email_address: "gone@example.com",
      status: "revoked",
      revoked: true,
    }).id;
    const result = await hh.call("revoke_invitation", { invitation_id: id });
    expect(asked).toEqual([]);
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain("already revoked");
  });

  it("refuses, changing nothing, when the client fails the elicitation", async () => {
    const hh = await harness({ capabilities: { elicitation: { form: {} } } });
    hh.client.setRequestHandler(ElicitRequestSchema, async () => {
      throw new Error("the client's form broke");
    });
    const id = pending(hh);
    const result = await hh.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("could not be obtained");
    expect(hh.emu.writes()).toEqual([]);
  });

  describe("stopped before the question is answered", () => {
    const audit = useAuditFile();

    it("refuses, sending no write, when the lookup naming who is affected fails", async () => {
      const hh = await confirming(
        { action: "accept", content: { confirm: true } },
        { config: { auditLog: audit.path() }, retry: { retries: 0 } },
      );
      const id = pending(hh);
      hh.emu.inject({
        method: "GET",
        path: "/v1/invitations",
        status: 503,
        times: Number.POSITIVE_INFINITY,
        body: {
          errors: [{ code: "service_unavailable", message: "down", meta: {} }],
          clerk_trace_id: "trace_lookup_503",
        },
      });
      const result = await hh.call("revoke_invitation", { invitation_id: id });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toContain("looking up who it affects failed");
      expect(textOf(result)).toContain("nothing was changed");
      expect(textOf(result)).toContain("HTTP 503");
      expect(asked).toEqual([]);
      expect(hh.emu.requests.length).toBeGreaterThan(0);
      expect(hh.emu.writes()).toEqual([]);
      expect(hh.emu.getInvitation(id)?.status).toBe("pending");
      expect(audit.lines()).toEqual([
        expect.objectContaining({
          stage: "outcome",
          outcome: "refused",
          reason: "confirmation_lookup_failed",
          http_status: 503,
          clerk_trace_id: "trace_lookup_503",
        }),
      ]);
    });

    it("records an MCP cancellation during the question as cancelled, not as an error", async () => {
      const errors: string[] = [];
      const log = { info() {}, error: (message: string) => errors.push(message) };
      const hh = await harness({
        capabilities: { elicitation: { form: {} } },
        config: { auditLog: audit.path() },
        log,
      });
      const id = pending(hh);
      const controller = new AbortController();
      let questions = 0;
      hh.client.setRequestHandler(ElicitRequestSchema, () => {
        questions++;
        controller.abort();
        // The human never answers: only the cancellation can end the call.
        return new Promise<never>(() => {});
      });
      const call = hh.client.callTool(
        { name: "revoke_invitation", arguments: { invitation_id: id } },
        undefined,
        { signal: controller.signal },
      );
      await expect(call).rejects.toThrow();
      // The server settles the call after the client gave up on it; its audit line shows how.
      await vi.waitFor(() => expect(readFileSync(audit.path(), "utf8")).toMatch(/\n$/));
      expect(questions).toBe(1);
      expect(audit.lines()).toEqual([
        expect.objectContaining({
          stage: "outcome",
          outcome: "cancelled",
          reason: "client_cancelled",
        }),
      ]);
      expect(errors).toEqual([]);
      expect(hh.emu.writes()).toEqual([]);
      expect(hh.emu.getInvitation(id)?.status).toBe("pending");
    });

    it("records an MCP cancellation during the lookup as cancelled", async () => {
      const hh = await confirming(
        { action: "accept", content: { confirm: true } },
        { config: { auditLog: audit.path() } },
      );
      const id = pending(hh);
      let release = () => {};
      // Both lookups (pending and revoked) are held, so the call is in flight when cancelled.
      hh.emu.inject({
        method: "GET",
        path: "/v1/invitations",
        times: 2,
        until: new Promise<void>((resolve) => {
          release = resolve;
        }),
      });
      const controller = new AbortController();
      const call = hh.client.callTool(
        { name: "revoke_invitation", arguments: { invitation_id: id } },
        undefined,
        { signal: controller.signal },
      );
      try {
        await vi.waitFor(() => expect(hh.emu.requests).toHaveLength(2));
        controller.abort();
        await expect(call).rejects.toThrow();
        // The server settles the call after the client gave up on it; its audit line shows how.
        await vi.waitFor(() => expect(readFileSync(audit.path(), "utf8")).toMatch(/\n$/));
      } finally {
        release();
      }
      expect(asked).toEqual([]);
      expect(audit.lines()).toEqual([
        expect.objectContaining({ stage: "outcome", outcome: "cancelled" }),
      ]);
      expect(hh.emu.writes()).toEqual([]);
    });
  });

  it("never asks on production with writes blocked: the guard refuses first", async () => {
    const hh = await confirming(
      { action: "accept", content: { confirm: true } },
      {
        secretKey: LIVE_KEY,
      },
    );
    const id = pending(hh);
    const result = await hh.call("revoke_invitation", { invitation_id: id });
    expect(result.isError).toBe(true);
    expect(asked).toEqual([]);
    expect(hh.emu.requests).toEqual([]);
  });
});
