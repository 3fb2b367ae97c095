import { randomBytes } from "node:crypto";
import { ConfigError } from "../config.js";

/**
 * Remote mode's options (`--transport http` and what goes with it), parsed apart from
 * src/config.ts: `splitRemoteArgs` takes its flags out of `argv` and hands the rest to
 * `loadConfig`, so the stdio options and these never need to know about each other.
 * Pure: takes `env` and `argv`, returns options or throws `ConfigError` (one line, no secret).
 */

export type AuthMode = "none" | "token" | "clerk";

/** One entry of `CLERK_MCP_HTTP_TOKENS`: a name (the actor) and the SHA-256 of its token. */
export interface TokenEntry {
  name: string;
  /** 32 bytes: SHA-256 of the bearer token. */
  sha256: Buffer;
}

/** One entry of `--writers`. */
export type WriterRule =
  | { kind: "user"; id: string }
  | { kind: "email"; email: string }
  | { kind: "token"; name: string }
  | { kind: "org_role"; organizationId: string; role: string };

export interface RemoteOptions {
  transport: "stdio" | "http";
  /** TCP port (`--port`, else `PORT`, else 8787). */
  port: number;
  /** Interface to listen on (`--host`, default 127.0.0.1). */
  host: string;
  auth: AuthMode;
  /** `--auth token`: the accepted tokens. */
  tokens: TokenEntry[];
  /** Browser origins (scheme://host[:port], lowercase) allowed to call; no Origin is always allowed. */
  allowedOrigins: string[];
  /** Tool calls per minute per actor; 0 turns the limit off. */
  rateLimit: number;
  /** Who may use write tools; empty: nobody. */
  writers: WriterRule[];
  /** `--auth clerk`: the protected resource and its authorization server. */
  clerkAuth?: ClerkAuthOptions;
  /** HMAC key for confirmation tokens (`CLERK_MCP_CONFIRM_SECRET`, else random per process on loopback). */
  confirmSecret: Buffer;
  /** True when `confirmSecret` was made up at start: tokens only work on this process. */
  confirmSecretGenerated: boolean;
  /** Lifetime of a confirmation token, in seconds. */
  confirmTtlS: number;
}

/** `--auth clerk`: this server as an OAuth 2.1 protected resource of a Clerk instance. */
export interface ClerkAuthOptions {
  /**
   * The MCP endpoint's public URL (`--public-url`, normalised to end in `/mcp`): the protected
   * resource's identifier in its metadata, and the audience every access token must carry.
   */
  resource: string;
  /**
   * The authorization server: the Clerk instance's frontend API (`https://` + the host its
   * publishable key encodes), or `CLERK_MCP_AUTH_SERVER_URL` (loopback only, for the emulator).
   */
  issuer: string;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = "127.0.0.1";
/**
 * Tool calls per minute per actor: a burst of this many, then 100 a second. Far above a
 * person's or an agent's pace (and `npm run bench:http`'s), so only a runaway loop meets it.
 */
export const DEFAULT_RATE_LIMIT = 6_000;
export const DEFAULT_CONFIRM_TTL_S = 300;

/** Each remote flag and its environment variable. */
export const REMOTE_FLAGS = {
  transport: "CLERK_MCP_TRANSPORT",
  port: "PORT",
  host: "CLERK_MCP_HOST",
  auth: "CLERK_MCP_AUTH",
  "allowed-origins": "CLERK_MCP_ALLOWED_ORIGINS",
  "rate-limit": "CLERK_MCP_RATE_LIMIT",
  writers: "CLERK_MCP_WRITERS",
  "public-url": "CLERK_MCP_PUBLIC_URL",
} as const;

type RemoteFlag = keyof typeof REMOTE_FLAGS;

/** `--help` text for remote mode, appended to the stdio options' text by the bin. */
export const REMOTE_USAGE = `
Remote mode (MCP Streamable HTTP at /mcp, stateless; see README "Remote mode"):
  --transport stdio|http     stdio (default) or http                       CLERK_MCP_TRANSPORT
  --port N                   port to listen on (default 8787)             PORT
  --host HOST                interface (default 127.0.0.1)                CLERK_MCP_HOST
  --auth none|token|clerk    none: loopback only; token: bearer tokens;   CLERK_MCP_AUTH
                             clerk: people sign in through Clerk (OAuth)
  --public-url URL           --auth clerk: the public URL of /mcp         CLERK_MCP_PUBLIC_URL
  --allowed-origins LIST     browser origins allowed (default none)       CLERK_MCP_ALLOWED_ORIGINS
  --rate-limit N             tool calls a minute per caller (6000; 0 off) CLERK_MCP_RATE_LIMIT
  --writers LIST             who may write: user_…, emails, token names,  CLERK_MCP_WRITERS
                             org_…:ROLE; default nobody
  CLERK_MCP_HTTP_TOKENS      name:sha256hex-of-token, comma-separated (--auth token)
  CLERK_MCP_AUTH_PUBLISHABLE_KEY  --auth clerk: the instance people sign in to
                             (default CLERK_PUBLISHABLE_KEY)
  CLERK_MCP_AUTH_SERVER_URL  --auth clerk: its frontend API, loopback http only
                             (tests and the emulator)
  CLERK_MCP_CONFIRM_SECRET   HMAC key for confirmation tokens, 32+ characters, shared by
                             all instances (required off loopback)
  CLERK_MCP_CONFIRM_TTL_S    lifetime of a confirmation token, 10-3600 s (default 300)
`;

/**
 * Takes remote mode's flags (`--name value` or `--name=value`) out of `argv`.
 * @returns the flags found, and `rest`: the other arguments, in order, for `loadConfig`.
 * @throws ConfigError when a remote flag has no value.
 */
export function splitRemoteArgs(argv: readonly string[]): {
  flags: Partial<Record<RemoteFlag, string>>;
  rest: string[];
} {
  const flags: Partial<Record<RemoteFlag, string>> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    if (!match || !name || !(name in REMOTE_FLAGS)) {
      rest.push(arg);
      continue;
    }
    let value = match[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        throw new ConfigError(`--${name} needs a value (see --help).`);
      }
      value = next;
      i++;
    }
    flags[name as RemoteFlag] = value;
  }
  return { flags, rest };
}

/**
 * Remote mode's options from `env` and `argv` (a flag wins over its variable).
 * @returns the options and the arguments left for `loadConfig`.
 * @throws ConfigError on a malformed value, `--auth none` off loopback, no tokens for
 *   `--auth token`, or no `CLERK_MCP_CONFIRM_SECRET` off loopback.
 */
export function loadRemoteOptions(
  env: Record<string, string | undefined>,
  argv: readonly string[],
): { remote: RemoteOptions; rest: string[] } {
  const { flags, rest } = splitRemoteArgs(argv);
  const get = (name: RemoteFlag): string | undefined => {
    const value = flags[name] ?? env[REMOTE_FLAGS[name]];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  const transport = get("transport") ?? "stdio";
  if (transport !== "stdio" && transport !== "http") {
    throw new ConfigError("--transport (CLERK_MCP_TRANSPORT) must be stdio or http.");
  }
  const host = get("host") ?? DEFAULT_HOST;
  const loopback = isLoopbackHost(host);
  const auth = get("auth") ?? "none";
  if (auth !== "none" && auth !== "token" && auth !== "clerk") {
    throw new ConfigError("--auth (CLERK_MCP_AUTH) must be none, token or clerk.");
  }
  if (transport === "http" && auth === "none" && !loopback) {
    throw new ConfigError(
      `--auth none is accepted only on loopback (127.0.0.1, ::1, localhost), and --host is ${host}: anyone who can reach it could use the secret key. Use --auth token with CLERK_MCP_HTTP_TOKENS.`,
    );
  }
  const remote: RemoteOptions = {
    transport,
    port: parseInteger(get("port"), "--port (PORT)", DEFAULT_PORT, 0, 65_535),
    host,
    auth,
    tokens: auth === "token" ? parseTokens(env.CLERK_MCP_HTTP_TOKENS) : [],
    allowedOrigins: splitList(get("allowed-origins")).map(parseOrigin),
    rateLimit: parseInteger(
      get("rate-limit"),
      "--rate-limit (CLERK_MCP_RATE_LIMIT)",
      DEFAULT_RATE_LIMIT,
      0,
      1_000_000,
    ),
    writers: splitList(get("writers")).map(parseWriter),
    ...(auth === "clerk" && transport === "http"
      ? { clerkAuth: parseClerkAuth(env, get("public-url")) }
      : {}),
    confirmTtlS: parseInteger(
      env.CLERK_MCP_CONFIRM_TTL_S?.trim() || undefined,
      "CLERK_MCP_CONFIRM_TTL_S",
      DEFAULT_CONFIRM_TTL_S,
      10,
      3_600,
    ),
    ...confirmSecret(env.CLERK_MCP_CONFIRM_SECRET, loopback, transport === "http"),
  };
  return { remote, rest };
}

/** 127.0.0.0/8, ::1 (with or without brackets) or localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === "localhost" || h === "::1" || h === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function splitList(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function parseInteger(
  raw: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}.`);
  }
  return n;
}

const TOKEN_NAME = /^[A-Za-z0-9._-]{1,64}$/;

function parseTokens(raw: string | undefined): TokenEntry[] {
  const entries = splitList(raw);
  if (entries.length === 0) {
    throw new ConfigError(
      '--auth token needs CLERK_MCP_HTTP_TOKENS: comma-separated name:sha256hex entries, the SHA-256 of each token in hex (for example: printf %s "$TOKEN" | sha256sum).',
    );
  }
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const [name = "", hash = "", ...extra] = entry.split(":");
    if (!TOKEN_NAME.test(name) || !/^[0-9a-fA-F]{64}$/.test(hash) || extra.length > 0) {
      // The entry itself is not echoed: a plain token pasted by mistake would end up in a log.
      throw new ConfigError(
        `CLERK_MCP_HTTP_TOKENS entry ${i + 1} is not name:sha256hex (a name of letters, digits, . _ -, a colon, and 64 hex digits: the SHA-256 of the token, never the token itself).`,
      );
    }
    if (seen.has(name)) {
      throw new ConfigError(`CLERK_MCP_HTTP_TOKENS names ${name} twice.`);
    }
    seen.add(name);
    return { name, sha256: Buffer.from(hash, "hex") };
  });
}

function parseOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `--allowed-origins has ${JSON.stringify(raw.slice(0, 60))}, not an origin such as https://app.example.com.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(
      "--allowed-origins takes http(s) origins such as https://app.example.com.",
    );
  }
  return url.origin;
}

const USER_ID = /^user_[A-Za-z0-9]{1,64}$/;
const ORG_ROLE = /^(org_[A-Za-z0-9]{1,64}):([A-Za-z0-9:_-]{1,64})$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/**
 * The `--writers` rules that no caller can match under `auth`: with `--auth token` the actor is
 * a token's name; with `--auth clerk`, a signed-in person (user ID, email, organization role);
 * with `--auth none`, `local`. The bin warns about them at start, since such a rule grants
 * nothing and the operator most likely meant another mode.
 */
export function unmatchableWriters(remote: Pick<RemoteOptions, "auth" | "writers">): string[] {
  const shown = (r: WriterRule) =>
    r.kind === "user"
      ? r.id
      : r.kind === "email"
        ? r.email
        : r.kind === "token"
          ? r.name
          : `${r.organizationId}:${r.role}`;
  const matchable = (r: WriterRule) =>
    remote.auth === "token"
      ? r.kind === "token"
      : remote.auth === "clerk"
        ? r.kind !== "token"
        : r.kind === "token" && r.name === "local";
  return remote.writers.filter((r) => !matchable(r)).map(shown);
}

function parseWriter(raw: string): WriterRule {
  if (USER_ID.test(raw)) return { kind: "user", id: raw };
  const org = ORG_ROLE.exec(raw);
  if (org?.[1] && org[2]) return { kind: "org_role", organizationId: org[1], role: org[2] };
  if (EMAIL.test(raw)) return { kind: "email", email: raw.toLowerCase() };
  if (TOKEN_NAME.test(raw)) return { kind: "token", name: raw };
  throw new ConfigError(
    `--writers (CLERK_MCP_WRITERS) has ${JSON.stringify(raw.slice(0, 60))}: expected user_… IDs, email addresses, token names or org_…:ROLE.`,
  );
}

function confirmSecret(
  raw: string | undefined,
  loopback: boolean,
  http: boolean,
): Pick<RemoteOptions, "confirmSecret" | "confirmSecretGenerated"> {
  const value = raw?.trim() ?? "";
  if (value !== "") {
    if (value.length < 32) {
      throw new ConfigError(
        "CLERK_MCP_CONFIRM_SECRET must be at least 32 characters (for example: openssl rand -hex 32).",
      );
    }
    return { confirmSecret: Buffer.from(value, "utf8"), confirmSecretGenerated: false };
  }
  if (http && !loopback) {
    throw new ConfigError(
      "CLERK_MCP_CONFIRM_SECRET is required when serving HTTP beyond loopback: every instance signs and checks confirmation tokens with it (at least 32 characters, for example: openssl rand -hex 32).",
    );
  }
  // One process on this machine: a key of its own is enough; its tokens die with it.
  return { confirmSecret: randomBytes(32), confirmSecretGenerated: true };
}

/**
 * `--auth clerk`'s resource and authorization server.
 * @throws ConfigError without `--public-url`, with one that is not https (http only for a
 *   loopback host) or has a path other than `/mcp`, without a publishable key, or with a
 *   `CLERK_MCP_AUTH_SERVER_URL` that is not on loopback.
 */
function parseClerkAuth(
  env: Record<string, string | undefined>,
  rawPublicUrl: string | undefined,
): ClerkAuthOptions {
  if (rawPublicUrl === undefined) {
    throw new ConfigError(
      "--auth clerk needs --public-url (CLERK_MCP_PUBLIC_URL): the URL clients connect to, such as https://clerk-mcp.example.com/mcp. It is the audience every access token must name, so it is never taken from a request's Host header.",
    );
  }
  let url: URL;
  try {
    url = new URL(rawPublicUrl);
  } catch {
    throw new ConfigError(
      "--public-url is not a URL: expected the public URL of /mcp, such as https://clerk-mcp.example.com/mcp.",
    );
  }
  const path = url.pathname.replace(/\/+$/, "");
  if (
    !(url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname))) ||
    (path !== "" && path !== "/mcp") ||
    url.search !== "" ||
    url.hash !== "" ||
    url.username !== "" ||
    url.password !== ""
  ) {
    throw new ConfigError(
      "--public-url must be https (http only on loopback), with no path but /mcp, no query and no fragment, such as https://clerk-mcp.example.com/mcp.",
    );
  }
  const resource = `${url.origin}/mcp`;
  const override = env.CLERK_MCP_AUTH_SERVER_URL?.trim();
  if (override) {
    let server: URL;
    try {
      server = new URL(override);
    } catch {
      throw new ConfigError("CLERK_MCP_AUTH_SERVER_URL is not a URL.");
    }
    if (!isLoopbackHost(server.hostname.replace(/^\[|\]$/g, "")) || server.pathname !== "/") {
      throw new ConfigError(
        "CLERK_MCP_AUTH_SERVER_URL is for tests against a local stand-in (the emulator): it must be an http(s) origin on loopback (127.0.0.1, ::1, localhost). A real instance is named by its publishable key.",
      );
    }
    return { resource, issuer: server.origin };
  }
  const key = (env.CLERK_MCP_AUTH_PUBLISHABLE_KEY ?? env.CLERK_PUBLISHABLE_KEY)?.trim();
  if (!key) {
    throw new ConfigError(
      "--auth clerk needs the publishable key of the Clerk instance people sign in to: CLERK_MCP_AUTH_PUBLISHABLE_KEY (or CLERK_PUBLISHABLE_KEY).",
    );
  }
  return { resource, issuer: `https://${frontendApiHost(key)}` };
}

/**
 * The frontend API host a publishable key encodes: `pk_test_` or `pk_live_`, then base64 of
 * the host followed by `$`.
 * @throws ConfigError when the key is not of that form (the key itself is not echoed).
 */
export function frontendApiHost(publishableKey: string): string {
  const match = /^pk_(?:test|live)_([A-Za-z0-9+/=_-]+)$/.exec(publishableKey);
  const decoded = match?.[1]
    ? Buffer.from(match[1].replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8")
    : "";
  const host = decoded.endsWith("$") ? decoded.slice(0, -1) : "";
  if (!/^[a-z0-9.-]+\.[a-z]{2,}(?::\d{1,5})?$/i.test(host)) {
    throw new ConfigError(
      "The publishable key (CLERK_MCP_AUTH_PUBLISHABLE_KEY or CLERK_PUBLISHABLE_KEY) is not pk_test_… or pk_live_… followed by the base64 of the instance's frontend API host.",
    );
  }
  return host.toLowerCase();
}
