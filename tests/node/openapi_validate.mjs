// Validates a live server's /openapi.json with @apidevtools/swagger-parser: the OpenAPI 3.0
// schema, every $ref resolving, path parameters declared, operationIds unique.
// Usage: node openapi_validate.mjs <base_url>   (e.g. http://127.0.0.1:8000)
// Exits 0 and prints "valid: …" when it validates; prints the problems and exits 1 otherwise.
import SwaggerParser from '@apidevtools/swagger-parser';

const response = await fetch(new URL('/openapi.json', process.argv[2]));
if (response.status !== 200) {
  console.error(`GET /openapi.json answered ${response.status}`);
  process.exit(1);
}
const document = await response.json();
if (!/^3\.0\.\d+$/.test(document.openapi ?? '')) {
  console.error(`not an OpenAPI 3.0 document: openapi is ${JSON.stringify(document.openapi)}`);
  process.exit(1);
}
try {
  // validate() dereferences in place: give it a copy, and count on the original.
  await SwaggerParser.validate(structuredClone(document));
} catch (error) {
  console.error(`invalid: ${error.message}`);
  process.exit(1);
}
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const operations = Object.values(document.paths).flatMap((item) => methods.filter((m) => m in item));
console.log(`valid: OpenAPI ${document.openapi}, ${Object.keys(document.paths).length} paths, ` +
            `${operations.length} operations, version ${document.info.version}`);
