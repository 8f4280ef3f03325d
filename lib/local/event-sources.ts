/**
 * The local runtime's Lambda event source mappings: DynamoDB stream pollers and SQS pollers that
 * call the same handler modules the deployed functions run, with the same event shapes.
 */
export {
  dynamoCheckpoints,
  localStreamsClient,
  memoryCheckpoints,
  startStreamPoller,
  streamFailureMessage,
  type CheckpointStore,
  type StreamBatchFailure,
  type StreamPoller,
  type StreamPollerOptions,
} from './stream-poller.ts';
export { startSqsPoller, type SqsPoller, type SqsPollerOptions } from './sqs-poller.ts';
