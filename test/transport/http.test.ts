import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { useAuditFile } from "../helpers/audit-file.js";
import { textOf } from "../helpers/harness.js";
import {
  call,
  INITIALIZE,
  post,
  type RemoteHarness,
  startRemote,
  TOKENS,
} from "../helpers/http.js";
import { INV, INV2, TOOL_SEED } from "../helpers/tool-cases.js";

let h: RemoteHarness;
afterEach(async () => {
  await h?.close();
});

describe("remote mode: the HTTP layer", () => {
  it("GET /healthz answers 200 without a token and without calling Clerk", async () => {
    h = await startRemote();
    const res = await fetch(`${h.urls[0]}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(h.emu.requests).toEqual([]);
  });

  it("answers 401 with WWW-Authenticate: Bearer without a token or with a wrong one, sending nothing to Clerk", async () => {
    h = await startRemote();
    const none = await post(h.urls[0] ?? "", INITIALIZE);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer /);
    const wrong = await post(h.urls[0] ?? "", INITIALIZE, { Authorization: "Bearer nope-nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain('error="invalid_token"');
    await expect(h.connect(undefined)).rejects.toThrow();
    expect(h.emu.requests).toEqual([]);
  });

  it("refuses a browser Origin that is not listed (403), allows a listed one and none", async () => {
    h = await startRemote({ argv: ["--allowed-origins", "https://app.example.com"] });
    const auth = { Authorization: `Bearer ${TOKENS.bob}` };
    const evil = await post(h.urls[0] ?? "", INITIALIZE, {
      ...auth,
      Origin: "https://evil.example",
    });
    expect(evil.status).toBe(403);
    const nul = await post(h.urls[0] ?? "", INITIALIZE, { ...auth, Origin: "null" });
    expect(nul.status).toBe(403);
    const listed = await post(h.urls[0] ?? "", INITIALIZE, {
      ...auth,
      Origin: "https://app.example.com",
    });
    expect(listed.status).toBe(200);
    expect(
      ((await listed.json()) as { result: { serverInfo: unknown } }).result.serverInfo,
    ).toBeTruthy();
    const noOrigin = await post(h.urls[0] ?? "", INITIALIZE, auth);
    expect(noOrigin.status).toBe(200);
  });

  it("answers 413 to a body over 1 MB", async () => {
    h = await startRemote();
    const big = JSON.stringify({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "list_users", arguments: { query: "x".repeat(1_100_000) } },
    });
    const res = await post(h.urls[0] ?? "", big, { Authorization: `Bearer ${TOKENS.bob}` });
    expect(res.status).toBe(413);
    expect(h.emu.requests).toEqual([]);
  });

  it("answers GET and DELETE on /mcp with 405 (stateless: no stream, no session)", async () => {
    h = await startRemote();
    const res = await fetch(`${h.urls[0]}/mcp`, {
      headers: { Authorization: `Bearer ${TOKENS.bob}`, Accept: "text/event-stream" },
    });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(res.headers.get("mcp-session-id")).toBeNull();
  });

  it("the transport guard: the key never comes back in the SDK's own errors, and an own __proto__ argument is refused", async () => {
    h = await startRemote({ seed: TOOL_SEED });
    const headers = { Authorization: `Bearer ${TOKENS.bob}`, "Mcp-Protocol-Version": "2025-11-25" };
    const unknown = await post(
      h.urls[0] ?? "",
      JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: h.emu.secretKey, arguments: {} },
      }),
      headers,
    );
    const text = await unknown.text();
    expect(text).toMatch(/not found/);
    expect(text).not.toContain(h.emu.secretKey);
    h.emu.clearRequests();
    const proto = await post(
      h.urls[0] ?? "",
      `{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"list_users","arguments":{"__proto__":{"limit":1}}}}`,
      headers,
    );
    expect(await proto.text()).toMatch(/list_users does not take the argument __proto__/);
    expect(h.emu.requests).toEqual([]);
  });

  it("rate-limits tool calls per actor with 429 and Retry-After; another actor is unaffected", async () => {
    h = await startRemote({ seed: TOOL_SEED, argv: ["--rate-limit", "2"] });
    const bob = await h.connect(TOKENS.bob);
    const carol = await h.connect(TOKENS.carol);
    expect((await call(bob, "list_invitations")).isError).toBeFalsy();
    expect((await call(bob, "list_invitations")).isError).toBeFalsy();
    const before = h.emu.requests.length;
    await expect(call(bob, "list_invitations")).rejects.toThrow(
      /Too many tool calls: more than 2 a minute for bob/,
    );
    expect(h.emu.requests.length).toBe(before);
    const raw = await post(
      h.urls[0] ?? "",
      JSON.stringify({
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: { name: "list_invitations", arguments: {} },
      }),
      { Authorization: `Bearer ${TOKENS.bob}`, "Mcp-Protocol-Version": "2025-11-25" },
    );
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await call(carol, "list_invitations")).isError).toBeFalsy();
  });
});

describe("remote mode: who may write", () => {
  const audit = useAuditFile("clerk-http-audit-");

  it("a reader sees no write tool and cannot call one; reads work", async () => {
    h = await startRemote({ seed: TOOL_SEED, argv: ["--writers", "alice"] });
    const bob = await h.connect(TOKENS.bob);
    const { tools } = await bob.listTools();
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.filter((t) => t.annotations?.readOnlyHint !== true)).toEqual([]);
    const revoke = await call(bob, "revoke_invitation", { invitation_id: INV });
    expect(revoke.isError).toBe(true);
    expect(textOf(revoke)).toMatch(/not found/i);
    const list = await call(bob, "list_invitations");
    expect(list.isError).toBeFalsy();
    expect(h.emu.writes()).toEqual([]);
  });

  it("with no --writers nobody writes, not even a known token", async () => {
    h = await startRemote({ seed: TOOL_SEED });
    const alice = await h.connect(TOKENS.alice);
    const { tools } = await alice.listTools();
    expect(tools.some((t) => t.name === "create_invitation")).toBe(false);
  });

  it("--auth none (loopback): every caller is local, who writes only when --writers names local", async () => {
    h = await startRemote({ seed: TOOL_SEED, argv: ["--auth", "none"] });
    const anyone = await h.connect(undefined);
    expect((await anyone.listTools()).tools.some((t) => t.name === "create_invitation")).toBe(
      false,
    );
    await h.close();
    h = await startRemote({ seed: TOOL_SEED, argv: ["--auth", "none", "--writers", "local"] });
    const local = await h.connect(undefined);
    expect((await local.listTools()).tools.some((t) => t.name === "create_invitation")).toBe(true);
  });

  it("a writer sees write tools and writes; the audit line names the token and the client IP", async () => {
    h = await startRemote({
      seed: TOOL_SEED,
      argv: ["--writers", "alice"],
      config: { auditLog: audit.path() },
    });
    const alice = await h.connect(TOKENS.alice);
    const { tools } = await alice.listTools();
    expect(tools.some((t) => t.name === "create_invitation")).toBe(true);
    const result = await call(alice, "create_invitation", { email_address: "new@example.com" });
    expect(result.isError).toBeFalsy();
    expect(h.emu.writes().map((w) => w.path)).toEqual(["/v1/invitations"]);
    const lines = audit.lines();
    expect(lines.map((l) => l.stage)).toEqual(["intent", "outcome"]);
    for (const line of lines) {
      expect(line.actor).toEqual({ kind: "token", id: "alice" });
      expect(line.client_ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    }
  });

  it("destructive tools take confirmation_token in remote mode only; the others do not", async () => {
    h = await startRemote({ seed: TOOL_SEED, argv: ["--writers", "alice"] });
    const alice = await h.connect(TOKENS.alice);
    const { tools } = await alice.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(Object.keys(byName.get("revoke_invitation")?.inputSchema.properties ?? {})).toContain(
      "confirmation_token",
    );
    expect(
      Object.keys(byName.get("create_invitation")?.inputSchema.properties ?? {}),
    ).not.toContain("confirmation_token");
  });

  it("progress notifications of a bulk tool reach the client in the response stream", async () => {
    h = await startRemote({ seed: TOOL_SEED, argv: ["--writers", "alice"] });
    const alice = await h.connect(TOKENS.alice);
    const emails = Array.from({ length: 12 }, (_, i) => `p${i}@example.com`);
    const progress: Array<{ progress: number; total?: number }> = [];
    const result = (await alice.callTool(
      { name: "create_invitations", arguments: { email_addresses: emails } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    )) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(progress.at(-1)).toEqual({ progress: 12, total: 12 });
    expect(INV2).toBeTruthy();
  });
});
