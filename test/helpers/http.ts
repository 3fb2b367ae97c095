import { createHash } from "node:crypto";
import type { Server } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type Emulator, type SeedData, startEmulator } from "../../emulator/index.js";
import { createClerkGateway, DEFAULT_RETRY } from "../../src/clerk/client.js";
import { type Config, DEFAULT_CONTROLS } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { createHttpHandler, listen } from "../../src/transport/http.js";
import { loadRemoteOptions } from "../../src/transport/http-config.js";

/**
 * Remote mode over real HTTP: the emulator, and one or more instances of the HTTP handler on
 * Node's `http` (127.0.0.1, free ports), each built from the same environment and flags as the
 * bin would be, each with its own Clerk gateway. Clients are the SDK's own `Client` over its
 * `StreamableHTTPClientTransport`.
 */

/** Bearer tokens by name; CLERK_MCP_HTTP_TOKENS holds only their SHA-256. */
export const TOKENS = {
  alice: "alice-token-0123456789abcdef",
  bob: "bob-token-0123456789abcdef",
  carol: "carol-token-0123456789abcdef",
} as const;

export const SECRET = "confirm-secret-0123456789abcdef0123456789";

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** CLERK_MCP_HTTP_TOKENS for every token in TOKENS. */
export const TOKEN_ENV = Object.entries(TOKENS)
  .map(([name, token]) => `${name}:${sha256(token)}`)
  .join(",");

export interface RemoteOptionsForTest {
  seed?: SeedData;
  /** Environment of every instance (CLERK_MCP_*); tokens and the secret are set unless given. */
  env?: Record<string, string>;
  /** Flags of every instance, after `--transport http --auth token`. */
  argv?: string[];
  /** Per instance: extra environment (e.g. another secret). */
  perInstanceEnv?: Array<Record<string, string>>;
  instances?: number;
  config?: Partial<Config>;
  /** Seconds since the epoch, for confirmation tokens. */
  now?: () => number;
}

export interface RemoteHarness {
  emu: Emulator;
  /** Base URLs (`http://127.0.0.1:port`), one per instance. */
  urls: string[];
  /** Which instance (index) served each HTTP request made through `connect(…, "round-robin")`. */
  served: number[];
  /**
   * A connected client. `target`: an instance's index, or "round-robin": every HTTP request
   * goes to the next instance in turn.
   */
  connect(token: string | undefined, target?: number | "round-robin"): Promise<Client>;
  close(): Promise<void>;
}

export async function startRemote(opts: RemoteOptionsForTest = {}): Promise<RemoteHarness> {
  const emu = await startEmulator(opts.seed ? { seed: opts.seed } : {});
  const config: Config = {
    secretKey: emu.secretKey,
    instance: "development",
    apiUrl: emu.url,
    timeoutMs: 2_000,
    ...DEFAULT_CONTROLS,
    ...opts.config,
  };
  const servers: Server[] = [];
  const urls: string[] = [];
  for (let i = 0; i < (opts.instances ?? 1); i++) {
    const env = {
      CLERK_MCP_HTTP_TOKENS: TOKEN_ENV,
      CLERK_MCP_CONFIRM_SECRET: SECRET,
      ...opts.env,
      ...opts.perInstanceEnv?.[i],
    };
    const { remote } = loadRemoteOptions(env, [
      "--transport",
      "http",
      "--auth",
      "token",
      ...(opts.argv ?? []),
    ]);
    const clerk = createClerkGateway(config, { ...DEFAULT_RETRY, baseDelayMs: 5 });
    const handler = createHttpHandler({
      config,
      remote,
      log: silentLogger,
      clerk,
      ...(opts.now ? { now: opts.now } : {}),
    });
    const { server, url } = await listen(handler, "127.0.0.1", 0);
    servers.push(server);
    urls.push(url);
  }
  const clients: Client[] = [];
  const served: number[] = [];
  let next = 0;
  const roundRobin = (input: string | URL, init?: RequestInit) => {
    const target = new URL(input);
    const i = next++ % urls.length;
    served.push(i);
    target.host = new URL(urls[i] ?? "").host;
    return fetch(target, init);
  };
  return {
    emu,
    urls,
    served,
    async connect(token, target = 0) {
      const transport = new StreamableHTTPClientTransport(
        new URL(`${urls[target === "round-robin" ? 0 : target]}/mcp`),
        {
          requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
          ...(target === "round-robin" ? { fetch: roundRobin } : {}),
        },
      );
      const client = new Client({ name: "http-test", version: "1.0.0" });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
      await emu.close();
    },
  };
}

export function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  return client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
}

/** A raw POST to `/mcp` of `url`, with the headers a Streamable HTTP client sends. */
export function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/mcp`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      ...headers,
    },
    body,
  });
}

/** An `initialize` request body. */
export const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "raw", version: "0" },
  },
});
