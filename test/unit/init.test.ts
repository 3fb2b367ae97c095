import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { parse } from "jsonc-parser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONTROLS } from "../../src/config.js";
import { CLIENTS, type ClientName, clientFile, PASS_THROUGH, runInit } from "../../src/init.js";

const KEY = "sk_test_initTestKey000000000000";
// biome-ignore lint/suspicious/noTemplateCurlyInString: VS Code's own input reference syntax
const VSCODE_KEY_REF = "${input:clerk-secret-key}";

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-init-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/**
 * A home folder per platform: HOME inside the temporary `home`; on Windows, USERPROFILE and
 * APPDATA as Windows has them (only paths are checked there: this machine cannot write them).
 */
function envFor(platform: NodeJS.Platform, extra: Record<string, string> = {}) {
  return platform === "win32"
    ? { USERPROFILE: "C:\\Users\\ada", APPDATA: "C:\\Users\\ada\\AppData\\Roaming", ...extra }
    : { HOME: join(home, "ada"), ...extra };
}

async function init(
  argv: string[],
  opts: {
    platform?: NodeJS.Platform;
    env?: Record<string, string>;
    askKey?: () => Promise<string>;
  } = {},
) {
  let out = "";
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const platform = opts.platform ?? "linux";
  const code = await runInit(argv, {
    env: opts.env ?? envFor(platform),
    platform,
    stdin: process.stdin,
    out: sink,
    ...(opts.askKey ? { askKey: opts.askKey } : {}),
  });
  return { code, out };
}

describe("init: where each client keeps its servers", () => {
  const cases: Array<[ClientName, NodeJS.Platform, string]> = [
    [
      "claude-desktop",
      "darwin",
      "ada/Library/Application Support/Claude/claude_desktop_config.json",
    ],
    [
      "claude-desktop",
      "win32",
      "C:\\Users\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json",
    ],
    ["claude-desktop", "linux", "ada/.config/Claude/claude_desktop_config.json"],
    ["claude-code", "darwin", "ada/.claude.json"],
    ["claude-code", "win32", "C:\\Users\\ada\\.claude.json"],
    ["claude-code", "linux", "ada/.claude.json"],
    ["cursor", "darwin", "ada/.cursor/mcp.json"],
    ["cursor", "win32", "C:\\Users\\ada\\.cursor\\mcp.json"],
    ["cursor", "linux", "ada/.cursor/mcp.json"],
    ["vscode", "darwin", "ada/Library/Application Support/Code/User/mcp.json"],
    ["vscode", "win32", "C:\\Users\\ada\\AppData\\Roaming\\Code\\User\\mcp.json"],
    ["vscode", "linux", "ada/.config/Code/User/mcp.json"],
  ];
  it.each(cases)("%s on %s", async (client, platform, rel) => {
    const { file } = clientFile(client, platform, envFor(platform));
    if (platform === "win32") {
      expect(file).toBe(rel);
      const { out } = await init(["--client", client, "--print"], { platform });
      expect(out).toContain(rel);
      return;
    }
    expect(file).toBe(join(home, rel));
    // Written where it was found.
    const { code } = await init(["--client", client], {
      platform,
      env: envFor(platform, { CLERK_SECRET_KEY: KEY }),
    });
    expect(code).toBe(0);
    expect(existsSync(file)).toBe(true);
  });

  it("honours XDG_CONFIG_HOME on Linux", () => {
    const env = envFor("linux", { XDG_CONFIG_HOME: join(home, "xdg") });
    expect(clientFile("vscode", "linux", env).file).toBe(join(home, "xdg/Code/User/mcp.json"));
  });
});

describe("init --print", () => {
  it.each(CLIENTS)("%s: the entry and its file, nothing written, no key asked", async (client) => {
    const { code, out } = await init(["--client", client, "--print", "--read-only"], {
      askKey: () => {
        throw new Error("must not ask");
      },
    });
    expect(code).toBe(0);
    expect(out).toContain("Nothing was written");
    expect(readdirDeep(home)).toEqual([]);
    const json = JSON.parse(/\{[\s\S]*?\n\}/.exec(out)?.[0] ?? "{}") as Record<string, unknown>;
    const entry = json["clerk-admin"] as {
      command: string;
      args: string[];
      env: Record<string, string>;
      type?: string;
    };
    expect(entry.command).toBe("npx");
    expect(entry.args).toEqual(["-y", "clerk-admin-mcp", "--read-only"]);
    if (client === "vscode") {
      expect(entry.type).toBe("stdio");
      expect(entry.env).toEqual({ CLERK_SECRET_KEY: VSCODE_KEY_REF });
      expect(out).toContain('"password": true');
    } else {
      expect(entry.env.CLERK_SECRET_KEY).toMatch(/^<your sk_test_/);
    }
    if (client === "claude-code") {
      expect(entry.type).toBe("stdio");
      expect(out).toContain("claude mcp add --scope user");
    }
  });

  it("--emulator: an entry that needs no key", async () => {
    const { out } = await init(["--client", "cursor", "--print", "--emulator"]);
    expect(out).toContain('"--emulator"');
    expect(out).not.toContain("CLERK_SECRET_KEY");
  });

  it("claude-code on Windows goes through cmd /c", async () => {
    const { out } = await init(["--client", "claude-code", "--print"], { platform: "win32" });
    expect(out).toContain('"command": "cmd"');
    expect(out).toMatch(/"\/c",\s*"npx",\s*"-y"/);
  });
});

function readdirDeep(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? readdirDeep(full) : [full];
  });
}

describe("init: writing", () => {
  it("merges one entry, keeps every other one and the comments, and backs up the old file", async () => {
    const { file } = clientFile("cursor", "linux", envFor("linux"));
    mkdirSync(dirname(file), { recursive: true });
    const before = `{
  // my servers
  "mcpServers": {
    "other": { "command": "other-server", "args": ["--x"] }
  },
  "theme": "dark"
}
`;
    writeFileSync(file, before);
    const { code, out } = await init(
      ["--client", "cursor", "--toolsets", "users,organizations", "--no-confirm"],
      {
        env: envFor("linux", { CLERK_SECRET_KEY: KEY }),
      },
    );
    expect(code).toBe(0);
    const after = readFileSync(file, "utf8");
    expect(after).toContain("// my servers");
    const parsed = parse(after) as { mcpServers: Record<string, unknown>; theme: string };
    expect(parsed.theme).toBe("dark");
    expect(parsed.mcpServers.other).toEqual({ command: "other-server", args: ["--x"] });
    expect(parsed.mcpServers["clerk-admin"]).toEqual({
      command: "npx",
      args: ["-y", "clerk-admin-mcp", "--toolsets", "users,organizations", "--no-confirm"],
      env: { CLERK_SECRET_KEY: KEY },
    });
    expect(readFileSync(`${file}.bak`, "utf8")).toBe(before);
    expect(out).toContain(`Added "clerk-admin" under "mcpServers" in ${file}`);
    expect(out).toContain(`${file}.bak`);
    // The key is in the file, and nowhere in what init said.
    expect(out).not.toContain(KEY);
    expect(out).toContain("<hidden>");

    // Again: the entry is replaced, not duplicated.
    const again = await init(["--client", "cursor"], {
      env: envFor("linux", { CLERK_SECRET_KEY: KEY }),
    });
    expect(again.out).toContain('Replaced "clerk-admin"');
    const twice = parse(readFileSync(file, "utf8")) as {
      mcpServers: Record<string, { args: string[] }>;
    };
    expect(Object.keys(twice.mcpServers)).toEqual(["other", "clerk-admin"]);
    expect(twice.mcpServers["clerk-admin"]?.args).toEqual(["-y", "clerk-admin-mcp"]);
  });

  it("creates a missing file readable by its owner only", async () => {
    const { file } = clientFile("claude-desktop", "darwin", envFor("darwin"));
    await init(["--client", "claude-desktop"], {
      platform: "darwin",
      env: envFor("darwin", { CLERK_SECRET_KEY: KEY }),
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      mcpServers: {
        "clerk-admin": {
          command: "npx",
          args: ["-y", "clerk-admin-mcp"],
          env: { CLERK_SECRET_KEY: KEY },
        },
      },
    });
    expect(existsSync(`${file}.bak`)).toBe(false);
  });

  it("says when an existing file that others can read now holds the key, and keeps its mode", async () => {
    const { file } = clientFile("cursor", "linux", envFor("linux"));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{ "mcpServers": {} }', { mode: 0o644 });
    chmodSync(file, 0o644);
    const { code, out } = await init(["--client", "cursor"], {
      env: envFor("linux", { CLERK_SECRET_KEY: KEY }),
    });
    expect(code).toBe(0);
    expect(out).toContain(
      `can be read by other users of this machine, and now holds the secret key. \`chmod 600 ${file}\``,
    );
    expect(out).not.toContain(KEY);
    expect(statSync(file).mode & 0o777).toBe(0o644);
  });

  it("claude-code: the user scope (top-level mcpServers of ~/.claude.json), other settings kept", async () => {
    const { file } = clientFile("claude-code", "linux", envFor("linux"));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ numStartups: 3, projects: { "/x": { mcpServers: {} } } }));
    await init(["--client", "claude-code", "--emulator"]);
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    expect(parsed.numStartups).toBe(3);
    expect(parsed.projects).toEqual({ "/x": { mcpServers: {} } });
    expect(parsed.mcpServers).toEqual({
      "clerk-admin": {
        type: "stdio",
        command: "npx",
        args: ["-y", "clerk-admin-mcp", "--emulator"],
      },
    });
  });

  it("vscode: the password input instead of the key, added once beside other inputs", async () => {
    const { file } = clientFile("vscode", "linux", envFor("linux"));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        inputs: [{ type: "promptString", id: "other" }],
        servers: { a: { command: "a" } },
      }),
    );
    const env = envFor("linux", { CLERK_SECRET_KEY: KEY });
    await init(["--client", "vscode"], { env });
    await init(["--client", "vscode"], { env });
    const after = readFileSync(file, "utf8");
    expect(after).not.toContain(KEY);
    const parsed = JSON.parse(after) as { inputs: unknown[]; servers: Record<string, unknown> };
    expect(parsed.inputs).toEqual([
      { type: "promptString", id: "other" },
      {
        type: "promptString",
        id: "clerk-secret-key",
        description: "Clerk secret key (sk_test_… or sk_live_…)",
        password: true,
      },
    ]);
    expect(parsed.servers.a).toEqual({ command: "a" });
    expect(parsed.servers["clerk-admin"]).toEqual({
      type: "stdio",
      command: "npx",
      args: ["-y", "clerk-admin-mcp"],
      env: { CLERK_SECRET_KEY: VSCODE_KEY_REF },
    });
  });

  it("asks for the key when CLERK_SECRET_KEY is unset, and checks it", async () => {
    const { file } = clientFile("cursor", "linux", envFor("linux"));
    const typed = await init(["--client", "cursor"], { askKey: async () => ` ${KEY} ` });
    expect(typed.code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain(`"${KEY}"`);
    expect(typed.out).not.toContain(KEY);

    rmSync(file);
    const wrong = await init(["--client", "cursor"], {
      askKey: async () => "pk_test_abcdefghijkl",
    });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain("publishable key");
    expect(wrong.out).not.toContain("pk_test_abcdefghijkl");
    expect(existsSync(file)).toBe(false);
  });

  it("with no terminal and no CLERK_SECRET_KEY, says so and writes nothing", async () => {
    const { code, out } = await init(["--client", "cursor"]);
    if (process.stdin.isTTY) return; // run by hand in a terminal: it would ask
    expect(code).toBe(1);
    expect(out).toContain("set CLERK_SECRET_KEY");
    expect(readdirDeep(home)).toEqual([]);
  });

  it.each([
    ["not JSON", '{ "mcpServers": { "a": '],
    ["not an object", "[1, 2]"],
    ["servers not an object", '{ "mcpServers": [] }'],
  ])("a malformed file (%s): a clear error, the file untouched, no backup", async (_, text) => {
    const { file } = clientFile("claude-desktop", "linux", envFor("linux"));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    const { code, out } = await init(["--client", "claude-desktop"], {
      env: envFor("linux", { CLERK_SECRET_KEY: KEY }),
    });
    expect(code).toBe(1);
    expect(out).toContain(file);
    expect(out).toContain("left as it is");
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(existsSync(`${file}.bak`)).toBe(false);
  });

  it("refuses server options the server would refuse at start, and writes nothing", async () => {
    const { file } = clientFile("cursor", "linux", envFor("linux"));
    const bad = await init(["--client", "cursor", "--toolsets", "bogus"], {
      env: envFor("linux", { CLERK_SECRET_KEY: KEY }),
    });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/--toolsets \(CLERK_MCP_TOOLSETS\) has unknown name "bogus"/);
    const protect = await init(["--client", "cursor", "--protect", "alice@example.com"], {
      env: envFor("linux", { CLERK_SECRET_KEY: KEY }),
    });
    expect(protect.code).toBe(1);
    expect(protect.out).toMatch(/--protect/);
    expect(existsSync(file)).toBe(false);
  });

  it("refuses an unknown client or flag with the usage", async () => {
    expect((await init(["--client", "zed"])).out).toContain(
      "--client must be one of claude-desktop",
    );
    expect((await init(["--client", "cursor", "--bogus"])).code).toBe(2);
  });

  it("passes through every server option there is", () => {
    expect(Object.keys(PASS_THROUGH).sort()).toEqual(
      Object.keys(CONTROLS)
        .filter((c) => c !== "emulator")
        .sort(),
    );
  });
});
