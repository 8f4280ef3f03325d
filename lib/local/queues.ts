/**
 * Creates the topology's queues on the SQS emulator (idempotent), each with its dead-letter queue,
 * with the attributes the CDK stack gives them: visibility timeout, redrive after
 * `maxReceiveCount` receives, and for FIFO queues no content-based deduplication (senders pass
 * `key#rev` as the deduplication id). The stack's per-group deduplication scope and throughput
 * limit are left out: the emulator rejects them on SetQueueAttributes and ignores them anyway.
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { SQS_HTTP_OPTIONS } from '../store/dynamo-client.ts';
import type { QueueSpec } from '../topology.ts';
import { LOCAL_AWS, localSigning } from './tables.ts';

export interface LocalQueue {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

/** An SQS client for the emulator, with the same fixed credentials and region as DynamoDB Local's. */
export function localSqsClient(endpoint: string): SQSClient {
  return new SQSClient({ ...LOCAL_AWS, endpoint, maxAttempts: 3, requestHandler: SQS_HTTP_OPTIONS, ...localSigning('sqs') });
}

const FOURTEEN_DAYS = String(14 * 24 * 3600);

/**
 * Makes `${prefix}${id}` and `${prefix}${id}-dlq` (plus `.fifo` for FIFO queues) for every spec.
 * A queue that already exists keeps its URL and gets the spec's current attributes, so a changed
 * visibility timeout or receive count applies on the next start.
 */
export async function createQueues(client: SQSClient, prefix: string, specs: QueueSpec[]): Promise<Record<string, LocalQueue>> {
  const out: Record<string, LocalQueue> = {};
  for (const spec of specs) {
    const suffix = spec.fifo ? '.fifo' : '';
    const fifo: Record<string, string> = spec.fifo
      ? { FifoQueue: 'true', ContentBasedDeduplication: 'false' }
      : {};
    const dlq = await ensureQueue(client, `${prefix}${spec.id}-dlq${suffix}`, { ...fifo, MessageRetentionPeriod: FOURTEEN_DAYS });
    const queue = await ensureQueue(client, `${prefix}${spec.id}${suffix}`, {
      ...fifo,
      VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: spec.maxReceiveCount }),
    });
    out[spec.id] = { url: queue.url, arn: queue.arn, dlqUrl: dlq.url, dlqArn: dlq.arn };
  }
  return out;
}

async function ensureQueue(client: SQSClient, QueueName: string, Attributes: Record<string, string>): Promise<{ url: string; arn: string }> {
  let url: string | undefined;
  try {
    url = (await client.send(new CreateQueueCommand({ QueueName, Attributes }))).QueueUrl;
  } catch (err) {
    if (!isQueueNameExists(err)) throw err;
    // Exists with other attributes: keep it, apply the spec's (a queue's FIFO-ness cannot change).
    url = (await client.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl;
    const { FifoQueue: _fifo, ...settable } = Attributes;
    await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: settable }));
  }
  if (!url) throw new Error(`SQS returned no URL for queue ${QueueName}`);
  const attrs = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = attrs.Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS returned no ARN for queue ${QueueName}`);
  return { url, arn };
}

/**
 * SQS answers in its JSON protocol with the legacy query error code too, and the SDK then names
 * the error `AWS.SimpleQueueService.QueueNameExists` rather than making a `QueueNameExists`.
 */
function isQueueNameExists(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === 'string' && (name === 'QueueNameExists' || name.endsWith('.QueueNameExists'));
}
