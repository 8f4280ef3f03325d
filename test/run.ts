/**
 * Runs one suite with Node's test runner: `unit` (pure code) or `integration` (against DynamoDB
 * Local, the SQS emulator and stock kubectl). Integration files share one DynamoDB Local JVM,
 * started here and passed on as SKIFF_TEST_DYNAMODB_ENDPOINT; each file uses its own table prefix.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local.ts';

const suite = process.argv[2];
if (suite !== 'unit' && suite !== 'integration') {
  console.error('usage: test/run.ts unit|integration [file filter]');
  process.exit(2);
}
const filter = process.argv[3];

function find(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return find(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

const files = find(join('test', suite)).filter((f) => !filter || f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`no ${suite} tests found${filter ? ` matching ${filter}` : ''}`);
  process.exit(1);
}

const env = { ...process.env };
let ddb: Awaited<ReturnType<typeof startDynamoDbLocal>> | undefined;
if (suite === 'integration') {
  ddb = await startDynamoDbLocal({});
  env.SKIFF_TEST_DYNAMODB_ENDPOINT = ddb.endpoint;
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${suite === 'unit' ? 2 : 1}`, ...files],
  { stdio: 'inherit', env },
);
const code: number = await new Promise((ok) => child.on('exit', (c, sig) => ok(c ?? (sig ? 1 : 0))));
await ddb?.stop();
process.exit(code);
