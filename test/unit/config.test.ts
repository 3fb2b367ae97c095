import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_API_URL, loadConfig } from "../../src/config.js";

const KEY = "sk_test_abcdefghijklmnopqrstuvwxyz0123";

describe("loadConfig", () => {
  it("trims the key and infers the instance kind", () => {
    expect(loadConfig({ CLERK_SECRET_KEY: `  ${KEY}\n` })).toMatchObject({
      secretKey: KEY,
      instance: "development",
      apiUrl: DEFAULT_API_URL,
    });
    expect(loadConfig({ CLERK_SECRET_KEY: KEY.replace("test", "live") }).instance).toBe(
      "production",
    );
  });

  it.each([
    ["missing", undefined, /is not set/],
    ["blank", "   ", /is not set/],
    ["publishable key", "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", /publishable key/],
    ["other text", "hello", /not a Clerk secret key/],
    ["too short", "sk_test_", /not a Clerk secret key/],
  ])("refuses a %s key with one line naming the variable", (_case, value, message) => {
    const run = () => loadConfig({ CLERK_SECRET_KEY: value });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (err) {
      const text = (err as Error).message;
      expect(text).toContain("CLERK_SECRET_KEY");
      expect(text).not.toContain("\n");
      if (value && value.length > 8) expect(text).not.toContain(value.trim());
    }
  });

  it("never echoes a malformed secret key", () => {
    const almost = "sk_live_has spaces inside secret";
    expect(() => loadConfig({ CLERK_SECRET_KEY: almost })).toThrow(ConfigError);
    try {
      loadConfig({ CLERK_SECRET_KEY: almost });
    } catch (err) {
      expect((err as Error).message).not.toContain("spaces inside");
    }
  });

  it("normalises CLERK_API_URL and rejects non-http URLs", () => {
    expect(
      loadConfig({ CLERK_SECRET_KEY: KEY, CLERK_API_URL: "http://127.0.0.1:4000/v1/" }).apiUrl,
    ).toBe("http://127.0.0.1:4000");
    expect(() => loadConfig({ CLERK_SECRET_KEY: KEY, CLERK_API_URL: "ftp://x" })).toThrow(
      /CLERK_API_URL/,
    );
    expect(() => loadConfig({ CLERK_SECRET_KEY: KEY, CLERK_API_URL: "not a url" })).toThrow(
      /CLERK_API_URL/,
    );
  });

  it.each([
    ["http://127.0.0.1:4000", "http://127.0.0.1:4000"],
    ["http://127.45.0.9/", "http://127.45.0.9"],
    ["http://localhost:3000/v1", "http://localhost:3000"],
    ["http://LOCALHOST:3000", "http://localhost:3000"],
    ["http://[::1]:8080", "http://[::1]:8080"],
    ["https://clerk.internal.example.com/", "https://clerk.internal.example.com"],
  ])("accepts CLERK_API_URL %s (https, or http to this machine)", (raw, apiUrl) => {
    expect(loadConfig({ CLERK_SECRET_KEY: KEY, CLERK_API_URL: raw }).apiUrl).toBe(apiUrl);
  });

  it.each([
    ["http://api.clerk.com", "api.clerk.com"],
    ["http://10.0.0.5:4000", "10.0.0.5"],
    ["http://127.0.0.1.attacker.example", "127.0.0.1.attacker.example"],
    ["http://localhost.attacker.example", "localhost.attacker.example"],
    ["http://[::2]", "[::2]"],
    ["http://0.0.0.0:4000", "0.0.0.0"],
  ])("refuses CLERK_API_URL %s: the key would travel unencrypted", (raw, host) => {
    const run = () => loadConfig({ CLERK_SECRET_KEY: KEY, CLERK_API_URL: raw });
    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (err) {
      const text = (err as Error).message;
      expect(text).toContain(`CLERK_API_URL must use https for ${host}`);
      expect(text).toContain("127.0.0.1, localhost, [::1]");
      expect(text).not.toContain("\n");
      expect(text).not.toContain(KEY);
    }
  });

  it("bounds the timeout to 15 s", () => {
    expect(loadConfig({ CLERK_SECRET_KEY: KEY }).timeoutMs).toBeLessThanOrEqual(15_000);
    expect(() => loadConfig({ CLERK_SECRET_KEY: KEY, CLERK_MCP_TIMEOUT_MS: "60000" })).toThrow(
      /CLERK_MCP_TIMEOUT_MS/,
    );
    for (const odd of ["0x64", "1e3", "250.5", "-200", "ten"]) {
      expect(() => loadConfig({ CLERK_SECRET_KEY: KEY, CLERK_MCP_TIMEOUT_MS: odd })).toThrow(
        /CLERK_MCP_TIMEOUT_MS/,
      );
    }
    expect(loadConfig({ CLERK_SECRET_KEY: KEY, CLERK_MCP_TIMEOUT_MS: " 2500 " }).timeoutMs).toBe(
      2500,
    );
  });

  it.each([
    "http://127.0.0.1:4010?x=1",
    "https://api.clerk.com/#frag",
    "https://user:pw@api.clerk.com",
  ])("refuses %s: the SDK appends paths to the base URL", (url) => {
    expect(() => loadConfig({ CLERK_SECRET_KEY: KEY, CLERK_API_URL: url })).toThrow(
      /plain base URL/,
    );
  });
});
