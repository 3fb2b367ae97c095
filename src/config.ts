import { parseArgs } from "node:util";
import { OrganizationId, UserId } from "./clerk/ids.js";
import { DEFAULT_TOOLSETS, TOOLSET_NAMES } from "./toolsets.js";

/**
 * Configuration from the environment and the command line. Pure: takes `env` and `argv`,
 * returns a `Config` or throws `ConfigError`, whose message is one line fit for stderr and
 * never contains the key.
 *
 * Flags are parsed with Node's built-in `util.parseArgs` rather than commander: it is a pure
 * function of `argv` (commander reads `process.env` itself and exits the process on errors),
 * and commander's env support treats any set variable as "on" for a boolean, so
 * `CLERK_MCP_ALLOW_PRODUCTION_WRITES=false` would allow production writes.
 */

export type InstanceKind = "development" | "production";

export interface Config {
  /** The Clerk secret key, trimmed. Never log it. */
  secretKey: string;
  /** `development` for `sk_test_` keys, `production` for `sk_live_`. */
  instance: InstanceKind;
  /**
   * Backend API base URL without the `/v1` suffix: https, or http for a loopback host only
   * (127.0.0.0/8, localhost, [::1]), since every request carries the secret key.
   */
  apiUrl: string;
  /** Per-attempt timeout for a Clerk request, in milliseconds. */
  timeoutMs: number;
  /**
   * Toolsets to enable (`--toolsets`); undefined means all. Names are checked against the
   * known toolsets when tools are selected (src/safety/selection.ts), not here.
   */
  toolsets: string[] | undefined;
  /** Single tools added on top of the toolsets (`--tools`). */
  tools: string[];
  /** Tools removed; wins over `toolsets` and `tools` (`--exclude-tools`). */
  excludeTools: string[];
  /** Only tools with `readOnlyHint: true` are registered; wins over everything (`--read-only`). */
  readOnly: boolean;
  /** With an `sk_live_` key, write tools are refused unless this is set (`--allow-production-writes`). */
  allowProductionWrites: boolean;
  /** File that gets one JSON line per write call (`--audit-log`); undefined: no audit log. */
  auditLog: string | undefined;
  /** Ask the human through elicitation before destructive calls; `--no-confirm` turns it off. */
  confirm: boolean;
  /**
   * User and organization IDs no write tool may change (`--protect`), each checked against
   * the strict ID patterns at start; enforced by src/safety/protect.ts.
   */
  protectedIds: string[];
  /**
   * Serve the built-in emulator, seeded with a demo instance, instead of a real Clerk instance
   * (`--emulator`). `secretKey` is then `EMULATOR_SECRET_KEY`, and `apiUrl` is set by the bin
   * once the emulator listens.
   */
  emulator: boolean;
}

/** The operator controls as they are when no flag or variable sets them. */
export const DEFAULT_CONTROLS = {
  toolsets: undefined,
  tools: [],
  excludeTools: [],
  readOnly: false,
  allowProductionWrites: false,
  auditLog: undefined,
  confirm: true,
  protectedIds: [],
  emulator: false,
} satisfies Partial<Config>;

export const DEFAULT_API_URL = "https://api.clerk.com";
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The key the built-in emulator accepts; it opens nothing anywhere else. */
export const EMULATOR_SECRET_KEY = "sk_test_emulator_0000000000000000";

export class ConfigError extends Error {
  override name = "ConfigError";
}

// Clerk secret keys are `sk_test_` or `sk_live_` followed by URL-safe base64-ish characters.
const SECRET_KEY = /^sk_(test|live)_[A-Za-z0-9_-]{8,}$/;

/**
 * Parses `CLERK_SECRET_KEY`, `CLERK_API_URL`, `CLERK_MCP_TIMEOUT_MS` and the operator controls
 * (see `CONTROLS`): each from its flag in `argv` (without node and the script) when given,
 * else from its environment variable.
 * @throws ConfigError naming the variable or flag and what is expected; among others when
 *   `CLERK_API_URL` is not https, or http to a host other than this machine.
 */
export function loadConfig(
  rawEnv: Record<string, string | undefined>,
  rawArgv: string[] = [],
): Config {
  const env = withoutUnfilled(rawEnv);
  const flags = parseFlags(argvWithoutUnfilled(rawArgv));
  const emulator = flags.emulator === true || envBoolean(env, CONTROLS.emulator);
  // The emulator needs no key, and a real one set beside it is never sent anywhere.
  const secretKey = emulator ? EMULATOR_SECRET_KEY : parseSecretKey(env.CLERK_SECRET_KEY);
  const list = (name: ListControl) =>
    flags[name] !== undefined ? splitList(flags[name]) : envList(env, CONTROLS[name]);
  const bool = (name: BooleanControl) => flags[name] === true || envBoolean(env, CONTROLS[name]);
  const auditLog = flags["audit-log"] ?? env[CONTROLS["audit-log"]]?.trim();
  if (auditLog === "" && flags["audit-log"] !== undefined) {
    throw new ConfigError("--audit-log needs a file path.");
  }
  return {
    secretKey,
    instance: secretKey.startsWith("sk_live_") ? "production" : "development",
    apiUrl: parseApiUrl(env.CLERK_API_URL),
    timeoutMs: parseTimeout(env.CLERK_MCP_TIMEOUT_MS),
    toolsets: list("toolsets"),
    tools: list("tools") ?? [],
    excludeTools: list("exclude-tools") ?? [],
    readOnly: bool("read-only"),
    allowProductionWrites: bool("allow-production-writes"),
    auditLog: auditLog || undefined,
    confirm: !bool("no-confirm"),
    protectedIds: parseProtected(list("protect") ?? []),
    emulator,
  };
}

/**
 * An MCP bundle host (Claude Desktop) passes an optional setting the user left empty as the
 * literal text `${user_config.NAME}`: such a value means "not set".
 */
const UNFILLED = /^\$\{user_config\.[A-Za-z0-9_-]+\}$/;

/** `env` without the variables whose value is an unfilled bundle setting. */
export function withoutUnfilled(
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(env).filter(([, value]) => value === undefined || !UNFILLED.test(value.trim())),
  );
}

/**
 * `argv` without unfilled bundle settings: `--flag=${user_config.x}`, a bare
 * `${user_config.x}`, and the string flag that takes it as its value (`--audit-log
 * ${user_config.audit_log}`).
 */
export function argvWithoutUnfilled(argv: string[]): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0 && UNFILLED.test(arg.slice(eq + 1).trim())) continue;
    if (!UNFILLED.test(arg.trim())) {
      out.push(arg);
      continue;
    }
    const previous = out.at(-1);
    const name = previous?.startsWith("--") ? previous.slice(2) : undefined;
    if (name !== undefined && name in FLAG_OPTIONS) {
      const option = FLAG_OPTIONS[name as keyof typeof FLAG_OPTIONS];
      if (option.type === "string") out.pop();
    }
  }
  return out;
}

/** Each flag and the environment variable that stands in for it when the flag is absent. */
export const CONTROLS = {
  toolsets: "CLERK_MCP_TOOLSETS",
  tools: "CLERK_MCP_TOOLS",
  "exclude-tools": "CLERK_MCP_EXCLUDE_TOOLS",
  "read-only": "CLERK_MCP_READ_ONLY",
  "allow-production-writes": "CLERK_MCP_ALLOW_PRODUCTION_WRITES",
  "audit-log": "CLERK_MCP_AUDIT_LOG",
  "no-confirm": "CLERK_MCP_NO_CONFIRM",
  protect: "CLERK_MCP_PROTECTED_IDS",
  emulator: "CLERK_MCP_EMULATOR",
} as const;

type ListControl = "toolsets" | "tools" | "exclude-tools" | "protect";
type BooleanControl = "read-only" | "allow-production-writes" | "no-confirm" | "emulator";

const FLAG_OPTIONS = {
  // `multiple`: `--tools a --tools b` is the same as `--tools a,b`.
  toolsets: { type: "string", multiple: true },
  tools: { type: "string", multiple: true },
  "exclude-tools": { type: "string", multiple: true },
  "read-only": { type: "boolean" },
  "allow-production-writes": { type: "boolean" },
  "audit-log": { type: "string" },
  "no-confirm": { type: "boolean" },
  protect: { type: "string", multiple: true },
  emulator: { type: "boolean" },
} as const;

/** `names` comma-separated, in lines indented by `indent` and no wider than `width`. */
function wrapList(names: readonly string[], indent: number, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const [i, name] of names.entries()) {
    const word = i < names.length - 1 ? `${name},` : name;
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.map((l) => `${" ".repeat(indent)}${l}`).join("\n");
}

/** `--help` text. Lists are comma-separated names. */
export const USAGE = `Usage: clerk-admin-mcp [options]

An MCP server (stdio) for administering a Clerk instance. Each option has an environment
variable; the option wins over it.

  --toolsets LIST            toolsets to enable (* = opt-in, off unless    CLERK_MCP_TOOLSETS
                             named; default: the others):
${wrapList(
  TOOLSET_NAMES.map((t) => (DEFAULT_TOOLSETS.includes(t) ? t : `${t}*`)),
  29,
  74,
)}; --toolsets "" enables none
  --tools LIST               single tools to add on top of the toolsets   CLERK_MCP_TOOLS
  --exclude-tools LIST       tools to remove; wins over the two above     CLERK_MCP_EXCLUDE_TOOLS
  --read-only                read-only tools only; wins over all          CLERK_MCP_READ_ONLY
  --allow-production-writes  allow writes with an sk_live_ key            CLERK_MCP_ALLOW_PRODUCTION_WRITES
  --audit-log FILE           append JSON lines for every write call       CLERK_MCP_AUDIT_LOG
  --no-confirm               no question before destructive calls         CLERK_MCP_NO_CONFIRM
  --protect LIST             user_/org_ IDs no write may change           CLERK_MCP_PROTECTED_IDS
  --emulator                 try it with no Clerk account: a built-in,    CLERK_MCP_EMULATOR
                             in-memory emulator with demo data; no key
  --help, --version

  init --client NAME         write this server into a client's configuration
                             (claude-desktop, claude-code, cursor, vscode); init --help

Environment only:
  CLERK_SECRET_KEY           the instance's secret key, sk_test_… or sk_live_… (required,
                             except with --emulator)
  CLERK_API_URL              Backend API base URL (default https://api.clerk.com; https,
                             or http to this machine only)
  CLERK_MCP_TIMEOUT_MS       timeout of one attempt at a Clerk request, 100-15000 (default 10000)

Lists are comma-separated names. Boolean variables take true/false, 1/0, yes/no or on/off.
`;

/** True when `argv` asks for `--help` or `--version` instead of a server. */
export function infoRequest(argv: string[]): "help" | "version" | undefined {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  if (argv.includes("--version")) return "version";
  return undefined;
}

interface Flags {
  toolsets?: string[];
  tools?: string[];
  "exclude-tools"?: string[];
  "read-only"?: boolean;
  "allow-production-writes"?: boolean;
  "audit-log"?: string;
  "no-confirm"?: boolean;
  protect?: string[];
  emulator?: boolean;
}

function parseFlags(argv: string[]): Flags {
  try {
    return parseArgs({ args: argv, options: FLAG_OPTIONS, strict: true, allowPositionals: false })
      .values;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS_")) throw err;
    // Node's messages name the offending option and say what it expected; keep the first line.
    const detail = (err as Error).message.split("\n")[0]?.replace(/\.?$/, ".");
    const valid = Object.keys(FLAG_OPTIONS)
      .map((name) => `--${name}`)
      .join(", ");
    throw new ConfigError(`${detail} Valid options: ${valid} (see --help).`);
  }
}

/** Comma-separated names; blanks between commas are ignored. */
function splitList(values: string[]): string[] {
  return values
    .flatMap((v) => v.split(","))
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

// An empty variable counts as unset: MCP client configs often leave placeholders blank.
function envList(env: Record<string, string | undefined>, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  return splitList([raw]);
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off", ""]);

function envBoolean(env: Record<string, string | undefined>, name: string): boolean {
  const raw = env[name];
  if (raw === undefined) return false;
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new ConfigError(`${name} must be true or false (also 1/0, yes/no, on/off).`);
}

/**
 * `--protect` entries: each a user or organization ID under the same strict patterns as tool
 * arguments. Anything else stops the server: an entry that cannot match any argument (an
 * email address, an invitation ID, a typo) would leave the account the operator meant to
 * protect unprotected, without a word.
 */
function parseProtected(entries: string[]): string[] {
  const bad = entries.filter(
    (id) => !UserId.safeParse(id).success && !OrganizationId.safeParse(id).success,
  );
  if (bad.length > 0) {
    const shown = bad.map((id) => JSON.stringify(id.slice(0, 80))).join(", ");
    throw new ConfigError(
      `--protect (CLERK_MCP_PROTECTED_IDS) has entr${bad.length > 1 ? "ies" : "y"} ${shown} that ${bad.length > 1 ? "are" : "is"} not a user or organization ID: expected user_… or org_… followed by letters, digits or underscores.`,
    );
  }
  return [...new Set(entries)];
}

/**
 * `raw`, trimmed, when it looks like a Clerk secret key (`sk_test_…` or `sk_live_…`).
 * @throws ConfigError saying what it is instead (unset, a publishable key, something else); the
 *   message never contains `raw`.
 */
export function parseSecretKey(raw: string | undefined): string {
  const key = raw?.trim() ?? "";
  if (key === "") {
    throw new ConfigError(
      "CLERK_SECRET_KEY is not set: expected a Clerk secret key (sk_test_… or sk_live_…) from the API keys page of the Clerk Dashboard.",
    );
  }
  if (key.startsWith("pk_")) {
    throw new ConfigError(
      "CLERK_SECRET_KEY holds a publishable key (pk_…): expected the secret key (sk_test_… or sk_live_…) from the same API keys page.",
    );
  }
  if (!SECRET_KEY.test(key)) {
    throw new ConfigError(
      "CLERK_SECRET_KEY is not a Clerk secret key: expected sk_test_… or sk_live_… followed by the rest of the key.",
    );
  }
  return key;
}

function parseApiUrl(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) return DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      "CLERK_API_URL is not a URL: expected an http(s) base URL such as https://api.clerk.com.",
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(
      "CLERK_API_URL must use https: expected a base URL such as https://api.clerk.com.",
    );
  }
  // Every request carries the secret key; over plain http only this machine may see it.
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new ConfigError(
      `CLERK_API_URL must use https for ${url.hostname}: over http the secret key would travel unencrypted. http is accepted only for this machine (127.0.0.1, localhost, [::1]), for example the emulator.`,
    );
  }
  // The SDK appends paths to this string; anything after the path would corrupt every request,
  // and credentials in it would be sent with each one.
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(
      "CLERK_API_URL must be a plain base URL, without a query, fragment or user:password part, such as https://api.clerk.com.",
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "").replace(/\/v1$/, "");
}

// `URL` has already normalised the host: lowercase, IPv4 in dotted decimal, IPv6 in brackets.
function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_TIMEOUT_MS;
  // Number() would also take "0x64" or "1e3"; only plain digits are a number of milliseconds.
  const ms = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(ms) || ms < 100 || ms > 15_000) {
    throw new ConfigError(
      "CLERK_MCP_TIMEOUT_MS must be a whole number of milliseconds from 100 to 15000.",
    );
  }
  return ms;
}
