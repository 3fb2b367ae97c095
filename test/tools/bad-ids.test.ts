import { ID_PREFIXES } from "../../src/clerk/ids.js";
import { toolListing } from "../../src/tools/listing.js";
import { ALL_TOOLS } from "../../src/tools/registry.js";
import { type BadInputCase, craftedIdCases, describeBadInput } from "../helpers/bad-input.js";
import { TOOL_SEED, toolCase } from "../helpers/tool-cases.js";

/**
 * Crafted IDs send nothing, for every ID argument of every tool in ALL_TOOLS: `@clerk/backend`
 * puts IDs into URL paths unencoded, so a path, query or fragment trick, or a value of the
 * wrong type, must be refused before any request. The ID arguments are found from each tool's
 * listed input schema (a string, or list items, with an ID pattern `^user_\w+$`), and the other
 * arguments are the tool's valid case (test/helpers/tool-cases.ts), so a new tool is covered
 * as soon as it is in ALL_TOOLS. test/tools/tool-cases.test.ts proves those cases reach Clerk.
 */

interface IdField {
  field: string;
  id: (typeof ID_PREFIXES)[number];
  inArray: boolean;
}

function idFields(tool: (typeof ALL_TOOLS)[number]): IdField[] {
  const props = (toolListing(tool).inputSchema.properties ?? {}) as Record<
    string,
    { pattern?: string; items?: { pattern?: string } }
  >;
  const prefixOf = (pattern: string | undefined) =>
    ID_PREFIXES.find((p) => pattern === `^${p.prefix}\\w+$`);
  return Object.entries(props).flatMap(([field, prop]): IdField[] => {
    const own = prefixOf(prop.pattern);
    if (own) return [{ field, id: own, inArray: false }];
    const item = prefixOf(prop.items?.pattern);
    return item ? [{ field, id: item, inArray: true }] : [];
  });
}

// Every tool needs its case, even one without ID arguments today: one added later is covered.
const CASES: BadInputCase[] = ALL_TOOLS.flatMap((tool) => {
  const { args } = toolCase(tool.name);
  return idFields(tool).flatMap(({ field, id, inArray }) =>
    craftedIdCases(tool.name, args, field, id.sample, { inArray, shown: id.shown }),
  );
});

describeBadInput("crafted IDs reach no endpoint, for every ID argument of every tool", {
  harness: { seed: TOOL_SEED },
  cases: CASES,
  controls: [["get_user", toolCase("get_user").args, 1]],
});
