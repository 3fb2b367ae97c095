/**
 * The server's only logger. stdout carries JSON-RPC, so every line goes to stderr, and every
 * line passes through `redact` so a secret key can never be logged by accident.
 */

// An underscore as sent, percent-encoded (once or twice, `%5F`/`%255F`) or JSON-escaped.
const US = String.raw`(?:_|%(?:25)*5[Ff]|\\u005[Ff])`;
// No word boundary before the prefix: an echo may glue the key to what precedes it, as in
// `Bearer%20sk_live_…` or `Bearer\u0020sk_test_…`. Over-redacting a lookalike costs nothing.
const SECRET = new RegExp(
  `(sk${US}(?:test|live)${US})(?:[A-Za-z0-9_-]|%(?:25)*[0-9A-Fa-f]{2}|\\\\u00[0-9A-Fa-f]{2})+`,
  "g",
);
// A `Basic` or `Bearer` credential, its space sent as is, `+` or percent-encoded: its token
// may be the key in base64 (`Basic` carries `user:password`), which the pattern above misses.
const CREDENTIAL =
  /\b(Basic|Bearer)((?:\s|\+|%(?:25)*20)+)([A-Za-z0-9+/_-]{8,}(?:=|%(?:25)*3[Dd]){0,2})/gi;

/** True when `token`, read as base64 or base64url, holds something shaped like a secret key. */
function hidesKey(token: string): boolean {
  const decoded = Buffer.from(token.replace(/%(?:25)*3[Dd]/g, "="), "base64").toString("latin1");
  SECRET.lastIndex = 0;
  return SECRET.test(decoded);
}

/**
 * Replaces anything shaped like a Clerk secret key with its prefix and `…`, in the forms a
 * proxy may echo it: as sent, percent-encoded (`sk%5Ftest%5F…`), JSON-escaped, and as the
 * base64 token of a `Basic` or `Bearer` credential (the whole token becomes `[redacted]`).
 * Every string that leaves the process goes through here: tool results, logs, audit lines,
 * confirmation questions.
 */
export function redact(text: string): string {
  const withoutTokens = text.replace(
    CREDENTIAL,
    (whole, scheme: string, gap: string, token: string) =>
      hidesKey(token) ? `${scheme}${gap}[redacted]` : whole,
  );
  return withoutTokens.replace(SECRET, "$1…");
}

export interface Logger {
  info(message: string): void;
  error(message: string, err?: unknown): void;
}

/**
 * A logger writing one line per message to `stream` (stderr by default; never stdout, which
 * carries JSON-RPC): `[clerk-admin-mcp] info|error message`, with an error's stack (or its
 * `String()`) after a colon. Every line goes through `redact`, so a secret key is never
 * written whole. Writes are not awaited.
 */
export function createStderrLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string, message: string) =>
    stream.write(`${redact(`[clerk-admin-mcp] ${level} ${message}`)}\n`);
  return {
    info: (message) => write("info", message),
    error: (message, err) =>
      write("error", err === undefined ? message : `${message}: ${describe(err)}`),
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = { info() {}, error() {} };
