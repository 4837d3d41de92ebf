// Writes fixtures/demo/ksc.json from fixtures/demo/customers.json (demoFixture.ts).
//   npm run build && node dist/simulators/ksc/writeDemoFixture.js [customers.json] [ksc.json]
// Paths default to the repository's fixtures/demo, relative to the working directory.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateKscDemoFixture, summarizeDemoFixture, type DemoCustomer } from './demoFixture.js';

const customersFile = path.resolve(process.argv[2] ?? 'fixtures/demo/customers.json');
const outFile = path.resolve(process.argv[3] ?? 'fixtures/demo/ksc.json');
const story = JSON.parse(readFileSync(customersFile, 'utf8')) as { customers: DemoCustomer[] };
const fixture = generateKscDemoFixture(story.customers);
writeFileSync(outFile, `${JSON.stringify(fixture, null, 1)}\n`);
process.stdout.write(`${outFile}\n${JSON.stringify(summarizeDemoFixture(fixture), null, 2)}\n`);
