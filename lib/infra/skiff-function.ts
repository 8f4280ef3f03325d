/**
 * One place for what every Skiff function shares (runtime, architecture, ESM bundle, logs), and
 * for binding a table or a queue to a function: the grant and the environment variable that names
 * the resource always travel together, so a handler can never see a table it may not touch.
 */
import { join } from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { queueEnvVar, tableEnvVar, type FunctionSpec } from '../topology.ts';

/**
 * An ESM bundle still meets CommonJS dependencies that call `require` (for Node built-ins among
 * others); esbuild leaves those calls in place, so the bundle defines `require` itself.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __skiffCreateRequire } from 'node:module'; const require = __skiffCreateRequire(import.meta.url);";

export type AccessMode = 'RO' | 'RW';

export interface SkiffFunctionProps {
  spec: FunctionSpec;
  /** Folder holding `functions/` and `package-lock.json`; the bundle is built from here. */
  projectRoot: string;
  /** For the function's log group. */
  removalPolicy: RemovalPolicy;
  logRetention?: RetentionDays;
}

export class SkiffFunction extends NodejsFunction {
  readonly spec: FunctionSpec;

  constructor(scope: Construct, id: string, props: SkiffFunctionProps) {
    const { spec, projectRoot } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    super(scope, id, {
      entry: join(projectRoot, 'functions', spec.entry),
      handler: spec.handler ?? 'handler',
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      // Lambda deprecated nodejs20.x in 2026; the bundle targets ES2023 and runs unchanged on 22.
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      description: spec.purpose.slice(0, 256),
      logGroup,
      reservedConcurrentExecutions: spec.reservedConcurrency,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'skiff',
        NODE_OPTIONS: '--enable-source-maps',
        ...spec.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node20',
        // Prefer packages' ESM builds; CommonJS-only packages still work through the banner.
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        // Ship the SDK versions the tests ran against, not whatever the runtime carries today.
        bundleAwsSDK: true,
        minify: true,
        sourceMap: true,
      },
    });
    this.spec = spec;
  }

  /** Grants the function `accessMode` on the table and hands it the table's name. */
  bindTable(options: { id: string; table: ITable; accessMode: AccessMode }): void {
    const { id, table, accessMode } = options;
    if (accessMode === 'RW') table.grantReadWriteData(this);
    else table.grantReadData(this);
    this.addEnvironment(tableEnvVar(id), table.tableName);
  }

  /** Lets the function send to the queue and hands it the queue's URL. */
  bindQueue(options: { id: string; queue: IQueue }): void {
    options.queue.grantSendMessages(this);
    this.addEnvironment(queueEnvVar(options.id), options.queue.queueUrl);
  }
}
