/**
 * The server's only logger. stdout carries JSON-RPC, so every line goes to stderr, and every
 * line passes through `redact` so a secret key can never be logged by accident.
 */

// No word boundary before the prefix: an echo may glue the key to what precedes it, as in
// `Bearer%20sk_live_…` or `Bearer\u0020sk_test_…`. Over-redacting a lookalike costs nothing.
const SECRET = /(sk_(?:test|live)_)[A-Za-z0-9_-]+/g;

/** Replaces anything shaped like a Clerk secret key with its prefix and `…`. */
export function redact(text: string): string {
  return text.replace(SECRET, "$1…");
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
