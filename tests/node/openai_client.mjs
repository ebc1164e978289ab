// The official OpenAI client library, unchanged, against Switchboard's gateway.
// Usage: node openai_client.mjs <base_url>   (e.g. http://127.0.0.1:8000/v1)
// Exits 0 when every check passes; prints what it saw.
import OpenAI from 'openai';
import assert from 'node:assert/strict';

const client = new OpenAI({ baseURL: process.argv[2], apiKey: 'unused-by-switchboard', maxRetries: 0 });

const whole = await client.chat.completions.create({
  model: 'fake/echo',
  messages: [{ role: 'user', content: 'hello from the sdk' }],
});
assert.equal(whole.object, 'chat.completion');
assert.equal(whole.choices[0].message.content, 'echo: hello from the sdk');
assert.ok(whole.usage.total_tokens > 0);
console.log('whole:', whole.choices[0].message.content);

const stream = await client.chat.completions.create({
  model: 'fake/echo',
  messages: [{ role: 'user', content: 'streaming from the sdk' }],
  stream: true,
  stream_options: { include_usage: true },
});
let text = '';
let usage = null;
let finish = null;
for await (const chunk of stream) {
  if (chunk.choices?.[0]?.delta?.content) text += chunk.choices[0].delta.content;
  if (chunk.choices?.[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
  if (chunk.usage) usage = chunk.usage;
}
assert.equal(text, 'echo: streaming from the sdk');
assert.equal(finish, 'stop');
assert.ok(usage && usage.completion_tokens > 0);
console.log('stream:', text);

const models = await client.models.list();
assert.ok(models.data.some((m) => m.id === 'fake/echo'));

await assert.rejects(
  client.chat.completions.create({ model: 'fake/status-400', messages: [{ role: 'user', content: 'x' }] }),
  (error) => error.status === 400,
);
console.log('ok');
