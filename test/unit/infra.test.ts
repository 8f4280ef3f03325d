import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { App, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TopologyError } from '../../lib/infra/errors.ts';
import { ROOT_CA_FUNCTION_ID, SkiffStack, type SkiffStackProps } from '../../lib/infra/skiff-stack.ts';
import { ESM_REQUIRE_BANNER } from '../../lib/infra/skiff-function.ts';
import { checkTopology } from '../../lib/infra/validate.ts';
import { tableEnvVar, topology, type Topology } from '../../lib/topology.ts';

// The stack is synthesized from a stub project: handlers may not exist yet, and `NodejsFunction`
// insists that its entry does even when bundling is skipped.
const roots: string[] = [];
function stubProject(t: Topology): string {
  const root = mkdtempSync(join(tmpdir(), 'skiff-infra-'));
  roots.push(root);
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}\n');
  for (const f of t.functions) {
    const file = join(root, 'functions', f.entry);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'export const handler = async () => ({});\n');
  }
  return root;
}
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function synth(props: SkiffStackProps = {}, context: Record<string, unknown> = {}): { stack: SkiffStack; template: Template } {
  const t = props.topology ?? topology;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new SkiffStack(app, 'Test', { projectRoot: stubProject(t), ...props });
  return { stack, template: Template.fromStack(stack) };
}

/** The CloudFormation logical id of an L2 construct's resource. */
function logicalId(stack: SkiffStack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

type Resource = { Type: string; Properties: Record<string, unknown> };
function only(template: Template, type: string, props: Record<string, unknown> = {}): [string, Resource] {
  const found = Object.entries(template.findResources(type, { Properties: props })) as [string, Resource][];
  assert.equal(found.length, 1, `one ${type} matching ${JSON.stringify(props)}`);
  return found[0];
}

/** Every IAM action granted to a function's role, across its policies. */
function actionsOf(template: Template, functionLogicalId: string): { actions: string[]; resources: string }[] {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId] as Resource;
  const roleRef = JSON.stringify(fn.Properties.Role);
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  assert.ok(roleId, `role of ${functionLogicalId}: ${roleRef}`);
  const out: { actions: string[]; resources: string }[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy')) as Resource[]) {
    if (!JSON.stringify(policy.Properties.Roles).includes(roleId)) continue;
    const doc = policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] };
    for (const s of doc.Statement) {
      out.push({ actions: ([] as string[]).concat(s.Action), resources: JSON.stringify(s.Resource) });
    }
  }
  return out;
}

describe('SkiffStack from the project topology', () => {
  const { stack, template } = synth();
  const apiId = logicalId(stack, stack.functions.api);
  const watchId = logicalId(stack, stack.functions.watch);

  it('creates one table per topology table, with its key schema', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', topology.tables.length);
    for (const spec of topology.tables) {
      const keySchema = [{ AttributeName: spec.partitionKey.name, KeyType: 'HASH' }];
      const attrs = [{ AttributeName: spec.partitionKey.name, AttributeType: spec.partitionKey.type }];
      if (spec.sortKey) {
        keySchema.push({ AttributeName: spec.sortKey.name, KeyType: 'RANGE' });
        attrs.push({ AttributeName: spec.sortKey.name, AttributeType: spec.sortKey.type });
      }
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `skiff-${spec.id}`,
        KeySchema: keySchema,
        AttributeDefinitions: attrs,
        BillingMode: 'PAY_PER_REQUEST',
      });
    }
  });

  it('streams new images from the log table only', () => {
    only(template, 'AWS::DynamoDB::Table', { TableName: 'skiff-log', StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    const withStream = Object.values(template.findResources('AWS::DynamoDB::Table')).filter(
      (r) => (r as Resource).Properties.StreamSpecification !== undefined,
    );
    assert.equal(withStream.length, topology.tables.filter((t) => t.stream).length);
  });

  it('turns on PITR and deletion protection, and retains the tables', () => {
    const tables = template.findResources('AWS::DynamoDB::Table');
    for (const t of Object.values(tables) as (Resource & { DeletionPolicy: string })[]) {
      assert.deepEqual(t.Properties.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
      assert.equal(t.Properties.DeletionProtectionEnabled, true);
      assert.equal(t.DeletionPolicy, 'Retain');
    }
  });

  it('encrypts every table with the customer-managed, rotating KMS key', () => {
    const [keyId] = only(template, 'AWS::KMS::Key', { EnableKeyRotation: true });
    for (const t of Object.values(template.findResources('AWS::DynamoDB::Table')) as Resource[]) {
      assert.deepEqual(t.Properties.SSESpecification, {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
    }
  });

  it('builds each function for Node 20 on arm64 from functions/<entry>, as an ESM bundle', () => {
    template.resourceCountIs('AWS::Lambda::Function', topology.functions.length);
    const spec = topology.functions.find((f) => f.id === 'api');
    assert.ok(spec);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: spec.memoryMb,
      Timeout: spec.timeoutSeconds,
    });
    const fn = stack.functions.api;
    assert.match(fn.spec.entry, /^api\/handler\.ts$/);
    assert.match(ESM_REQUIRE_BANNER, /createRequire/);
  });

  it('names its tables in SKIFF_TABLE_* variables', () => {
    assert.deepEqual(
      ['objects', 'log', 'meta'].map(tableEnvVar),
      ['SKIFF_TABLE_OBJECTS', 'SKIFF_TABLE_LOG', 'SKIFF_TABLE_META'],
    );
    const fns = template.findResources('AWS::Lambda::Function');
    assert.deepEqual(Object.keys(fns).sort(), topology.functions.map((f) => logicalId(stack, stack.functions[f.id])).sort());
    for (const f of topology.functions) {
      const fn = fns[logicalId(stack, stack.functions[f.id])];
      const vars = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      for (const spec of topology.tables) {
        const tableId = logicalId(stack, stack.tables[spec.id]);
        assert.deepEqual(vars[tableEnvVar(spec.id)], f.tables[spec.id] ? { Ref: tableId } : undefined, `${f.id}: ${tableEnvVar(spec.id)}`);
      }
    }
  });

  it('wires the reconcile loop: the log stream into the router, each queue into its consumer', () => {
    const router = logicalId(stack, stack.functions.router);
    const [, streamMapping] = only(template, 'AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: router } });
    assert.equal(streamMapping.Properties.StartingPosition, 'TRIM_HORIZON');
    assert.equal(streamMapping.Properties.BisectBatchOnFunctionError, true);
    assert.deepEqual(streamMapping.Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
    const vars = (template.findResources('AWS::Lambda::Function')[router].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    for (const queue of ['deployment', 'replicaset', 'scheduler']) {
      assert.deepEqual(vars[`SKIFF_QUEUE_${queue.toUpperCase()}`], { Ref: logicalId(stack, stack.queues[queue].queue) });
      const consumer = topology.functions.find((f) => f.consumes?.some((c) => c.queue === queue));
      assert.ok(consumer, `a consumer of ${queue}`);
      const [, mapping] = only(template, 'AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: logicalId(stack, stack.functions[consumer.id]) } });
      assert.deepEqual(mapping.Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
    }
    const scheduler = template.findResources('AWS::Lambda::Function')[logicalId(stack, stack.functions.scheduler)];
    assert.equal(scheduler.Properties.ReservedConcurrentExecutions, 1);
    // The node monitor's tick: an EventBridge rule sending a key message into the FIFO queue.
    const [, rule] = only(template, 'AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    const [target] = rule.Properties.Targets as { Arn: unknown; SqsParameters?: { MessageGroupId: string }; InputTransformer?: { InputTemplate: string } }[];
    assert.deepEqual(target.Arn, { 'Fn::GetAtt': [logicalId(stack, stack.queues.nodelifecycle.queue), 'Arn'] });
    assert.equal(target.SqsParameters?.MessageGroupId, 'core/Node//all');
    assert.match(target.InputTransformer?.InputTemplate ?? '', /"key":"core\/Node\/\/all"/);
  });

  it('grants each function exactly its RO/RW tables', () => {
    const statements = actionsOf(template, apiId);
    const api = topology.functions.find((f) => f.id === 'api');
    assert.ok(api);
    for (const [tableId, mode] of Object.entries(api.tables)) {
      const tableLogicalId = logicalId(stack, stack.tables[tableId]);
      const onTable = statements.filter((s) => s.resources.includes(tableLogicalId)).flatMap((s) => s.actions);
      assert.ok(onTable.includes('dynamodb:GetItem'), `${tableId}: read`);
      assert.equal(onTable.includes('dynamodb:PutItem'), mode === 'RW', `${tableId}: write iff RW`);
    }
    const onKey = statements.filter((s) => s.actions.includes('kms:Decrypt'));
    assert.ok(onKey.length > 0, 'may use the table key');
  });

  it('routes $default of an HTTP API to the api function with payload format 2.0', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    const [integrationId] = only(template, 'AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [apiId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [apiId, 'Arn'] },
    });
  });

  it('serves long watches from the watch function, streaming through a Function URL', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    const watch = fns[watchId].Properties as { Handler: string; Timeout: number; Environment: { Variables: Record<string, string> } };
    assert.equal(watch.Handler, 'index.streamHandler');
    assert.equal(watch.Timeout, 900);
    assert.equal(watch.Environment.Variables.SKIFF_MAX_WATCH_SECONDS, '840');
    assert.equal((fns[apiId].Properties as { Environment: { Variables: Record<string, string> } }).Environment.Variables.SKIFF_MAX_WATCH_SECONDS, '25');
    template.hasResourceProperties('AWS::Lambda::Url', {
      TargetFunctionArn: { 'Fn::GetAtt': [watchId, 'Arn'] },
      InvokeMode: 'RESPONSE_STREAM',
      AuthType: 'NONE',
    });
  });

  it('generates the admin token as a KMS-encrypted secret the api function may read', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
      KmsKeyId: Match.anyValue(),
    });
    const fn = template.findResources('AWS::Lambda::Function');
    const env = (fn[apiId].Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    assert.ok(env.SKIFF_ADMIN_TOKEN_SECRET_ARN, 'the api function is told where its token is');
    template.hasOutput('AdminTokenSecretArn', {});
  });

  it('signs ServiceAccount tokens with an asymmetric KMS key that only the API functions may use, and only to sign', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    const keyId = logicalId(stack, stack.tokenKey);
    const fns = template.findResources('AWS::Lambda::Function');
    for (const [id, fn] of Object.entries(fns)) {
      const env = (fn.Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables ?? {};
      const grants = actionsOf(template, id).filter((g) => g.resources.includes(keyId));
      if (id === apiId || id === watchId) {
        assert.deepEqual(env.SKIFF_SA_TOKEN_KEY_ARN, { 'Fn::GetAtt': [keyId, 'Arn'] }, `${id} is told which key signs`);
        assert.deepEqual(grants.flatMap((g) => g.actions).sort(), ['kms:GetPublicKey', 'kms:Sign'], id);
      } else {
        assert.equal(env.SKIFF_SA_TOKEN_KEY_ARN, undefined, id);
        assert.deepEqual(grants, [], `${id} may not use the token key`);
      }
    }
  });

  it('alarms on function errors', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: apiId } }],
      Threshold: 1,
    });
  });

  it('outputs the API URL, the stream URL and the table names', () => {
    const outputs = template.findOutputs('*');
    for (const name of ['ApiUrl', 'StreamUrl', 'ObjectsTableName', 'LogTableName', 'MetaTableName']) {
      assert.ok(outputs[name], name);
    }
  });
});

describe('SkiffStack settings', () => {
  it('reads deletion protection and the prefix from context', () => {
    const { template } = synth({}, { 'skiff:deletionProtection': 'false', 'skiff:prefix': 'dev-' });
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table')) as (Resource & { DeletionPolicy: string })[];
    assert.equal(tables.length, topology.tables.length);
    for (const t of tables) {
      assert.equal(t.Properties.DeletionProtectionEnabled, false);
      assert.equal(t.DeletionPolicy, 'Delete');
      assert.match(String(t.Properties.TableName), /^dev-/);
    }
  });

  it('rejects a context value that is not a boolean', () => {
    assert.throws(() => synth({}, { 'skiff:deletionProtection': 'nope' }), { name: 'StackConfigError' });
  });

  it('hands a root CA bundle to the function that publishes kube-root-ca.crt, and to no other', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const variable = (template: Template, stack: SkiffStack, id: string) => {
      const fn = template.findResources('AWS::Lambda::Function')[logicalId(stack, stack.functions[id])] as Resource;
      return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.SKIFF_ROOT_CA_PEM;
    };
    const given = synth({ rootCaPem: pem });
    for (const f of topology.functions) assert.equal(variable(given.template, given.stack, f.id), f.id === ROOT_CA_FUNCTION_ID ? pem : undefined, f.id);
    const plain = synth();
    for (const f of topology.functions) assert.equal(variable(plain.template, plain.stack, f.id), undefined, f.id);
  });
});

describe('SkiffStack with a topology of its own', () => {
  const withQueues: Topology = {
    ...topology,
    schedules: [],
    queues: [
      { id: 'deployment', fifo: true, visibilityTimeoutSeconds: 60, maxReceiveCount: 5, purpose: 'controller' },
      { id: 'timers', fifo: false, visibilityTimeoutSeconds: 30, maxReceiveCount: 3, purpose: 'requeue-after' },
    ],
    functions: [
      ...topology.functions.filter((f) => f.id === 'api' || f.id === 'watch').map(({ sendsTo: _sendsTo, ...f }) => f),
      {
        id: 'deployment',
        entry: 'controllers/deployment.ts',
        memoryMb: 512,
        timeoutSeconds: 30,
        tables: { objects: 'RW', log: 'RW', meta: 'RW' },
        purpose: 'Deployment controller',
        consumes: [{ queue: 'deployment', batchSize: 10 }],
        sendsTo: ['timers'],
      },
      {
        id: 'router',
        entry: 'router/handler.ts',
        memoryMb: 512,
        timeoutSeconds: 30,
        tables: { objects: 'RO' },
        purpose: 'Routes log events to queues',
        streams: [{ table: 'log', batchSize: 500 }],
        sendsTo: ['deployment'],
        reservedConcurrency: 1,
      },
    ],
  };
  const { stack, template } = synth({ topology: withQueues });

  it('creates each queue with its own DLQ and maxReceiveCount, FIFO where asked', () => {
    const dlqId = logicalId(stack, stack.queues.deployment.dlq);
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'skiff-deployment.fifo',
      FifoQueue: true,
      ContentBasedDeduplication: false,
      VisibilityTimeout: 60,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'skiff-deployment-dlq.fifo', FifoQueue: true });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'skiff-timers',
      FifoQueue: Match.absent(),
      RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'skiff-timers-dlq' });
  });

  it('maps each consumed queue to its function with partial batch responses', () => {
    const queueId = logicalId(stack, stack.queues.deployment.queue);
    const fnId = logicalId(stack, stack.functions.deployment);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: fnId },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('maps the log stream to the router from the oldest record, with a failure destination', () => {
    const fnId = logicalId(stack, stack.functions.router);
    const logId = logicalId(stack, stack.tables.log);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logId, 'StreamArn'] },
      FunctionName: { Ref: fnId },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: Match.absent(), ReservedConcurrentExecutions: 1 });
  });

  it('hands senders the queue URL and a send grant', () => {
    const queueId = logicalId(stack, stack.queues.timers.queue);
    const fnId = logicalId(stack, stack.functions.deployment);
    const fn = template.findResources('AWS::Lambda::Function')[fnId] as Resource;
    const vars = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    assert.deepEqual(vars.SKIFF_QUEUE_TIMERS, { Ref: queueId });
    const send = actionsOf(template, fnId).filter((s) => s.actions.includes('sqs:SendMessage'));
    assert.ok(send.some((s) => s.resources.includes(queueId)));
  });

  it('grants an RO table read actions only', () => {
    const fnId = logicalId(stack, stack.functions.router);
    const objectsId = logicalId(stack, stack.tables.objects);
    const metaId = logicalId(stack, stack.tables.meta);
    const statements = actionsOf(template, fnId);
    const onObjects = statements.filter((s) => s.resources.includes(objectsId)).flatMap((s) => s.actions);
    assert.ok(onObjects.includes('dynamodb:Query'));
    assert.ok(!onObjects.some((a) => /Put|Update|Delete|BatchWrite/.test(a)), onObjects.join());
    assert.ok(!statements.some((s) => s.resources.includes(metaId)), 'no grant on an unbound table');
    const fn = template.findResources('AWS::Lambda::Function')[fnId] as Resource;
    const vars = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    assert.ok(vars.SKIFF_TABLE_OBJECTS && !vars.SKIFF_TABLE_META);
  });

  it('alarms on every DLQ', () => {
    for (const q of ['deployment', 'timers']) {
      const dlqName = logicalId(stack, stack.queues[q].dlq);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqName, 'QueueName'] } }],
      });
    }
    // 2 queue DLQs + 1 stream DLQ + 4 function error alarms (api, watch, deployment, router).
    template.resourceCountIs('AWS::CloudWatch::Alarm', 7);
  });
});

describe('checkTopology', () => {
  const base: Topology = { ...topology, queues: [{ id: 'q', fifo: true, visibilityTimeoutSeconds: 10, maxReceiveCount: 3, purpose: '' }] };
  const consumer = (extra: Partial<Topology['functions'][number]>): Topology => ({
    ...base,
    functions: [
      ...base.functions,
      { id: 'c', entry: 'c.ts', memoryMb: 128, timeoutSeconds: 5, tables: {}, purpose: '', ...extra },
    ],
  });

  it('accepts the project topology', () => {
    checkTopology(topology);
  });

  const cases: { name: string; t: Topology; problem: RegExp }[] = [
    { name: 'unknown table', t: consumer({ tables: { nope: 'RO' } }), problem: /unknown table "nope"/ },
    { name: 'unknown queue', t: consumer({ consumes: [{ queue: 'nope' }] }), problem: /unknown queue "nope"/ },
    { name: 'timeout above visibility', t: consumer({ timeoutSeconds: 20, consumes: [{ queue: 'q' }] }), problem: /visibility timeout/ },
    { name: 'batching window on FIFO', t: consumer({ consumes: [{ queue: 'q', maxBatchingWindowSeconds: 1 }] }), problem: /FIFO/ },
    { name: 'FIFO batch above 10', t: consumer({ consumes: [{ queue: 'q', batchSize: 11 }] }), problem: /batchSize/ },
    { name: 'stream on a table without one', t: consumer({ streams: [{ table: 'meta' }] }), problem: /has no stream/ },
    {
      name: 'two consumers of one queue',
      t: {
        ...consumer({ consumes: [{ queue: 'q' }] }),
        functions: [
          ...consumer({ consumes: [{ queue: 'q' }] }).functions,
          { id: 'd', entry: 'd.ts', memoryMb: 128, timeoutSeconds: 5, tables: {}, purpose: '', consumes: [{ queue: 'q' }] },
        ],
      },
      problem: /consumed by both c and d/,
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      assert.throws(
        () => checkTopology(c.t),
        (err: unknown) => err instanceof TopologyError && err.problems.some((p) => c.problem.test(p)),
      );
    });
  }
});
