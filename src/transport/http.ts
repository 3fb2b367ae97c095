import {
  createServer as createNodeServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { type ClerkGateway, createClerkGateway } from "../clerk/client.js";
import { type Config, ConfigError } from "../config.js";
import type { Logger } from "../log.js";
import { type AuditLog, createAuditLog } from "../safety/audit.js";
import type { TokenConfirmation } from "../safety/confirm-token.js";
import type { InFlight } from "../safety/inflight.js";
import { selectTools } from "../safety/selection.js";
import { createServer } from "../server.js";
import { ALL_TOOLS } from "../tools/registry.js";
import type { Actor } from "../tools/types.js";
import {
  createTokenVerifier,
  protectedResourceMetadata,
  resourceMetadataUrl,
  type TokenVerifier,
} from "./clerk-oauth.js";
import { guardTransport } from "./guard.js";
import { authenticate, bearerToken, mayWrite } from "./http-auth.js";
import type { RemoteOptions } from "./http-config.js";
import { createRateLimiter } from "./rate-limit.js";

/**
 * Remote mode's HTTP layer: MCP Streamable HTTP at `/mcp`, stateless. Each POST builds its
 * own server (`createServer`, with the caller as actor, read-only unless they are a writer)
 * and its own SDK transport (`sessionIdGenerator: undefined`), answers, and is dropped: any
 * request may land on any instance, and nothing is kept between requests except what is
 * shared on purpose: the Clerk gateway (one connection pool and one rate-limit gate for the
 * instance's key), the audit log and the per-actor rate limiter. The tools know nothing of
 * HTTP; a later transport changes this file, not them.
 *
 * Checks, in order: path (`/healthz` answers 200 without auth and without calling Clerk;
 * under `--auth clerk`, `/.well-known/oauth-protected-resource[/mcp]` answers the RFC 9728
 * metadata; anything but `/mcp` is 404), `Origin` (403 unless absent or listed),
 * authentication (401 with `WWW-Authenticate: Bearer`, naming the metadata under `--auth
 * clerk`; 503 when Clerk could not be asked about a token), method (POST only: 405; a stateless server has no stream
 * to offer on GET and no session to DELETE), body (413 over 1 MB, 400 if not JSON), rate
 * limit (429 with `Retry-After`, counting `tools/call` messages).
 */

/** Largest request body read, in bytes. */
export const MAX_BODY_BYTES = 1_048_576;

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface HttpHandlerDeps {
  config: Config;
  remote: RemoteOptions;
  log: Logger;
  /** Shared by every request; defaults to one built from `config`. */
  clerk?: ClerkGateway;
  /** Defaults to the file `config.auditLog` names, if any. */
  audit?: AuditLog;
  inflight?: InFlight;
  /** Seconds since the epoch, for confirmation tokens; tests move it. */
  now?: () => number;
}

/**
 * The `(req, res)` handler for Node's `http` server or any framework built on it.
 * @throws ConfigError when the tool selection leaves readers no tool.
 */
export function createHttpHandler(deps: HttpHandlerDeps): NodeHandler {
  const { config, remote, log } = deps;
  const clerk = deps.clerk ?? createClerkGateway(config);
  const audit =
    deps.audit ?? (config.auditLog ? createAuditLog(config.auditLog, config) : undefined);
  const limiter = createRateLimiter(remote.rateLimit);
  const tokenConfirmation: TokenConfirmation = {
    secret: remote.confirmSecret,
    ttlS: remote.confirmTtlS,
    ...(deps.now ? { now: deps.now } : {}),
  };
  // Fail at start, not on a reader's first request.
  selectTools(ALL_TOOLS, config);
  try {
    selectTools(ALL_TOOLS, { ...config, readOnly: true });
  } catch {
    throw new ConfigError(
      "The tool selection has no read tool, so callers who are not --writers would have none. Add a read toolset or tool.",
    );
  }
  const verifier: TokenVerifier | undefined = remote.clerkAuth
    ? createTokenVerifier({ clerk, auth: remote.clerkAuth })
    : undefined;
  if (remote.auth === "clerk" && !remote.clerkAuth) {
    throw new ConfigError("--auth clerk needs --public-url (CLERK_MCP_PUBLIC_URL).");
  }
  const metadataPaths = remote.clerkAuth
    ? new Set([
        "/.well-known/oauth-protected-resource",
        new URL(resourceMetadataUrl(remote.clerkAuth)).pathname,
      ])
    : new Set<string>();
  const challenge = remote.clerkAuth
    ? `Bearer resource_metadata="${resourceMetadataUrl(remote.clerkAuth)}"`
    : 'Bearer realm="clerk-admin-mcp"';
  // The selection was logged at start; per-request servers would repeat it on every request.
  const requestLog: Logger = { info: () => {}, error: (m, e) => log.error(m, e) };

  return async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (path === "/healthz") {
        if (req.method !== "GET" && req.method !== "HEAD") {
          return send(res, 405, { error: "method not allowed" }, { Allow: "GET, HEAD" });
        }
        return send(res, 200, { status: "ok" });
      }
      if (remote.clerkAuth && metadataPaths.has(path)) {
        if (req.method !== "GET" && req.method !== "HEAD") {
          return send(res, 405, { error: "method not allowed" }, { Allow: "GET, HEAD" });
        }
        // Public by nature, and read by browser-based clients from another origin.
        return send(res, 200, protectedResourceMetadata(remote.clerkAuth), {
          "Access-Control-Allow-Origin": "*",
          "Cache-Control": "public, max-age=300",
        });
      }
      if (path !== "/mcp") return send(res, 404, { error: "not found; MCP is served at /mcp" });

      const origin = req.headers.origin;
      if (origin !== undefined && !originAllowed(origin, remote.allowedOrigins)) {
        return sendRpcError(res, 403, "Forbidden: this Origin is not allowed (--allowed-origins).");
      }
      let actor: Actor | undefined;
      let refusal = "a valid bearer token is required";
      if (verifier) {
        const token = bearerToken(req);
        const verified = token === undefined ? undefined : await verifier.verify(token);
        if (verified?.ok) actor = verified.actor;
        else if (verified && !verified.invalid) {
          log.error(`token verification: ${verified.reason}`);
          return sendRpcError(
            res,
            503,
            "Service unavailable: the access token could not be verified with Clerk just now. Retry shortly.",
            { "Retry-After": "5" },
          );
        } else if (verified) refusal = verified.reason;
      } else actor = authenticate(req, remote);
      if (!actor) {
        const given = req.headers.authorization !== undefined;
        return sendRpcError(res, 401, `Unauthorized: ${refusal}.`, {
          "WWW-Authenticate": given ? `${challenge}, error="invalid_token"` : challenge,
        });
      }
      if (req.method !== "POST") {
        return sendRpcError(
          res,
          405,
          "Method not allowed: this stateless server takes POST only.",
          {
            Allow: "POST",
          },
        );
      }
      const body = await readBody(req);
      if (body === "too_large") {
        return sendRpcError(res, 413, `Request body over ${MAX_BODY_BYTES} bytes.`, {
          Connection: "close",
        });
      }
      if (body === "not_json") {
        return sendRpcError(res, 400, "Parse error: the body is not JSON.", {}, -32700);
      }
      const calls = toolCalls(body);
      const wait = limiter.take(`${actor.kind}:${actor.id}`, calls);
      if (wait > 0) {
        return sendRpcError(
          res,
          429,
          `Too many tool calls: more than ${remote.rateLimit} a minute for ${actor.id}. Retry after ${wait} s.`,
          { "Retry-After": String(wait) },
        );
      }

      // The TCP peer, as this server saw it: a proxy's X-Forwarded-For is the caller's to write.
      const clientIp = req.socket.remoteAddress;
      const writer = await mayWrite(
        actor,
        remote.writers,
        verifier
          ? (userId) =>
              verifier.memberships(userId).catch((err: unknown) => {
                // Failing closed: without the memberships, org_…:ROLE grants nothing.
                log.error("organization memberships for --writers", err);
                return [];
              })
          : undefined,
      );
      const server = createServer({
        config: writer ? config : { ...config, readOnly: true },
        clerk,
        log: requestLog,
        ...(audit ? { audit } : {}),
        ...(deps.inflight ? { inflight: deps.inflight } : {}),
        actor: { ...actor, ...(clientIp ? { clientIp } : {}) },
        // --no-confirm: no confirmation at all, and so no confirmation_token argument.
        ...(config.confirm ? { tokenConfirmation } : {}),
      });
      // SSE for tool calls, so progress notifications reach the client in the response
      // stream; plain JSON for the rest (initialize, tools/list, notifications).
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: calls === 0,
      });
      // Closing the response (answered, or the client gone) ends this request's server: a
      // call still running is aborted, as a cancelled call is over stdio.
      res.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      guardTransport(transport);
      await transport.handleRequest(req, res, body);
    } catch (err) {
      log.error("http request failed", err);
      if (!res.headersSent)
        sendRpcError(res, 500, "Internal error; details are in the server log.");
      else res.end();
    }
  };
}

/** True when `origin` (an `Origin` header) is one of `allowed` (already normalised). */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  try {
    return allowed.includes(new URL(origin).origin);
  } catch {
    // `null` (a sandboxed page, a file) and anything unparsable.
    return false;
  }
}

/** Number of `tools/call` requests in a JSON-RPC message or batch. */
function toolCalls(body: unknown): number {
  const messages = Array.isArray(body) ? body : [body];
  return messages.filter(
    (m) =>
      typeof m === "object" && m !== null && (m as { method?: unknown }).method === "tools/call",
  ).length;
}

/** The parsed JSON body, or why not; reading stops once more than `MAX_BODY_BYTES` came. */
async function readBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return "too_large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return "too_large";
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    return "not_json";
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** A JSON-RPC error with no id, as the SDK's transport answers HTTP-level refusals. */
function sendRpcError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
  code = -32000,
): void {
  send(res, status, { jsonrpc: "2.0", error: { code, message }, id: null }, headers);
}

/**
 * Listens with Node's `http` on `host`:`port` (0: any free port).
 * @returns the server and its base URL (`http://host:port`).
 */
export async function listen(
  handler: NodeHandler,
  host: string,
  port: number,
): Promise<{ server: Server; url: string }> {
  const server = createNodeServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { server, url: `http://${shownHost}:${address.port}` };
}
