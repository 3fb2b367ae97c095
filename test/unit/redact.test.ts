import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createStderrLogger, redact, registerSecret } from "../../src/log.js";
import { keyForms } from "../helpers/key-forms.js";

const KEY = "sk_live_Abc123_def456GHI789jkl012";

describe("redact", () => {
  const { echo, forbidden } = keyForms(KEY);

  it("removes every echoed form of the key: plain, URL-encoded, base64 in Basic/Bearer", () => {
    const out = redact(echo);
    for (const f of forbidden) expect(out, f).not.toContain(f);
    expect(out).toContain("sk_live_…");
  });

  it("leaves ordinary text, and Basic/Bearer tokens without a key, alone", () => {
    const plain = `Bearer ${Buffer.from("just a session token").toString("base64")} sk_other trace-abc123`;
    expect(redact(plain)).toBe(plain);
  });

  it("the stderr logger writes no form of the key", () => {
    const stream = new PassThrough();
    let written = "";
    stream.on("data", (d: Buffer) => {
      written += d.toString();
    });
    const log = createStderrLogger(stream);
    log.info(echo);
    log.error("failed", new Error(echo));
    for (const f of forbidden) expect(written, f).not.toContain(f);
  });
});

describe("a registered key is found in the encodings its shape does not show", () => {
  const key = "sk_test_RegisteredKey0123456789abcdXYZ";
  registerSecret(key);
  const bytes = Buffer.from(key);
  it.each([
    ["base64 after a colon", `Authorization: Bearer:${bytes.toString("base64")}`],
    [
      "base64 inside a longer text, at each alignment",
      Buffer.from(`ab${key}zz`).toString("base64"),
    ],
    ["base64url", `long ${Buffer.from(`a${key}`).toString("base64url")}`],
    ["hex, upper case", bytes.toString("hex").toUpperCase()],
    ["every character percent-encoded", [...bytes].map((b) => `%${b.toString(16)}`).join("")],
    ["upper-cased", key.toUpperCase()],
  ])("%s", (_name, text) => {
    const out = redact(text);
    expect(out).toContain("[redacted]");
    for (const offset of [0, 1, 2]) {
      const b64 = Buffer.concat([Buffer.alloc(offset), bytes])
        .toString("base64")
        .slice(4, 30);
      expect(out).not.toContain(b64);
    }
    expect(out.toLowerCase()).not.toContain(key.slice(8, 30).toLowerCase());
  });
});
