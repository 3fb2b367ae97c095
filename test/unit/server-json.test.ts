import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONTROLS } from "../../src/config.js";

/**
 * server.json, the MCP Registry's entry for this server, against what the registry requires
 * (its server.schema.json, 2025-12-11, and its publishing rules): name in reverse-DNS form
 * with one slash, description of 1-100 characters, an exact version; each package with its
 * registryType, a transport, and for npm an identifier and exact version (whose package.json
 * has a matching mcpName), for mcpb an https release-asset URL and a 64-hex fileSha256.
 */
const read = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;
const server = read("server.json") as {
  $schema: string;
  name: string;
  description: string;
  version: string;
  title?: string;
  repository?: { url: string; source: string };
  packages: Array<{
    registryType: string;
    identifier: string;
    version?: string;
    fileSha256?: string;
    transport: { type: string };
    environmentVariables?: Array<{
      name: string;
      isSecret?: boolean;
      isRequired?: boolean;
      format?: string;
    }>;
  }>;
};
const pkg = read("package.json") as { name: string; version: string; mcpName: string };

describe("server.json (MCP Registry)", () => {
  it("has the fields the registry requires, in their shapes", () => {
    expect(server.$schema).toBe(
      "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
    );
    expect(server.name).toMatch(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/);
    expect(server.name.length).toBeGreaterThanOrEqual(3);
    expect(server.name.length).toBeLessThanOrEqual(200);
    expect(server.description.length).toBeGreaterThanOrEqual(1);
    expect(server.description.length).toBeLessThanOrEqual(100);
    if (server.title !== undefined) expect(server.title.length).toBeLessThanOrEqual(100);
    expect(server.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    if (server.repository) {
      expect(server.repository.source).toBe("github");
      expect(server.repository.url).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+$/);
    }
    expect(server.packages.length).toBeGreaterThan(0);
    for (const p of server.packages) {
      expect(["npm", "pypi", "nuget", "oci", "mcpb"]).toContain(p.registryType);
      expect(p.transport.type).toBe("stdio");
      expect(p.identifier.length).toBeGreaterThan(0);
      for (const v of p.environmentVariables ?? []) {
        expect(v.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
        if (v.format !== undefined)
          expect(["string", "number", "boolean", "filepath"]).toContain(v.format);
      }
    }
  });

  it("names the same server and version as package.json (mcpName, version)", () => {
    expect(server.name).toBe(pkg.mcpName);
    expect(server.name).toMatch(/^io\.github\.[^/]+\/clerk-admin-mcp$/);
    expect(server.version).toBe(pkg.version);
    const npm = server.packages.find((p) => p.registryType === "npm");
    expect(npm).toMatchObject({ identifier: pkg.name, version: pkg.version });
    expect(server.packages.filter((p) => p.version !== undefined).map((p) => p.version)).toEqual(
      server.packages.filter((p) => p.version !== undefined).map(() => pkg.version),
    );
  });

  it("marks the key secret and lists only variables the server reads", () => {
    const npm = server.packages.find((p) => p.registryType === "npm");
    const vars = npm?.environmentVariables ?? [];
    expect(vars.find((v) => v.name === "CLERK_SECRET_KEY")).toMatchObject({
      isSecret: true,
      isRequired: true,
    });
    const known = new Set<string>([
      "CLERK_SECRET_KEY",
      "CLERK_API_URL",
      "CLERK_MCP_TIMEOUT_MS",
      ...Object.values(CONTROLS),
    ]);
    for (const v of vars) expect(known, v.name).toContain(v.name);
    for (const v of vars.filter((x) => x.name !== "CLERK_SECRET_KEY"))
      expect(v.isSecret ?? false).toBe(false);
  });

  it("has the mcpb package as a GitHub release asset of this version, with a SHA-256", () => {
    const mcpb = server.packages.find((p) => p.registryType === "mcpb");
    const owner = /^io\.github\.([^/]+)\//.exec(server.name)?.[1];
    expect(mcpb?.identifier).toBe(
      `https://github.com/${owner}/clerk-admin-mcp/releases/download/v${pkg.version}/clerk-admin-mcp.mcpb`,
    );
    expect(mcpb?.fileSha256).toMatch(/^[a-f0-9]{64}$/);
    expect(mcpb?.environmentVariables?.find((v) => v.name === "CLERK_SECRET_KEY")?.isSecret).toBe(
      true,
    );
  });
});
