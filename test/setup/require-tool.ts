import { ensureTool, installAllowed, ToolMissing, type Found, type Tool } from './tools.js';

/**
 * For a global set-up: the tool's path, installed first when missing and allowed. A tool that
 * cannot be had stops the run with its one line (the stack would only hide it).
 */
export function requireTool(tool: Tool): Found {
  try {
    const found = ensureTool(tool, process.env, { install: installAllowed(process.env), log: (line) => console.error(line) });
    if (found.source.includes('installed')) console.error(`${tool.name}: ${found.path} (${found.source})`);
    return found;
  } catch (error) {
    if (error instanceof ToolMissing) error.stack = `${error.name}: ${error.message}`;
    throw error;
  }
}
