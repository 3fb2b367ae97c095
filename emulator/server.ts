import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, defaultErrorFor, errorBody } from "./errors.js";
import type { Query, Route, RouteResult } from "./routes/common.js";
import { invitationRoutes } from "./routes/invitations.js";
import { organizationRoutes, userOrganizationRoutes } from "./routes/organizations.js";
import { restrictionRoutes } from "./routes/restrictions.js";
import { roleRoutes } from "./routes/roles.js";
import { sessionRoutes } from "./routes/sessions.js";
import { serializeUser, userRoutes } from "./routes/users.js";
import { waitlistRoutes } from "./routes/waitlist.js";
import { Store } from "./state.js";
import type { Emulator, Fault, RateLimit, RequestLogEntry, StartEmulatorOptions } from "./types.js";

export const DEFAULT_SECRET_KEY = "sk_test_emulator_0000000000000000";
const JSON_TYPE = "application/json";
/** Where the emulator serves its request log (GET, JSON array of RequestLogEntry). */
export const REQUEST_LOG_PATH = "/__emulator/requests";

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

/**
 * Path parameters only match `[A-Za-z0-9_-]+` on the raw (undecoded) path, so a target such as
 * `/v1/invitations/inv_1/../../users/x/ban` or one with `%2e%2e` can never reach another route.
 */
function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split("/")
    .map((seg) => {
      if (seg.startsWith(":")) {
        names.push(seg.slice(1));
        return "([A-Za-z0-9_-]+)";
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { route, regex: new RegExp(`^${source}$`), names };
}

const ROUTES: CompiledRoute[] = [
  ...invitationRoutes,
  ...userRoutes,
  ...organizationRoutes,
  ...userOrganizationRoutes,
  ...roleRoutes,
  ...sessionRoutes,
  ...restrictionRoutes,
  ...waitlistRoutes,
].map(compile);

function parseQuery(raw: string): Query {
  const out: Query = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  }
  return out;
}

function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function pathMatches(fault: Fault, method: string, path: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (fault.path === undefined) return true;
  if (typeof fault.path === "string") return fault.path === path;
  fault.path.lastIndex = 0;
  return fault.path.test(path);
}

function hasHeader(headers: Record<string, string> | undefined, name: string): boolean {
  return Object.keys(headers ?? {}).some((h) => h.toLowerCase() === name);
}

/**
 * Starts the Clerk Backend API emulator on 127.0.0.1 (`opts.port`, default any free port).
 * Serves `/v1/invitations…`, `/v1/organizations/{id}/invitations…`, `/v1/organizations/{id}`
 * and `/v1/users…` in Clerk's wire format (JSON, Unix-ms timestamps, Clerk error bodies),
 * checks `Authorization: Bearer <secretKey>` on every `/v1` route, and logs every request.
 * @returns the running emulator; `close()` stops it and drops open connections.
 * @throws the listen error (e.g. EADDRINUSE for a taken `port`).
 */
export function startEmulator(opts: StartEmulatorOptions = {}): Promise<Emulator> {
  const now = opts.now ?? Date.now;
  const secretKey = opts.secretKey ?? DEFAULT_SECRET_KEY;
  const store = new Store(now);
  const requests: RequestLogEntry[] = [];
  let faults: Array<{ fault: Fault; left: number }> = [];
  let rateLimit: RateLimit | undefined = opts.rateLimit;
  let window = { start: 0, count: 0 };
  let rateLimitedCount = 0;
  const timers = new Set<NodeJS.Timeout>();

  if (opts.seed) store.seed(opts.seed);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  /** Returns the Retry-After seconds when this request is beyond the limit. */
  function rateLimitHit(): number | undefined {
    if (!rateLimit) return undefined;
    const t = now();
    if (window.count === 0 || t >= window.start + rateLimit.windowMs)
      window = { start: t, count: 0 };
    window.count += 1;
    if (window.count <= rateLimit.requests) return undefined;
    return Math.max(1, Math.ceil((window.start + rateLimit.windowMs - t) / 1000));
  }

  function takeFault(method: string, path: string): Fault | undefined {
    const slot = faults.find((f) => f.left > 0 && pathMatches(f.fault, method, path));
    if (!slot) return undefined;
    slot.left -= 1;
    faults = faults.filter((f) => f.left > 0);
    return slot.fault;
  }

  function dispatch(
    method: string,
    path: string,
    query: Query,
    body: unknown,
    auth: string | undefined,
  ): RouteResult {
    try {
      if (path === "/v1" || path.startsWith("/v1/")) {
        if (auth !== `Bearer ${secretKey}`) {
          throw new ApiError(
            401,
            "authentication_invalid",
            "Invalid authentication",
            "Unable to authenticate the request, you need to supply an active session",
          );
        }
      }
      for (const c of ROUTES) {
        if (c.route.method !== method) continue;
        const m = c.regex.exec(path);
        if (!m) continue;
        const params: Record<string, string> = {};
        c.names.forEach((n, i) => {
          params[n] = m[i + 1] ?? "";
        });
        return c.route.handler({ store, query, body, params });
      }
      throw new ApiError(
        404,
        "resource_not_found",
        "not found",
        `No route matches ${method} ${path}.`,
      );
    } catch (err) {
      if (err instanceof ApiError) return { status: err.status, body: errorBody(err.errors) };
      const message = err instanceof Error ? err.message : String(err);
      return {
        status: 500,
        body: errorBody([{ ...defaultErrorFor(500), meta: { emulator_error: message } }]),
      };
    }
  }

  function send(
    res: ServerResponse,
    entry: RequestLogEntry,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    entry.status = status;
    if (typeof body === "string") {
      const h = hasHeader(headers, "content-type")
        ? headers
        : { "Content-Type": "text/plain", ...headers };
      res.writeHead(status, h);
      res.end(body);
      return;
    }
    const h = hasHeader(headers, "content-type")
      ? headers
      : { "Content-Type": JSON_TYPE, ...headers };
    res.writeHead(status, h);
    res.end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const target = req.url ?? "/";
    const q = target.indexOf("?");
    const path = q === -1 ? target : target.slice(0, q);
    if (path === REQUEST_LOG_PATH) {
      // The log as JSON, for a person trying the server without an account. Served outside /v1 so
      // it can never shadow a Clerk route, and not logged itself. Entries hold no headers, so the
      // Authorization header (the secret key) is never in it.
      req.resume();
      const status = method === "GET" ? 200 : 405;
      res.writeHead(status, { "Content-Type": JSON_TYPE });
      res.end(JSON.stringify(status === 200 ? requests : errorBody([defaultErrorFor(405)])));
      return;
    }
    const entry: RequestLogEntry = {
      method,
      path: target,
      query: parseQuery(q === -1 ? "" : target.slice(q + 1)),
      body: undefined,
      status: 0,
      at: now(),
      aborted: false,
    };
    requests.push(entry);
    let resetByUs = false;
    res.on("close", () => {
      if (!res.writableFinished && !resetByUs) entry.aborted = true;
    });
    entry.body = parseBody(await readBody(req));

    if (path === "/v1" || path.startsWith("/v1/")) {
      const retryAfter = rateLimitHit();
      if (retryAfter !== undefined) {
        rateLimitedCount += 1;
        send(res, entry, 429, errorBody([defaultErrorFor(429)]), {
          "Retry-After": String(retryAfter),
        });
        return;
      }
    }

    const fault = takeFault(method, path);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.until) await fault.until.catch(() => undefined);
    if (fault?.reset) {
      entry.status = 0;
      resetByUs = true;
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined && fault.applyThenFail === undefined) {
      const body = fault.body ?? errorBody([defaultErrorFor(fault.status)]);
      send(res, entry, fault.status, body, fault.headers);
      return;
    }

    const result = dispatch(method, path, entry.query, entry.body, req.headers.authorization);
    if (fault?.applyThenFail !== undefined) {
      const body = fault.body ?? errorBody([defaultErrorFor(fault.applyThenFail)]);
      send(res, entry, fault.applyThenFail, body, fault.headers);
      return;
    }
    send(res, entry, result.status, result.body, fault?.headers);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": JSON_TYPE });
        res.end(JSON.stringify(errorBody([defaultErrorFor(500)])));
      }
    });
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      const emulator: Emulator = {
        url: `http://127.0.0.1:${port}`,
        secretKey,
        requests,
        clearRequests: () => {
          requests.length = 0;
        },
        writes: () => requests.filter((r) => r.method !== "GET"),
        seed: (data) => {
          store.seed(data);
        },
        addInvitation: (p) => store.addInvitation(p),
        getInvitation: (id) => store.getInvitation(id),
        addOrganizationInvitation: (p) => store.addOrgInvitation(p),
        getOrganizationInvitation: (id) => store.getOrgInvitation(id),
        getUser: (id) => {
          const user = store.users.get(id);
          return user ? serializeUser(store, user) : undefined;
        },
        inject: (fault) => {
          faults.push({ fault, left: fault.times ?? 1 });
        },
        clearFaults: () => {
          faults = [];
        },
        setRateLimit: (limit) => {
          rateLimit = limit;
          window = { start: 0, count: 0 };
        },
        rateLimited: () => rateLimitedCount,
        reset: () => {
          store.clear();
          requests.length = 0;
          faults = [];
          window = { start: 0, count: 0 };
          rateLimitedCount = 0;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const t of timers) clearTimeout(t);
            timers.clear();
            server.close(() => done());
            server.closeAllConnections();
          }),
      };
      resolve(emulator);
    });
  });
}
