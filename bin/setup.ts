/** Runs after `npm ci`: puts the local runtime's DynamoDB Local on disk. */
import { ensureDynamoDbLocal } from '../lib/local/dynamodb-local.ts';

try {
  ensureDynamoDbLocal((line) => console.log(`skiff setup: ${line}`));
} catch (err) {
  console.error(`skiff setup: ${(err as Error).message}`);
  process.exit(1);
}
