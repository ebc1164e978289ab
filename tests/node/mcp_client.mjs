// The official MCP TypeScript SDK against Switchboard's MCP server, over stdio or Streamable
// HTTP: initialize, list the tools, call every tool, list and read the story resources. Prints
// one line "MCP_SUMMARY <json>" for the C++ test to assert on; exits non-zero on any failure.
//
//   node mcp_client.mjs stdio <switchboard binary> mcp --config FILE …
//   node mcp_client.mjs http http://127.0.0.1:PORT/mcp
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [mode, target, ...args] = process.argv.slice(2);
const transport =
  mode === 'stdio'
    ? new StdioClientTransport({ command: target, args, env: { ...process.env }, stderr: 'pipe' })
    : new StreamableHTTPClientTransport(new URL(target));
// The server's logs (stdio): kept apart from the summary, shown when something fails.
let serverLog = '';
transport.stderr?.on('data', (chunk) => (serverLog += chunk));
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
function fail(error) {
  console.error(`mcp_client: ${error?.stack ?? error}\n--- server log ---\n${serverLog}`);
  process.exit(1);
}

const client = new Client({ name: 'switchboard-test', version: '1.0.0' });
await client.connect(transport);

const summary = {
  transport: mode,
  sessionId: mode === 'http' ? transport.sessionId ?? null : null,
  server: client.getServerVersion(),
  capabilities: client.getServerCapabilities(),
  tools: (await client.listTools()).tools.map((tool) => tool.name),
  calls: {},
};

// The SDK checks each structuredContent against the tool's outputSchema.
async function call(name, args) {
  const result = await client.callTool({ name, arguments: args });
  return { isError: result.isError ?? false, text: result.content?.[0]?.text ?? '', structured: result.structuredContent ?? null };
}

summary.calls.usage_before = await call('get_usage', {});
summary.calls.list_frameworks = await call('list_frameworks', {});
summary.calls.list_providers = await call('list_providers', {});
summary.calls.generate_story = await call('generate_story', {
  framework: 'langchain',
  primary_character: 'Ada',
  secondary_character: 'Grace',
});
summary.calls.chat = await call('chat', { message: 'Hello from MCP', framework: 'semantic-kernel' });
summary.calls.chat_again = await call('chat', {
  message: 'And again',
  conversation_id: summary.calls.chat.structured?.conversation_id,
});
summary.calls.analyze = await call('analyze', {
  prompt: 'Order two tickets to Lisbon for Ada',
  format: 'json',
  schema: { type: 'object', properties: { destination: { type: 'string' } }, required: ['destination'] },
});
summary.calls.run_workflow = await call('run_workflow', { name: 'prompt-chain', input: { request: 'Explain tides' } });
summary.calls.bad_story = await call('generate_story', { framework: 'langchain', primary_character: 'Ada' });
summary.calls.usage_after = await call('get_usage', {});

const resources = (await client.listResources()).resources;
summary.resources = resources.map((resource) => resource.uri);
const storyUri = `switchboard://stories/${summary.calls.generate_story.structured?.id}`;
summary.story_resource = JSON.parse((await client.readResource({ uri: storyUri })).contents[0].text);
summary.recent_resource = JSON.parse(
  (await client.readResource({ uri: 'switchboard://stories/recent' })).contents[0].text,
);
try {
  await client.readResource({ uri: 'switchboard://stories/999999999' });
  summary.missing_resource_error = null;
} catch (error) {
  summary.missing_resource_error = error.code ?? String(error);
}

if (mode === 'http') await transport.terminateSession();
await client.close();  // stdio: ends the server's input and waits for it to exit
// Under ASan+UBSan, a report from the stdio server (its exit status never reaches the test).
summary.server_sanitizer_report = /(Address|Leak|UndefinedBehavior)Sanitizer|runtime error:/.test(serverLog);
if (summary.server_sanitizer_report) console.error(serverLog);
console.log('MCP_SUMMARY ' + JSON.stringify(summary));
