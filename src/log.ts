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
  const byShape = withoutTokens.replace(SECRET, "$1…");
  return known ? byShape.replace(known, "[redacted]") : byShape;
}

/**
 * The encodings of each registered key, as one pattern; undefined until a key is registered.
 * Matching by shape (above) misses what no longer looks like `sk_…`: base64 outside a
 * credential, hex, every character percent-encoded. The server knows its key, so it looks for
 * the key's own encodings too.
 */
let known: RegExp | undefined;
const registered = new Set<string>();

/**
 * Registers the secret key, so that `redact` also finds it in the encodings a proxy or a
 * caller may echo: as it is (any case), base64 and base64url at each of the three byte
 * alignments a longer text may put it at, hex, and fully percent-encoded. Idempotent.
 */
export function registerSecret(key: string): void {
  if (key.length < 16 || registered.has(key)) return;
  registered.add(key);
  const forms = [...registered].flatMap(encodings).map(escapeRegExp);
  known = new RegExp(forms.join("|"), "gi");
}

function encodings(key: string): string[] {
  const bytes = Buffer.from(key, "utf8");
  const forms = [
    key,
    bytes.toString("hex"),
    [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""),
  ];
  for (const offset of [0, 1, 2]) {
    // Base64 of the key after `offset` other bytes: keep only the groups made of key bytes,
    // which are the same whatever comes before and after it.
    const b64 = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const start = offset === 0 ? 0 : 4;
    const end = Math.floor((offset + bytes.length) / 3) * 4;
    const core = b64.slice(start, end);
    forms.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
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
