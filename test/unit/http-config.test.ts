import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.js";
import {
  DEFAULT_CONFIRM_TTL_S,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_RATE_LIMIT,
  loadRemoteOptions,
  splitRemoteArgs,
  unmatchableWriters,
} from "../../src/transport/http-config.js";
import { createRateLimiter } from "../../src/transport/rate-limit.js";
import { SECRET, TOKEN_ENV } from "../helpers/http.js";

const http = ["--transport", "http"];

describe("remote options", () => {
  it("default to stdio, and leave the stdio flags for loadConfig in order", () => {
    const { remote, rest } = loadRemoteOptions({}, ["--read-only", "--toolsets", "users"]);
    expect(remote.transport).toBe("stdio");
    expect(rest).toEqual(["--read-only", "--toolsets", "users"]);
  });

  it("take --name value and --name=value, and the environment when a flag is absent", () => {
    const { flags, rest } = splitRemoteArgs(["--port=9000", "--read-only", "--host", "::1"]);
    expect(flags).toEqual({ port: "9000", host: "::1" });
    expect(rest).toEqual(["--read-only"]);
    const { remote } = loadRemoteOptions(
      { CLERK_MCP_TRANSPORT: "http", PORT: "7000", CLERK_MCP_WRITERS: "ci" },
      ["--port", "7001"],
    );
    expect(remote).toMatchObject({
      transport: "http",
      port: 7001,
      host: DEFAULT_HOST,
      auth: "none",
      rateLimit: DEFAULT_RATE_LIMIT,
      confirmTtlS: DEFAULT_CONFIRM_TTL_S,
      writers: [{ kind: "token", name: "ci" }],
    });
    expect(loadRemoteOptions({}, http).remote.port).toBe(DEFAULT_PORT);
  });

  it("parse writers of every kind", () => {
    const { remote } = loadRemoteOptions({}, [
      ...http,
      "--writers",
      "user_abc123,Ann@Example.com,ci-bot,org_acme000001:org:admin",
    ]);
    expect(remote.writers).toEqual([
      { kind: "user", id: "user_abc123" },
      { kind: "email", email: "ann@example.com" },
      { kind: "token", name: "ci-bot" },
      { kind: "org_role", organizationId: "org_acme000001", role: "org:admin" },
    ]);
  });

  it("name the writers no caller can match under the auth mode, for the bin to warn about", () => {
    const writers = [
      "user_abc123",
      "ann@example.com",
      "ci-bot",
      "org_acme000001:org:admin",
      "local",
    ];
    const rules = loadRemoteOptions({}, [...http, "--writers", writers.join(",")]).remote.writers;
    expect(unmatchableWriters({ auth: "token", writers: rules })).toEqual([
      "user_abc123",
      "ann@example.com",
      "org_acme000001:org:admin",
    ]);
    expect(unmatchableWriters({ auth: "clerk", writers: rules })).toEqual(["ci-bot", "local"]);
    expect(unmatchableWriters({ auth: "none", writers: rules })).toEqual([
      "user_abc123",
      "ann@example.com",
      "ci-bot",
      "org_acme000001:org:admin",
    ]);
  });

  it("refuse --auth none off loopback, and HTTP off loopback without a confirmation secret", () => {
    expect(() =>
      loadRemoteOptions({ CLERK_MCP_CONFIRM_SECRET: SECRET }, [...http, "--host", "0.0.0.0"]),
    ).toThrow(/--auth none is accepted only on loopback/);
    expect(() =>
      loadRemoteOptions({ CLERK_MCP_HTTP_TOKENS: TOKEN_ENV }, [
        ...http,
        "--host",
        "0.0.0.0",
        "--auth",
        "token",
      ]),
    ).toThrow(/CLERK_MCP_CONFIRM_SECRET is required/);
    const ok = loadRemoteOptions(
      { CLERK_MCP_HTTP_TOKENS: TOKEN_ENV, CLERK_MCP_CONFIRM_SECRET: SECRET },
      [...http, "--host", "0.0.0.0", "--auth", "token"],
    );
    expect(ok.remote.confirmSecretGenerated).toBe(false);
    expect(loadRemoteOptions({}, [...http, "--host", "::1"]).remote.confirmSecretGenerated).toBe(
      true,
    );
  });

  it("refuse token entries that are not name:sha256hex, without echoing them", () => {
    for (const tokens of ["", "alice", "alice:plain-token-here", `a:${"0".repeat(63)}`]) {
      let err: unknown;
      try {
        loadRemoteOptions({ CLERK_MCP_HTTP_TOKENS: tokens }, [...http, "--auth", "token"]);
      } catch (e) {
        err = e;
      }
      expect(err, tokens).toBeInstanceOf(ConfigError);
      if (tokens.includes(":")) expect((err as Error).message).not.toContain(tokens.split(":")[1]);
    }
  });

  it("refuse bad values with one line naming the option", () => {
    expect(() => loadRemoteOptions({}, ["--transport", "sse"])).toThrow(/--transport/);
    expect(() => loadRemoteOptions({}, ["--auth", "oidc"])).toThrow(/--auth/);
    expect(() => loadRemoteOptions({}, ["--transport", "http", "--auth", "clerk"])).toThrow(
      /--public-url/,
    );
    expect(() => loadRemoteOptions({}, ["--port", "70000"])).toThrow(/--port/);
    expect(() => loadRemoteOptions({}, ["--rate-limit", "-1"])).toThrow(/--rate-limit/);
    expect(() => loadRemoteOptions({}, ["--allowed-origins", "not a url"])).toThrow(
      /--allowed-origins/,
    );
    expect(() => loadRemoteOptions({}, ["--writers", "bad writer"])).toThrow(/--writers/);
    expect(() => loadRemoteOptions({ CLERK_MCP_CONFIRM_SECRET: "short" }, http)).toThrow(
      /32 characters/,
    );
    expect(() => loadRemoteOptions({ CLERK_MCP_CONFIRM_TTL_S: "5" }, http)).toThrow(
      /CLERK_MCP_CONFIRM_TTL_S/,
    );
    expect(() => loadRemoteOptions({}, ["--port"])).toThrow(/--port needs a value/);
  });
});

describe("rate limiter", () => {
  it("allows a burst up to the limit, then says how long to wait; actors are separate", () => {
    let t = 0;
    const limiter = createRateLimiter(60, () => t);
    for (let i = 0; i < 60; i++) expect(limiter.take("a", 1)).toBe(0);
    expect(limiter.take("a", 1)).toBe(1);
    expect(limiter.take("b", 1)).toBe(0);
    t += 1_000;
    expect(limiter.take("a", 1)).toBe(0);
    expect(limiter.take("a", 1)).toBe(1);
    expect(createRateLimiter(0).take("a", 1_000)).toBe(0);
  });
});
