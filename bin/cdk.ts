/**
 * The CDK app (`npx cdk synth`, `npx cdk deploy`). Settings come from context, e.g.
 * `npx cdk deploy -c skiff:prefix=dev- -c skiff:deletionProtection=false -c skiff:stackName=SkiffDev`.
 */
import { App } from 'aws-cdk-lib';
import { SkiffStack } from '../lib/infra/skiff-stack.ts';

const app = new App();
const stackName: unknown = app.node.tryGetContext('skiff:stackName');
new SkiffStack(app, typeof stackName === 'string' && stackName ? stackName : 'Skiff', {
  description: 'Skiff: a Kubernetes-compatible control plane on Lambda, DynamoDB and SQS',
});
app.synth();
