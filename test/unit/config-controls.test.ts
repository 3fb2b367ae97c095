import { describe, expect, it } from "vitest";
import {
  ConfigError,
  DEFAULT_CONTROLS,
  EMULATOR_SECRET_KEY,
  infoRequest,
  loadConfig,
  USAGE,
} from "../../src/config.js";
import { TOOLSET_NAMES as TOOLSETS } from "../../src/toolsets.js";

const KEY = "sk_test_abcdefghijklmnopqrstuvwxyz0123";
const env = (extra: Record<string, string> = {}) => ({ CLERK_SECRET_KEY: KEY, ...extra });

describe("loadConfig: operator controls", () => {
  it("defaults to all toolsets, writes allowed, confirmation on, no audit log", () => {
    expect(loadConfig(env(), [])).toMatchObject(DEFAULT_CONTROLS);
  });

  it("reads every control from its flag", () => {
    const config = loadConfig(env(), [
      "--toolsets",
      "invitations, organization_invitations",
      "--tools=list_invitations",
      "--exclude-tools",
      "revoke_invitation",
      "--read-only",
      "--allow-production-writes",
      "--audit-log",
      "/tmp/audit.jsonl",
      "--no-confirm",
    ]);
    expect(config).toMatchObject({
      toolsets: ["invitations", "organization_invitations"],
      tools: ["list_invitations"],
      excludeTools: ["revoke_invitation"],
      readOnly: true,
      allowProductionWrites: true,
      auditLog: "/tmp/audit.jsonl",
      confirm: false,
    });
  });

  it("reads every control from its environment variable", () => {
    const config = loadConfig(
      env({
        CLERK_MCP_TOOLSETS: "invitations",
        CLERK_MCP_TOOLS: "a,b",
        CLERK_MCP_EXCLUDE_TOOLS: "c",
        CLERK_MCP_READ_ONLY: "true",
        CLERK_MCP_ALLOW_PRODUCTION_WRITES: "1",
        CLERK_MCP_AUDIT_LOG: "/var/log/clerk.jsonl",
        CLERK_MCP_NO_CONFIRM: "yes",
      }),
    );
    expect(config).toMatchObject({
      toolsets: ["invitations"],
      tools: ["a", "b"],
      excludeTools: ["c"],
      readOnly: true,
      allowProductionWrites: true,
      auditLog: "/var/log/clerk.jsonl",
      confirm: false,
    });
  });

  it("lets a flag win over its environment variable", () => {
    const config = loadConfig(
      env({
        CLERK_MCP_TOOLSETS: "organization_invitations",
        CLERK_MCP_TOOLS: "x",
        CLERK_MCP_EXCLUDE_TOOLS: "y",
        CLERK_MCP_READ_ONLY: "false",
        CLERK_MCP_AUDIT_LOG: "/from/env",
        CLERK_MCP_NO_CONFIRM: "off",
      }),
      [
        "--toolsets",
        "invitations",
        "--tools",
        "list_invitations",
        "--exclude-tools",
        "revoke_invitation",
        "--read-only",
        "--audit-log",
        "/from/flag",
        "--no-confirm",
      ],
    );
    expect(config).toMatchObject({
      toolsets: ["invitations"],
      tools: ["list_invitations"],
      excludeTools: ["revoke_invitation"],
      readOnly: true,
      auditLog: "/from/flag",
      confirm: false,
    });
  });

  it("treats a false or empty variable as off and an empty list variable as unset", () => {
    const config = loadConfig(
      env({
        CLERK_MCP_ALLOW_PRODUCTION_WRITES: "false",
        CLERK_MCP_READ_ONLY: "",
        CLERK_MCP_NO_CONFIRM: "0",
        CLERK_MCP_TOOLSETS: " ",
        CLERK_MCP_AUDIT_LOG: "",
      }),
    );
    expect(config).toMatchObject(DEFAULT_CONTROLS);
  });

  it("reads an explicitly empty --toolsets as no toolset, and joins repeated list flags", () => {
    const config = loadConfig(env(), ["--toolsets=", "--tools", "a", "--tools", "b,c"]);
    expect(config.toolsets).toEqual([]);
    expect(config.tools).toEqual(["a", "b", "c"]);
  });

  it("refuses a boolean variable that is neither true nor false", () => {
    expect(() => loadConfig(env({ CLERK_MCP_ALLOW_PRODUCTION_WRITES: "maybe" }))).toThrow(
      /CLERK_MCP_ALLOW_PRODUCTION_WRITES must be true or false/,
    );
  });

  it.each([
    [["--read-olny"], /--read-olny/],
    [["--toolsets"], /--toolsets/],
    [["invitations"], /invitations/],
    [["--read-only=yes"], /--read-only/],
    [["--audit-log", ""], /--audit-log needs a file path/],
  ])("refuses bad flags %j with a ConfigError that lists the options", (argv, message) => {
    const run = () => loadConfig(env(), argv);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });

  it("reads --protect and CLERK_MCP_PROTECTED_IDS: user and organization IDs, flag first", () => {
    expect(loadConfig(env(), []).protectedIds).toEqual([]);
    expect(
      loadConfig(env({ CLERK_MCP_PROTECTED_IDS: "user_owner0001, org_staff00001" })).protectedIds,
    ).toEqual(["user_owner0001", "org_staff00001"]);
    expect(
      loadConfig(env({ CLERK_MCP_PROTECTED_IDS: "user_owner0001" }), [
        "--protect",
        "org_staff00001",
      ]).protectedIds,
    ).toEqual(["org_staff00001"]);
  });

  it.each([
    ["inv_abc123", /inv_abc123/],
    ["orginv_abc123", /orginv_abc123/],
    ["owner@example.com", /owner@example.com/],
    ["user_../../x", /user_\.\.\/\.\.\/x/],
    ["user_", /"user_"/],
    [`org_${"a".repeat(65)}`, /org_a+/],
  ])(
    "stops at start on a --protect entry that is not a user or organization ID: %s",
    (entry, named) => {
      for (const run of [
        () => loadConfig(env(), ["--protect", `user_owner0001,${entry}`]),
        () => loadConfig(env({ CLERK_MCP_PROTECTED_IDS: entry })),
      ]) {
        expect(run).toThrow(ConfigError);
        expect(run).toThrow(named);
        expect(run).toThrow(/--protect \(CLERK_MCP_PROTECTED_IDS\).*user_… or org_…/);
      }
    },
  );

  it("recognises --help and --version", () => {
    expect(infoRequest(["--help"])).toBe("help");
    expect(infoRequest(["--read-only", "-h"])).toBe("help");
    expect(infoRequest(["--version"])).toBe("version");
    expect(infoRequest(["--read-only"])).toBeUndefined();
  });
});

describe("--help", () => {
  it("names every toolset the server knows", () => {
    const help = USAGE.replace(/\s+/g, " ");
    for (const toolset of TOOLSETS) expect(help).toMatch(new RegExp(`\\b${toolset}\\b`));
  });

  it("lists --protect with its variable", () => {
    expect(USAGE).toMatch(/--protect LIST .*CLERK_MCP_PROTECTED_IDS/);
  });
});

describe("loadConfig: --emulator and unfilled bundle settings", () => {
  it("--emulator (or CLERK_MCP_EMULATOR) needs no key and never uses one that is set", () => {
    expect(loadConfig({}, ["--emulator"])).toMatchObject({
      emulator: true,
      secretKey: EMULATOR_SECRET_KEY,
      instance: "development",
    });
    const fromEnv = loadConfig({ CLERK_MCP_EMULATOR: "true", CLERK_SECRET_KEY: "sk_live_x" }, []);
    expect(fromEnv).toMatchObject({ emulator: true, secretKey: EMULATOR_SECRET_KEY });
    expect(loadConfig(env(), []).emulator).toBe(false);
    expect(() => loadConfig({}, [])).toThrow(/CLERK_SECRET_KEY is not set/);
  });

  it("treats an unfilled bundle setting (the literal user_config placeholder) as unset, in env and argv", () => {
    const unfilled = (name: string) => `\${user_config.${name}}`;
    const config = loadConfig(
      env({
        CLERK_MCP_TOOLSETS: unfilled("toolsets"),
        CLERK_MCP_READ_ONLY: unfilled("read_only"),
        CLERK_MCP_AUDIT_LOG: unfilled("audit_log"),
        CLERK_MCP_NO_CONFIRM: unfilled("no_confirm"),
        CLERK_MCP_ALLOW_PRODUCTION_WRITES: unfilled("allow_production_writes"),
        CLERK_API_URL: unfilled("api_url"),
        CLERK_MCP_TIMEOUT_MS: unfilled("timeout"),
      }),
      ["--audit-log", unfilled("audit_log"), `--toolsets=${unfilled("toolsets")}`, "--read-only"],
    );
    expect(config).toMatchObject({ ...DEFAULT_CONTROLS, readOnly: true });
    expect(config.apiUrl).toBe("https://api.clerk.com");
    // An unfilled key is no key.
    expect(() => loadConfig({ CLERK_SECRET_KEY: unfilled("secret_key") }, [])).toThrow(
      /CLERK_SECRET_KEY is not set/,
    );
    // A filled setting still counts.
    expect(loadConfig(env({ CLERK_MCP_TOOLSETS: "users" }), []).toolsets).toEqual(["users"]);
  });
});
