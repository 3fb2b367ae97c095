import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type CallToolResult, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/index.js";
import {
  assertBuilt,
  connectStdio,
  type StdioSession as Session,
  type StdioOptions,
  spawnRaw,
} from "../helpers/spawn.js";

/** The operator controls of issue 4, through the built bin over stdio. */

const LIVE_KEY = "sk_live_e2eProductionKey0123456789";
const METADATA_VALUE = "e2e-secret-metadata-4412";

const open: Client[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function connect(emu: Emulator, opts: StdioOptions = {}): Promise<Session> {
  const session = await connectStdio(emu, { name: "e2e-safety", ...opts });
  open.push(session.client);
  return session;
}

async function call(s: Session, name: string, args: Record<string, unknown>) {
  return (await s.client.callTool({ name, arguments: args })) as CallToolResult;
}

const text = (r: CallToolResult) =>
  r.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");

async function toolNames(s: Session): Promise<string[]> {
  return (await s.client.listTools()).tools.map((t) => t.name);
}

describe("operator controls over stdio (dist/index.js)", () => {
  let emu: Emulator;
  beforeAll(async () => {
    assertBuilt();
    emu = await startEmulator();
  });
  afterAll(() => emu.close());

  function pending(email: string): string {
    const id = emu.addInvitation({
      email_address: email,
      public_metadata: { note: METADATA_VALUE },
    }).id;
    emu.clearRequests();
    return id;
  }

  it.each([
    [
      "a flag",
      ["--toolsets", "invitations,contacts"],
      {},
      /--toolsets \(CLERK_MCP_TOOLSETS\) has unknown name "contacts"; valid: invitations, organization_invitations/,
    ],
    [
      "a variable",
      [],
      { CLERK_MCP_EXCLUDE_TOOLS: "revoke_everything" },
      /--exclude-tools \(CLERK_MCP_EXCLUDE_TOOLS\) has unknown name "revoke_everything"; valid: .*revoke_invitation/,
    ],
    ["an unknown option", ["--readonly"], {}, /Unknown option '--readonly'.*--read-only/],
  ])(
    "stops at start on an unknown name in %s: stderr, exit 1, nothing on stdout",
    async (_c, args, env, message) => {
      const run = spawnRaw(
        { CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url, ...env },
        args,
      );
      const { code } = await run.exited;
      expect(code).toBe(1);
      expect(run.stderr()).toMatch(message);
      expect(run.stderr().trim().split("\n")).toHaveLength(1);
      expect(run.stdout()).toBe("");
    },
  );

  it("stops at start on an http CLERK_API_URL to another host: one stderr line, exit 1", async () => {
    const run = spawnRaw({
      CLERK_SECRET_KEY: emu.secretKey,
      CLERK_API_URL: "http://clerk-proxy.example.com:8080",
    });
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.stderr()).toMatch(
      /CLERK_API_URL must use https for clerk-proxy\.example\.com: over http the secret key would travel unencrypted/,
    );
    expect(run.stderr().trim().split("\n")).toHaveLength(1);
    expect(run.stderr()).not.toContain(emu.secretKey.slice("sk_test_".length));
    expect(run.stdout()).toBe("");
  });

  it("prints --help and --version on stderr, never stdout, and exits 0 without a key", async () => {
    const run = spawnRaw({}, ["--help"]);
    expect((await run.exited).code).toBe(0);
    expect(run.stderr()).toContain("--allow-production-writes");
    expect(run.stderr()).toContain("CLERK_MCP_NO_CONFIRM");
    expect(run.stdout()).toBe("");
    const version = spawnRaw({}, ["--version"]);
    expect((await version.exited).code).toBe(0);
    expect(version.stderr()).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(version.stdout()).toBe("");
  });

  it("--read-only leaves write tools out of tools/list, and wins over its variable", async () => {
    const s = await connect(emu, { args: ["--read-only"], env: { CLERK_MCP_READ_ONLY: "false" } });
    const { tools } = await s.client.listTools();
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    expect(tools.map((t) => t.name)).not.toContain("revoke_invitation");
    expect(s.client.getInstructions()).toContain("Mode: read-only");
  });

  it("CLERK_MCP_READ_ONLY=true works without the flag", async () => {
    const s = await connect(emu, { env: { CLERK_MCP_READ_ONLY: "true" } });
    expect(await toolNames(s)).not.toContain("revoke_invitation");
  });

  it("--toolsets, --tools and --exclude-tools select tools; flags win over variables", async () => {
    const s = await connect(emu, {
      args: [
        "--toolsets",
        "organization_invitations",
        "--tools",
        "list_invitations,revoke_invitation",
      ],
      env: { CLERK_MCP_TOOLSETS: "invitations", CLERK_MCP_EXCLUDE_TOOLS: "revoke_invitation" },
    });
    const names = await toolNames(s);
    expect(names).toContain("list_invitations");
    expect(names).not.toContain("revoke_invitation");
    expect(s.client.getInstructions()).toContain("Enabled toolsets: organization_invitations.");
  });

  it("asks through elicitation and revokes on accept", async () => {
    const id = pending("accept@example.com");
    const s = await connect(emu, { answer: { action: "accept", content: { confirm: true } } });
    const result = await call(s, "revoke_invitation", { invitation_id: id });
    expect(result.isError).toBeFalsy();
    expect(s.asked).toHaveLength(1);
    expect(s.asked[0]?.message).toContain("accept@example.com");
    expect(emu.getInvitation(id)?.status).toBe("revoked");
  });

  it.each([
    ["decline", { action: "decline" } as const, /declined/],
    ["cancel", { action: "cancel" } as const, /dismissed/],
  ])("changes nothing when the human answers %s, and says so", async (_c, answer, message) => {
    const id = pending(`${answer.action}@example.com`);
    const s = await connect(emu, { answer });
    const result = await call(s, "revoke_invitation", { invitation_id: id });
    expect(s.asked).toHaveLength(1);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(message);
    expect(text(result)).toContain("Nothing was changed");
    expect(emu.writes()).toEqual([]);
    expect(emu.getInvitation(id)?.status).toBe("pending");
  });

  it("--no-confirm turns the question off", async () => {
    const id = pending("noconfirm@example.com");
    const s = await connect(emu, { args: ["--no-confirm"], answer: { action: "decline" } });
    const result = await call(s, "revoke_invitation", { invitation_id: id });
    expect(result.isError).toBeFalsy();
    expect(s.asked).toEqual([]);
    expect(emu.getInvitation(id)?.status).toBe("revoked");
  });

  describe("--audit-log", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "clerk-audit-e2e-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("records each write call without the key or metadata values", async () => {
      const file = join(dir, "audit.jsonl");
      const id = pending("audited@example.com");
      const s = await connect(emu, {
        args: ["--audit-log", file],
        answer: { action: "decline" },
      });
      await call(s, "list_invitations", {});
      const declined = await call(s, "revoke_invitation", { invitation_id: id });
      expect(declined.isError).toBe(true);
      const s2 = await connect(emu, { env: { CLERK_MCP_AUDIT_LOG: file } });
      expect((await call(s2, "revoke_invitation", { invitation_id: id })).isError).toBeFalsy();

      const raw = readFileSync(file, "utf8");
      const lines = raw
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => [l.stage, l.outcome ?? null])).toEqual([
        ["outcome", "declined"],
        ["intent", null],
        ["outcome", "succeeded"],
      ]);
      for (const line of lines) {
        expect(line).toMatchObject({
          tool: "revoke_invitation",
          targets: { invitation_id: id },
          instance: "development",
          actor: { kind: "local", id: "local" },
          key_fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
        });
      }
      expect(raw).not.toContain(emu.secretKey);
      expect(raw).not.toContain(emu.secretKey.slice("sk_test_".length));
      expect(raw).not.toContain(METADATA_VALUE);
    });

    it("records a call the client cancels during the question as cancelled, logging no error", async () => {
      const file = join(dir, "cancelled.jsonl");
      const id = pending("cancelled@example.com");
      const s = await connect(emu, {
        args: ["--audit-log", file],
        answer: { action: "decline" },
      });
      const controller = new AbortController();
      s.client.setRequestHandler(ElicitRequestSchema, () => {
        controller.abort();
        // The human never answers: only the cancellation can end the call.
        return new Promise<never>(() => {});
      });
      const pendingCall = s.client.callTool(
        { name: "revoke_invitation", arguments: { invitation_id: id } },
        undefined,
        { signal: controller.signal },
      );
      await expect(pendingCall).rejects.toThrow();
      await vi.waitFor(() => expect(readFileSync(file, "utf8")).toMatch(/\n$/), {
        timeout: 5_000,
      });
      const lines = readFileSync(file, "utf8").trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? "")).toMatchObject({
        stage: "outcome",
        outcome: "cancelled",
        reason: "client_cancelled",
      });
      expect(s.stderr()).not.toContain(" error ");
      expect(emu.writes()).toEqual([]);
      expect(emu.getInvitation(id)?.status).toBe("pending");
    });

    it("stops at start when the file cannot be appended to", async () => {
      const run = spawnRaw({ CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url }, [
        "--audit-log",
        join(dir, "no-such-folder", "audit.jsonl"),
      ]);
      expect((await run.exited).code).toBe(1);
      expect(run.stderr()).toMatch(
        /--audit-log \(CLERK_MCP_AUDIT_LOG\) cannot be appended to \(ENOENT\)/,
      );
      expect(run.stdout()).toBe("");
    });
  });
});

describe("production guard over stdio", () => {
  let emu: Emulator;
  beforeAll(async () => {
    assertBuilt();
    emu = await startEmulator({ secretKey: LIVE_KEY });
  });
  afterAll(() => emu.close());

  it("refuses writes with an sk_live_ key, sends nothing, and keeps reads working", async () => {
    const id = emu.addInvitation({ email_address: "prod@example.com" }).id;
    emu.clearRequests();
    const s = await connect(emu, { answer: { action: "accept", content: { confirm: true } } });
    expect(s.client.getInstructions()).toMatch(/production instance.*production writes blocked/);
    expect(await toolNames(s)).toContain("revoke_invitation");

    const refused = await call(s, "revoke_invitation", { invitation_id: id });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain("--allow-production-writes");
    expect(s.asked).toEqual([]);
    expect(emu.requests).toEqual([]);

    const list = await call(s, "list_invitations", {});
    expect(list.isError).toBeFalsy();
    expect(emu.writes()).toEqual([]);
    expect(emu.getInvitation(id)?.status).toBe("pending");
    expect(s.stderr()).not.toContain(LIVE_KEY.slice("sk_live_".length));
  });

  it("allows writes with CLERK_MCP_ALLOW_PRODUCTION_WRITES=true", async () => {
    const id = emu.addInvitation({ email_address: "prod2@example.com" }).id;
    const s = await connect(emu, { env: { CLERK_MCP_ALLOW_PRODUCTION_WRITES: "true" } });
    expect(s.client.getInstructions()).toContain("Mode: writes allowed");
    const result = await call(s, "revoke_invitation", { invitation_id: id });
    expect(result.isError).toBeFalsy();
    expect(emu.getInvitation(id)?.status).toBe("revoked");
  });
});
