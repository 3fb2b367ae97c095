import { createServer as createNodeServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type {
  OAuthClientInformationMixed,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { afterEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/index.js";
import { createClerkGateway, DEFAULT_RETRY } from "../../src/clerk/client.js";
import { type Config, ConfigError, DEFAULT_CONTROLS } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { createHttpHandler, type NodeHandler } from "../../src/transport/http.js";
import { frontendApiHost, loadRemoteOptions } from "../../src/transport/http-config.js";
import { ADMIN, MEMBER, ORG } from "../helpers/acme.js";
import { useAuditFile } from "../helpers/audit-file.js";
import { call, INITIALIZE, post, SECRET } from "../helpers/http.js";
import { TOOL_SEED } from "../helpers/tool-cases.js";

/**
 * `--auth clerk` over real HTTP: the emulator plays the Clerk instance (frontend API and
 * Backend API), named by CLERK_MCP_AUTH_SERVER_URL; the client is the MCP SDK's own, with its
 * OAuth flow (`authProvider`), from the first 401 to a tool call.
 */

let emu: Emulator | undefined;
let server: Server | undefined;
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
  server = undefined;
  await emu?.close();
  emu = undefined;
});

const audit = useAuditFile();

async function start(writers = ""): Promise<{ url: string; resource: string }> {
  emu = await startEmulator({ seed: TOOL_SEED });
  let handler: NodeHandler = async () => {};
  server = createNodeServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { remote } = loadRemoteOptions(
    { CLERK_MCP_AUTH_SERVER_URL: emu.url, CLERK_MCP_CONFIRM_SECRET: SECRET },
    ["--transport", "http", "--auth", "clerk", "--public-url", `${url}/mcp`].concat(
      writers ? ["--writers", writers] : [],
    ),
  );
  const config: Config = {
    secretKey: emu.secretKey,
    instance: "development",
    apiUrl: emu.url,
    timeoutMs: 2_000,
    ...DEFAULT_CONTROLS,
    auditLog: audit.path(),
  };
  const clerk = createClerkGateway(config, { ...DEFAULT_RETRY, baseDelayMs: 5 });
  handler = createHttpHandler({ config, remote, log: silentLogger, clerk });
  return { url, resource: `${url}/mcp` };
}

/** An OAuth client as an MCP host keeps it; "signing in" approves as `user`. */
class TestProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = "";
  code?: string;
  constructor(private readonly user: string) {}
  get redirectUrl() {
    return "http://127.0.0.1:1/callback";
  }
  get clientMetadata() {
    return {
      redirect_uris: [this.redirectUrl],
      client_name: "http-clerk-test",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  async redirectToAuthorization(url: URL) {
    url.searchParams.set("emulator_user", this.user);
    const res = await fetch(url, { redirect: "manual" });
    const back = new URL(res.headers.get("location") ?? "");
    this.code = back.searchParams.get("code") ?? undefined;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/** Signs in through the SDK's OAuth flow and connects: 401, discovery, registration, code, token. */
async function signIn(
  url: string,
  user: string,
): Promise<{ client: Client; provider: TestProvider }> {
  const provider = new TestProvider(user);
  const first = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    authProvider: provider,
  });
  await expect(new Client({ name: "t", version: "1" }).connect(first)).rejects.toThrow(
    UnauthorizedError,
  );
  expect(provider.code).toBeTruthy();
  await first.finishAuth(provider.code ?? "");
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    authProvider: provider,
  });
  const client = new Client({ name: "t", version: "1" });
  await client.connect(transport);
  clients.push(client);
  return { client, provider };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("--auth clerk: a protected resource of a Clerk instance", () => {
  it("publishes RFC 9728 metadata and answers 401 pointing at it, without asking Clerk", async () => {
    const { url, resource } = await start();
    for (const path of [
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-protected-resource/mcp",
    ]) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        resource,
        authorization_servers: [emu?.url],
      });
    }
    const res = await post(url, INITIALIZE);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${url}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(emu?.requests).toEqual([]);
  });

  it("the SDK's OAuth flow completes from the first 401 to a tool call (opaque token); a reader sees no write tool", async () => {
    const { url, resource } = await start();
    const { client, provider } = await signIn(url, MEMBER);
    expect(provider.saved?.access_token).toMatch(/^oat_/);
    // The token was issued for this server: its audience is the resource the metadata names.
    expect(emu?.oauth.tokens()[0]?.aud).toEqual([resource]);
    const tools = await client.listTools();
    expect(tools.tools.some((t) => t.name === "create_invitation")).toBe(false);
    const result = await call(client, "list_users");
    expect(result.isError).toBeFalsy();
    // Verified with the secret key, the token only in the body.
    const verify = emu?.requests.filter((r) => r.path.endsWith("/access_tokens/verify")) ?? [];
    expect(verify.length).toBeGreaterThanOrEqual(1);
    // Cached: the several requests of this session were verified once.
    expect(verify.length).toBe(1);
  });

  it("JWT access tokens are verified against the instance's keys, and work end to end", async () => {
    const { url } = await start();
    emu?.oauth.setTokenFormat("jwt");
    const { client, provider } = await signIn(url, MEMBER);
    expect(provider.saved?.access_token.split(".")).toHaveLength(3);
    expect((await call(client, "list_users")).isError).toBeFalsy();
    expect(emu?.requests.some((r) => r.path === "/v1/jwks")).toBe(true);
    expect(emu?.requests.some((r) => r.path.endsWith("/access_tokens/verify"))).toBe(false);
  });

  it.each(["opaque", "jwt"] as const)(
    "refuses an expired, revoked, wrong-audience or audience-less %s token with 401",
    async (format) => {
      const { url, resource } = await start();
      const e = emu as Emulator;
      const good = e.oauth.issue({ userId: MEMBER, aud: [resource], format });
      expect((await post(url, INITIALIZE, bearer(good.token))).status).toBe(200);
      const expired = e.oauth.issue({ userId: MEMBER, aud: [resource], format, lifetimeS: -10 });
      const other = e.oauth.issue({ userId: MEMBER, aud: ["https://other.example/mcp"], format });
      const none = e.oauth.issue({ userId: MEMBER, format });
      for (const t of [expired, other, none]) {
        const res = await post(url, INITIALIZE, bearer(t.token));
        expect(res.status).toBe(401);
        expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
      }
      if (format === "opaque") {
        const revoked = e.oauth.issue({ userId: MEMBER, aud: [resource], format });
        e.oauth.revoke(revoked.id);
        // Clerk answers 200 with revoked: true; the answer's status does not make it good.
        expect((await post(url, INITIALIZE, bearer(revoked.token))).status).toBe(401);
      }
      expect((await post(url, INITIALIZE, bearer("not-a-token"))).status).toBe(401);
    },
  );

  it("a writer by org_…:org:admin writes; the audit line names the person's user ID and email", async () => {
    const { url } = await start(`${ORG}:org:admin`);
    const { client } = await signIn(url, ADMIN);
    expect((await client.listTools()).tools.some((t) => t.name === "create_invitation")).toBe(true);
    const result = await call(client, "create_invitation", { email_address: "new1@example.com" });
    expect(result.isError).toBeFalsy();
    expect(emu?.requests.some((r) => r.method === "POST" && r.path === "/v1/invitations")).toBe(
      true,
    );
    const lines = audit.lines();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.actor).toEqual({ kind: "user", id: ADMIN, email: "admin@acme.test" });
    }
    // A member of the same organization is a reader.
    const member = await signIn(url, MEMBER);
    expect(
      (await member.client.listTools()).tools.some((t) => t.name === "create_invitation"),
    ).toBe(false);
  });
});

describe("--auth clerk: configuration", () => {
  const base = ["--transport", "http", "--auth", "clerk"];
  it("needs --public-url, a publishable key, and a loopback authorization-server override", () => {
    expect(() => loadRemoteOptions({ CLERK_PUBLISHABLE_KEY: "pk_test_x" }, base)).toThrow(
      /--public-url/,
    );
    const key = `pk_live_${Buffer.from("clerk.example.com$").toString("base64")}`;
    expect(frontendApiHost(key)).toBe("clerk.example.com");
    const { remote } = loadRemoteOptions({ CLERK_PUBLISHABLE_KEY: key }, [
      ...base,
      "--public-url",
      "https://mcp.example.com",
    ]);
    expect(remote.clerkAuth).toEqual({
      resource: "https://mcp.example.com/mcp",
      issuer: "https://clerk.example.com",
    });
    expect(() =>
      loadRemoteOptions({ CLERK_PUBLISHABLE_KEY: "pk_test_bm9wZQ" }, [
        ...base,
        "--public-url",
        "https://mcp.example.com/mcp",
      ]),
    ).toThrow(ConfigError);
    expect(() =>
      loadRemoteOptions({ CLERK_MCP_AUTH_SERVER_URL: "http://evil.example" }, [
        ...base,
        "--public-url",
        "https://mcp.example.com/mcp",
      ]),
    ).toThrow(/loopback/);
    expect(() =>
      loadRemoteOptions({ CLERK_PUBLISHABLE_KEY: key }, [
        ...base,
        "--public-url",
        "http://mcp.example.com/mcp",
      ]),
    ).toThrow(/https/);
  });
});
