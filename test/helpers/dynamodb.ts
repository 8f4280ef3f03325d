/** Integration tests' DynamoDB Local: the JVM test/run.ts started, fresh tables per call. */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables, localDynamoClient } from '../../lib/local/tables.ts';
import type { TableNames } from '../../lib/topology.ts';

export function testEndpoint(): string {
  const endpoint = process.env.SKIFF_TEST_DYNAMODB_ENDPOINT;
  if (!endpoint) {
    throw new Error('SKIFF_TEST_DYNAMODB_ENDPOINT is not set: run integration tests with `npm run test:integration` (it starts DynamoDB Local; needs Java 17)');
  }
  return endpoint;
}

export async function freshTables(): Promise<{ client: DynamoDBClient; tables: TableNames; prefix: string }> {
  const client = localDynamoClient(testEndpoint());
  const prefix = `t${randomBytes(4).toString('hex')}-`;
  const tables = await createTables(client, prefix);
  return { client, tables, prefix };
}
