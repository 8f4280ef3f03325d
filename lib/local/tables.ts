/** Creates the topology's tables on DynamoDB Local (idempotent). */
import type {
  DynamoDBClient} from '@aws-sdk/client-dynamodb';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type AttributeDefinition,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { storeDynamoClient } from '../store/dynamo-client.ts';
import { topology, tableNames, type TableNames } from '../topology.ts';

/** Fixed credentials: DynamoDB Local names its data file after the access key and region. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'skiff', secretAccessKey: 'skiff' },
} as const;

/**
 * The emulators read the access key and region from the Authorization header (DynamoDB Local names
 * its data file after them) and verify no signature, so local clients send a fixed header instead
 * of computing SigV4 for every request (a few percent of the local cluster's CPU).
 */
export function localSigning(service: string): object {
  const { accessKeyId } = LOCAL_AWS.credentials;
  const authorization = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20000101/${LOCAL_AWS.region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
  return {
    httpAuthSchemes: [
      {
        schemeId: 'aws.auth#sigv4',
        identityProvider: (config: { getIdentityProvider(id: string): unknown }) => config.getIdentityProvider('aws.auth#sigv4'),
        signer: {
          sign: async <R extends { headers: Record<string, string> }>(request: R): Promise<R> => {
            request.headers.authorization = authorization;
            return request;
          },
        },
      },
    ],
  };
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return storeDynamoClient({ ...LOCAL_AWS, endpoint, maxAttempts: 3, ...localSigning('dynamodb') });
}

export async function createTables(client: DynamoDBClient, prefix: string): Promise<TableNames> {
  const names = tableNames(prefix);
  for (const spec of topology.tables) {
    const TableName = `${prefix}${spec.id}`;
    const keys: KeySchemaElement[] = [{ AttributeName: spec.partitionKey.name, KeyType: 'HASH' }];
    const attrs: AttributeDefinition[] = [{ AttributeName: spec.partitionKey.name, AttributeType: spec.partitionKey.type }];
    if (spec.sortKey) {
      keys.push({ AttributeName: spec.sortKey.name, KeyType: 'RANGE' });
      attrs.push({ AttributeName: spec.sortKey.name, AttributeType: spec.sortKey.type });
    }
    try {
      await client.send(
        new CreateTableCommand({
          TableName,
          KeySchema: keys,
          AttributeDefinitions: attrs,
          BillingMode: 'PAY_PER_REQUEST',
          ...(spec.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } } : {}),
        }),
      );
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
    for (;;) {
      const d = await client.send(new DescribeTableCommand({ TableName }));
      if (d.Table?.TableStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return names;
}
