/**
 * The forms in which a proxy or gateway may echo the secret key back: plain, URL-encoded
 * (`sk%5Ftest%5F…`, `Bearer%20sk_…`), and base64 inside a `Basic` or `Bearer` header value.
 * `echo` holds them all; `forbidden` is every string that must never leave the server.
 */
export function keyForms(key: string): { echo: string; forbidden: string[] } {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const b64url = (s: string) => Buffer.from(s).toString("base64url");
  const pct = key.replaceAll("_", "%5F");
  const tokens = [b64(key), b64(`:${key}`), b64(`${key}:`), b64url(key), b64(`api:${key}`)];
  const echo = [
    `authorization=Bearer ${key}`,
    `Authorization: Bearer%20${key}`,
    `key=${pct}`,
    `key=${key.replaceAll("_", "%5f")}`,
    `double=${key.replaceAll("_", "%255F")}`,
    `Authorization: Bearer ${tokens[0]}`,
    `Authorization: Basic ${tokens[1]}`,
    `authorization=Basic%20${tokens[2]}`,
    `Authorization: Bearer ${tokens[3]}`,
    `Authorization: basic ${tokens[4]}`,
  ].join(" | ");
  const secretTail = key.replace(/^sk_(test|live)_/, "");
  return {
    echo,
    forbidden: [key, secretTail, pct, secretTail.replaceAll("_", "%5F"), ...tokens],
  };
}
