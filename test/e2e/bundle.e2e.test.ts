import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMULATOR_NOTE } from "../../src/results.js";
import { assertBuilt, childEnv } from "../helpers/spawn.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MCPB = join(ROOT, "node_modules", ".bin", "mcpb");
/** The host's placeholder for a user setting, as it appears in the manifest. */
const setting = (name: string) => `\${user_config.${name}}`;
const DIRNAME = `\${__dirname}`;

interface Manifest {
  manifest_version: string;
  version: string;
  server: {
    entry_point: string;
    mcp_config: { command: string; args: string[]; env: Record<string, string> };
  };
  user_config: Record<string, { type: string; sensitive?: boolean; required?: boolean }>;
}

/**
 * `npm run bundle`, built once for this file from dist/ (`npm test` builds first) into a
 * temporary folder, then unpacked and run as Claude Desktop runs it.
 */
describe("the desktop bundle (MCPB)", () => {
  let dir: string;
  let unpacked: string;
  let manifest: Manifest;
  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-bundle-"));
    copyFileSync(join(ROOT, "server.json"), join(dir, "server.json"));
    execFileSync(
      join(ROOT, "node_modules", ".bin", "tsx"),
      [
        "scripts/bundle.ts",
        "--out",
        join(dir, "clerk-admin-mcp.mcpb"),
        "--server-json",
        join(dir, "server.json"),
      ],
      { cwd: ROOT, stdio: "pipe" },
    );
    unpacked = join(dir, "unpacked");
    execFileSync(MCPB, ["unpack", join(dir, "clerk-admin-mcp.mcpb"), unpacked], { stdio: "pipe" });
    manifest = JSON.parse(readFileSync(join(unpacked, "manifest.json"), "utf8")) as Manifest;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("has a manifest that mcpb validates: version 0.3, the key sensitive, the safety settings optional", () => {
    const out = execFileSync(MCPB, ["validate", join(unpacked, "manifest.json")], {
      encoding: "utf8",
    });
    expect(out).toMatch(/valid/i);
    expect(manifest.manifest_version).toBe("0.3");
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.user_config.secret_key).toMatchObject({ sensitive: true, required: true });
    for (const name of [
      "read_only",
      "toolsets",
      "allow_production_writes",
      "audit_log",
      "no_confirm",
    ]) {
      expect(manifest.user_config[name]?.required, name).toBe(false);
    }
    expect(manifest.server.mcp_config.env).toMatchObject({
      CLERK_SECRET_KEY: setting("secret_key"),
      CLERK_MCP_READ_ONLY: setting("read_only"),
      CLERK_MCP_AUDIT_LOG: setting("audit_log"),
    });
  });

  it("ships server/package.json as an ES module package, and no V8 code cache", () => {
    const serverPkg = JSON.parse(readFileSync(join(unpacked, "server", "package.json"), "utf8"));
    expect(serverPkg.type).toBe("module");
    const files = readdirSync(join(unpacked, "server"));
    expect(files).toContain("index.js");
    expect(files).toContain("emulator.cjs");
    expect(files.filter((f) => f.endsWith(".cache"))).toEqual([]);
  });

  it("records the bundle's SHA-256 in server.json", () => {
    const sha = createHash("sha256")
      .update(readFileSync(join(dir, "clerk-admin-mcp.mcpb")))
      .digest("hex");
    const serverJson = JSON.parse(readFileSync(join(dir, "server.json"), "utf8")) as {
      packages: Array<{ registryType: string; fileSha256?: string }>;
    };
    expect(serverJson.packages.find((p) => p.registryType === "mcpb")?.fileSha256).toBe(sha);
  });

  it("serves tools when unpacked and started as the host starts it, empty settings left unfilled", async () => {
    const { command, args, env } = manifest.server.mcp_config;
    expect(command).toBe("node");
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: args.map((a) => a.replace(DIRNAME, unpacked)),
      // Every setting left empty, as the host passes it; the emulator instead of a key.
      env: childEnv({ ...env, CLERK_MCP_EMULATOR: "true" }),
      cwd: unpacked,
      stderr: "pipe",
    });
    const client = new Client({ name: "bundle", version: "1.0.0" });
    await client.connect(transport);
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toContain("list_invitations");
      expect(tools).toContain("revoke_invitation");
      const result = (await client.callTool({
        name: "list_invitations",
        arguments: {},
      })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.structuredContent)).toContain("@example.com");
      expect(result.content.at(-1)).toEqual({ type: "text", text: EMULATOR_NOTE });
    } finally {
      await client.close();
    }
  });
});
