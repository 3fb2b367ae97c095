import { encode } from "gpt-tokenizer/encoding/o200k_base";

/**
 * Tool-definition size in o200k_base tokens (gpt-tokenizer ships the encoding in the package,
 * so counting works offline). What is counted is what a client puts in the model's context
 * for each tool: `name`, `description` and `inputSchema`, serialised as JSON exactly as
 * `tools/list` sends them. The whole list is counted as one JSON array, which is how the
 * issue's reference figure for agent-toolkit 0.3.15 (5,649 tokens, 19 tools) was taken.
 * Shared by the bench and test/unit/token-budget.test.ts.
 */

export interface ListedTool {
  name: string;
  description?: string | undefined;
  inputSchema: unknown;
}

export interface ToolTokens {
  /** Tokens of the JSON array of all definitions. */
  total: number;
  count: number;
  /** `total / count`. */
  average: number;
  perTool: Array<{ name: string; tokens: number }>;
}

function definition(tool: ListedTool) {
  return { name: tool.name, description: tool.description, inputSchema: tool.inputSchema };
}

export function countToolTokens(tools: readonly ListedTool[]): ToolTokens {
  const defs = tools.map(definition);
  const total = encode(JSON.stringify(defs)).length;
  return {
    total,
    count: tools.length,
    average: tools.length === 0 ? 0 : total / tools.length,
    perTool: defs.map((d) => ({ name: d.name, tokens: encode(JSON.stringify(d)).length })),
  };
}
