// Real answers of a live server checked against the schemas its /openapi.json documents for
// them: one call or more per area (stories, chat, analyze, text processing, registry, jobs,
// usage, gateway, admin, internal) and some errors, each answer validated with ajv against the
// response the document gives for that path, method and status.
// Usage: node openapi_responses.mjs <base_url> <admin_token>
// The server must run the embedded defaults with `auth` listed (an API key is made here).
// Exits 0 and prints "checked N answers" when all fit; prints each misfit and exits 1 otherwise.
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';

const [base, adminToken] = process.argv.slice(2);
const document = await SwaggerParser.dereference(await (await fetch(new URL('/openapi.json', base))).json());

// OpenAPI 3.0 schema objects as JSON Schema: `nullable` becomes a null alternative,
// boolean exclusiveMinimum the numeric form, and annotations ajv does not know go.
function jsonSchema(schema) {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (['nullable', 'example', 'xml', 'externalDocs', 'deprecated', 'readOnly', 'writeOnly'].includes(key)) continue;
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSchema(v)]))
                                    : jsonSchema(value);
  }
  if (schema.exclusiveMinimum === true) {
    out.exclusiveMinimum = schema.minimum;
    delete out.minimum;
  }
  return schema.nullable ? { anyOf: [out, { type: 'null' }] } : out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const problems = [];
let checked = 0;

async function call(method, path, { body, headers = {}, status } = {}) {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const answer = text ? JSON.parse(text) : null;
  const label = `${method} ${path} → ${response.status}`;
  if (status !== undefined && response.status !== status) {
    problems.push(`${label}: expected ${status}: ${text.slice(0, 300)}`);
    return answer;
  }
  // The documented operation: the path template whose segments match.
  const template = Object.keys(document.paths).find((candidate) => {
    const want = candidate.split('/');
    const got = new URL(path, base).pathname.split('/');
    return want.length === got.length && want.every((part, i) => part.startsWith('{') || part === got[i]);
  });
  const operation = template && document.paths[template][method.toLowerCase()];
  if (!operation) {
    problems.push(`${label}: not documented`);
    return answer;
  }
  const documented = operation.responses[String(response.status)] ?? operation.responses.default;
  const schema = documented?.content?.['application/json']?.schema;
  if (!documented || (answer !== null && !schema)) {
    problems.push(`${label}: this status is not documented as JSON for ${template}`);
    return answer;
  }
  if (schema) {
    const validate = ajv.compile(jsonSchema(schema));
    if (!validate(answer)) {
      problems.push(`${label}: ${ajv.errorsText(validate.errors, { separator: '; ' })}\n  ${text.slice(0, 300)}`);
    }
  }
  ++checked;
  return answer;
}

const admin = { Authorization: `Bearer ${adminToken}` };
const key = await call('POST', '/admin/keys', { body: { name: 'openapi-check', daily_budget_usd: 5 }, headers: admin, status: 201 });
const user = { 'X-API-Key': key.key };

for (const path of ['/health', '/health/ready']) await call('GET', path, { status: 200 });
for (const path of ['/api/provider', '/v1/models', '/v1/frameworks', '/v1/auth/status', '/api/workflows',
                    '/v1/text_processing/operations']) {
  await call('GET', path, { headers: user, status: 200 });
}
await call('GET', '/v1/models', { status: 401 });

const story = await call('POST', '/api/semantic-kernel', {
  body: { primary_character: 'Ada', secondary_character: 'Grace' }, headers: user, status: 200 });
await call('POST', '/api/semantic-kernel', { body: { primary_character: '<script>x</script>' }, headers: user, status: 422 });
await call('POST', '/api/compare', { body: { primary_character: 'Ada', secondary_character: 'Linus' }, headers: user, status: 200 });
await call('GET', '/api/stories?limit=5', { headers: user, status: 200 });
await call('GET', `/api/stories/${story.id}`, { headers: user, status: 200 });
await call('GET', '/api/stories/999999999', { headers: user, status: 404 });
await call('GET', '/api/stories/search/characters?character=Ada', { headers: user, status: 200 });
await call('POST', '/v1/frameworks/kernel/tasks/story', {
  body: { primary_character: 'Ada', secondary_character: 'Grace' }, headers: user, status: 200 });

const turn = await call('POST', '/api/chat/langchain', { body: { message: 'hello' }, headers: user, status: 200 });
await call('POST', '/api/chat/langgraph', { body: { message: 'again', conversation_id: turn.conversation_id }, headers: user, status: 200 });
await call('GET', '/api/chat/conversations', { headers: user, status: 200 });
await call('GET', `/api/chat/conversations/${turn.conversation_id}`, { headers: user, status: 200 });

await call('POST', '/v1/analyze', { body: { prompt: 'Book a flight from Paris to Rome' }, headers: user, status: 200 });
const schema = { type: 'object', required: ['city'], properties: { city: { type: 'string' } } };
await call('POST', '/v1/analyze', { body: { prompt: 'Where?', schema }, headers: user, status: 200 });
await call('POST', '/v1/analyze', { body: { prompt: '' }, headers: user, status: 400 });
await call('POST', '/v1/analyze/batch', { body: { prompts: ['one', 'two'] }, headers: user, status: 200 });
await call('POST', '/v1/text_processing/process', {
  body: { text: 'A calm and happy day.', operation: 'sentiment' }, headers: user, status: 200 });
await call('POST', '/v1/text_processing/process', {
  body: { text: 'A calm and happy day.', operation: 'key_points' }, headers: user, status: 200 });
await call('POST', '/v1/text_processing/batch_process', {
  body: { requests: [{ text: 'Short text.', operation: 'summarize' }, { text: '', operation: 'qa' }] },
  headers: user, status: 200 });

await call('POST', '/v1/schemas', { body: { name: 'place', schema, description: 'a city' }, headers: user, status: 201 });
await call('GET', '/v1/schemas', { headers: user, status: 200 });
await call('GET', '/v1/schemas/place', { headers: user, status: 200 });
await call('GET', '/v1/schemas/place/versions', { headers: user, status: 200 });
await call('POST', '/v1/templates', {
  body: { name: 'trip', template_text: 'Plan a trip to {city}', schema_name: 'place' }, headers: user, status: 201 });
await call('PUT', '/v1/templates/trip', { body: { template_text: 'Plan a day in {city}' }, headers: user, status: 200 });
await call('GET', '/v1/templates', { headers: user, status: 200 });
await call('GET', '/v1/templates/trip', { headers: user, status: 200 });

const job = await call('POST', '/v1/jobs', { body: { job_type: 'analyze', request_params: { prompt: 'hi' } }, headers: user, status: 202 });
await call('GET', `/v1/jobs/${job.job_id}`, { headers: user, status: 200 });
await call('GET', '/v1/jobs', { headers: user, status: 200 });

await call('POST', '/v1/chat/completions', {
  body: { model: 'mock/mock-1', messages: [{ role: 'user', content: 'hi' }] }, headers: user, status: 200 });
await call('GET', '/api/cost/usage', { headers: user, status: 200 });
await call('GET', '/api/cost/usage?start_date=nope', { headers: user, status: 422 });
await call('GET', '/api/cost/transactions?limit=5', { headers: user, status: 200 });

for (const path of ['/admin/plugins', '/admin/keys', '/admin/routes', '/admin/audit?limit=5', '/internal/audit?limit=5',
                    '/internal/resilience/health', '/internal/resilience/circuit-breakers',
                    '/internal/resilience/config/presets', '/internal/cache/status']) {
  await call('GET', path, { headers: admin, status: 200 });
}
await call('GET', '/admin/plugins', { status: 401 });
await call('POST', '/internal/cache/invalidate', { body: { pattern: 'mock:*' }, headers: admin, status: 200 });
await call('POST', '/internal/resilience/circuit-breakers/mock/reset', { headers: admin, status: 200 });
await call('DELETE', `/admin/keys/${key.id}`, { headers: admin, status: 200 });

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`checked ${checked} answers`);
