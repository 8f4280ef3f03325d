/**
 * The AWS backend of `lib/topology.ts`: every table, queue, function and event source it names,
 * plus the HTTP API, the streaming Function URL for watches, the KMS key and the alarms.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventField, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { FunctionUrlAuthType, InvokeMode, StartingPosition, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { topology as defaultTopology, type KeyAttribute, type QueueSpec, type Topology } from '../topology.ts';
import { SkiffFunction } from './skiff-function.ts';
import { checkTopology } from './validate.ts';
import { StackConfigError, TopologyError } from './errors.ts';

/** The function behind the HTTP API and the streaming URL. */
export const API_FUNCTION_ID = 'api';
export const WATCH_FUNCTION_ID = 'watch';
/** The function that publishes `kube-root-ca.crt` (with the ServiceAccount controller). */
export const ROOT_CA_FUNCTION_ID = 'serviceaccount-controller';

/** Context keys (`cdk synth -c skiff:deletionProtection=false`); stack props win over them. */
export const CONTEXT = {
  prefix: 'skiff:prefix',
  deletionProtection: 'skiff:deletionProtection',
} as const;

/** The repository root: `functions/` and `package-lock.json` live here. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface SkiffStackProps extends StackProps {
  /** Default: the project's `topology`. */
  topology?: Topology;
  /** Physical names are `${prefix}${id}`. Default: context `skiff:prefix`, else `skiff-`. */
  prefix?: string;
  /**
   * Deletion protection on the tables; when on, tables, the key and logs are also retained if the
   * stack is deleted. Default: context `skiff:deletionProtection`, else true.
   */
  deletionProtection?: boolean;
  /** Where `functions/<entry>` and `package-lock.json` are. Default: this repository. */
  projectRoot?: string;
  /**
   * A PEM bundle published as `kube-root-ca.crt` in every namespace, for in-cluster clients that
   * verify the API with it (kube's root CA publisher). The HTTP API's certificate is a public one,
   * so by default nothing is published and such clients use the system's trust store.
   */
  rootCaPem?: string;
}

export interface QueuePair {
  queue: Queue;
  dlq: Queue;
}

export class SkiffStack extends Stack {
  readonly key: Key;
  /** Signs ServiceAccount tokens (asymmetric, ECC_NIST_P256). */
  readonly tokenKey: Key;
  readonly tables: Record<string, Table> = {};
  readonly queues: Record<string, QueuePair> = {};
  readonly functions: Record<string, SkiffFunction> = {};
  readonly httpApi: HttpApi;
  readonly streamUrl: FunctionUrl;
  /** Alarms carry no actions: subscribe them to a topic where the stack is used. */
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: SkiffStackProps = {}) {
    super(scope, id, props);
    const topology = props.topology ?? defaultTopology;
    checkTopology(topology);
    if (!topology.functions.some((f) => f.id === API_FUNCTION_ID)) {
      throw new TopologyError([`no function "${API_FUNCTION_ID}" to serve the HTTP API`]);
    }
    const prefix = props.prefix ?? contextString(this, CONTEXT.prefix) ?? 'skiff-';
    if (!/^[A-Za-z0-9_-]*$/.test(prefix)) {
      throw new StackConfigError(`prefix "${prefix}" may hold only letters, digits, "-" and "_" (queue names allow no more)`);
    }
    const deletionProtection = props.deletionProtection ?? contextBoolean(this, CONTEXT.deletionProtection) ?? true;
    const removalPolicy = deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;

    this.key = new Key(this, 'Key', {
      description: `Skiff (${prefix}): encrypts the tables and their streams`,
      enableKeyRotation: true,
      alias: `alias/${prefix}tables`,
      removalPolicy,
      ...(deletionProtection ? {} : { pendingWindow: Duration.days(7) }),
    });

    for (const spec of topology.tables) {
      const table = new Table(this, `${pascal(spec.id)}Table`, {
        tableName: `${prefix}${spec.id}`,
        partitionKey: attribute(spec.partitionKey),
        ...(spec.sortKey ? { sortKey: attribute(spec.sortKey) } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection,
        encryption: TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: this.key,
        ...(spec.stream ? { stream: StreamViewType[spec.stream] } : {}),
        removalPolicy,
      });
      this.tables[spec.id] = table;
      new CfnOutput(this, `${pascal(spec.id)}TableName`, { value: table.tableName });
    }

    for (const spec of topology.queues) {
      const pair = this.queue(spec, prefix);
      this.queues[spec.id] = pair;
      this.alarmOn(`${pascal(spec.id)}DlqNotEmpty`, pair.dlq.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }), `Messages in ${pair.dlq.queueName}: keys that failed ${spec.maxReceiveCount} times (redrive after fixing)`);
      new CfnOutput(this, `${pascal(spec.id)}QueueUrl`, { value: pair.queue.queueUrl });
    }

    for (const spec of topology.functions) {
      const fn = new SkiffFunction(this, `${pascal(spec.id)}Function`, { spec, projectRoot, removalPolicy });
      this.functions[spec.id] = fn;
      for (const [tableId, accessMode] of Object.entries(spec.tables)) {
        fn.bindTable({ id: tableId, table: this.tables[tableId], accessMode });
      }
      for (const queueId of spec.sendsTo ?? []) {
        fn.bindQueue({ id: queueId, queue: this.queues[queueId].queue });
      }
      if (props.rootCaPem && spec.id === ROOT_CA_FUNCTION_ID) fn.addEnvironment('SKIFF_ROOT_CA_PEM', props.rootCaPem);
      for (const src of spec.consumes ?? []) {
        const { fifo } = topology.queues.find((q) => q.id === src.queue) as QueueSpec;
        fn.addEventSource(
          new SqsEventSource(this.queues[src.queue].queue, {
            batchSize: src.batchSize ?? 10,
            // Failed messages return alone; the rest of the batch is deleted.
            reportBatchItemFailures: true,
            ...(!fifo && src.maxBatchingWindowSeconds !== undefined
              ? { maxBatchingWindow: Duration.seconds(src.maxBatchingWindowSeconds) }
              : {}),
            ...(src.maxConcurrency !== undefined ? { maxConcurrency: src.maxConcurrency } : {}),
          }),
        );
      }
      for (const src of spec.streams ?? []) {
        const name = `${pascal(spec.id)}${pascal(src.table)}Stream`;
        // Where a batch goes after its retries: the record's position, for replay from the log.
        const dlq = new Queue(this, `${name}Dlq`, {
          queueName: `${prefix}${spec.id}-${src.table}-stream-dlq`,
          retentionPeriod: Duration.days(14),
          encryption: QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          removalPolicy: RemovalPolicy.DESTROY,
        });
        fn.addEventSource(
          new DynamoEventSource(this.tables[src.table], {
            startingPosition: StartingPosition.TRIM_HORIZON,
            batchSize: src.batchSize ?? 100,
            ...(src.maxBatchingWindowSeconds !== undefined
              ? { maxBatchingWindow: Duration.seconds(src.maxBatchingWindowSeconds) }
              : {}),
            reportBatchItemFailures: true,
            bisectBatchOnError: true,
            retryAttempts: src.retryAttempts ?? 10,
            onFailure: new SqsDlq(dlq),
          }),
        );
        this.alarmOn(`${name}DlqNotEmpty`, dlq.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }), `${spec.id} gave up on records of the ${src.table} stream`);
      }
      this.alarmOn(`${pascal(spec.id)}Errors`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        `${spec.id} function errors (handler threw or timed out)`);
    }

    for (const spec of topology.schedules ?? []) {
      const { queue } = this.queues[spec.queue];
      const fifo = topology.queues.find((q) => q.id === spec.queue)?.fifo ?? false;
      new Rule(this, `${pascal(spec.id)}Schedule`, {
        description: `Skiff (${prefix}): ${spec.purpose}`,
        schedule: Schedule.rate(Duration.minutes(spec.everyMinutes)),
        targets: [
          new SqsQueue(queue, {
            // A key message like the router's; the event id makes each tick its own message.
            message: RuleTargetInput.fromObject({ key: spec.key, cause: `tick#${EventField.eventId}` }),
            ...(fifo ? { messageGroupId: spec.key } : {}),
          }),
        ],
      });
    }

    const api = this.functions[API_FUNCTION_ID];
    // The administrator's bearer token: generated once, read by the API at cold start.
    const adminToken = new Secret(this, 'AdminToken', {
      description: 'Skiff administrator bearer token (kubeconfig users[].user.token)',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const watch = this.functions[WATCH_FUNCTION_ID];
    for (const fn of watch ? [api, watch] : [api]) {
      adminToken.grantRead(fn);
      fn.addEnvironment('SKIFF_ADMIN_TOKEN_SECRET_ARN', adminToken.secretArn);
    }
    new CfnOutput(this, 'AdminTokenSecretArn', { value: adminToken.secretArn, description: 'aws secretsmanager get-secret-value --secret-id <this> for the kubeconfig token' });
    // ServiceAccount tokens (`kubectl create token`) are signed in KMS: the private key never
    // leaves it; the API reads the public half once per cold start to check tokens it is shown.
    this.tokenKey = new Key(this, 'ServiceAccountTokenKey', {
      description: `Skiff (${prefix}): signs ServiceAccount tokens (ES256)`,
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      alias: `alias/${prefix}service-account-tokens`,
      removalPolicy,
      ...(deletionProtection ? {} : { pendingWindow: Duration.days(7) }),
    });
    for (const fn of watch ? [api, watch] : [api]) {
      this.tokenKey.grant(fn, 'kms:Sign', 'kms:GetPublicKey');
      fn.addEnvironment('SKIFF_SA_TOKEN_KEY_ARN', this.tokenKey.keyArn);
    }
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `${prefix}api`,
      description: 'Skiff Kubernetes API',
      // Kubernetes clients send bearer tokens: the handler authenticates, not API Gateway.
      defaultIntegration: new HttpLambdaIntegration('ApiIntegration', api, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
    });
    // API Gateway buffers responses and stops at 29 s, so long watches are served by the
    // streaming entry point through a Function URL (the api function itself when there is none).
    this.streamUrl = (watch ?? api).addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
    });
    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint, description: 'Kubernetes API server URL' });
    new CfnOutput(this, 'StreamUrl', { value: this.streamUrl.url, description: 'Streaming URL for watches' });
  }

  private queue(spec: QueueSpec, prefix: string): QueuePair {
    const suffix = spec.fifo ? '.fifo' : '';
    const common = {
      // Queue messages carry keys only, never object state: SQS-managed encryption saves a KMS
      // call per batch, and agents may send heartbeats without a grant on the key.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(spec.fifo
        ? {
            fifo: true,
            // Deduplication ids are key#rev (content-based dedup would drop a key's later changes),
            // and per-group throughput lets many keys flow at once.
            contentBasedDeduplication: false,
            deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
            fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
          }
        : {}),
    };
    const dlq = new Queue(this, `${pascal(spec.id)}Dlq`, {
      ...common,
      queueName: `${prefix}${spec.id}-dlq${suffix}`,
      retentionPeriod: Duration.days(14),
    });
    const queue = new Queue(this, `${pascal(spec.id)}Queue`, {
      ...common,
      queueName: `${prefix}${spec.id}${suffix}`,
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
    });
    return { queue, dlq };
  }

  private alarmOn(id: string, metric: IMetric, description: string): void {
    this.alarms.push(
      new Alarm(this, id, {
        metric,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }),
    );
  }
}

function attribute(key: KeyAttribute): { name: string; type: AttributeType } {
  const type = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY }[key.type];
  return { name: key.name, type };
}

/** `stream-dlq` → `StreamDlq`: construct ids, hence CloudFormation logical ids. */
function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

function contextString(scope: Construct, key: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  return value === undefined || value === null ? undefined : String(value);
}

/** Context from `-c key=value` arrives as a string; from cdk.json as a boolean. */
function contextBoolean(scope: Construct, key: string): boolean | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new StackConfigError(`context ${key} must be true or false, not ${JSON.stringify(value)}`);
}
