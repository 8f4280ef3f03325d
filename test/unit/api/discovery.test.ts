import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, negotiateDiscovery } from '../../../lib/api/discovery.ts';

describe('discovery', () => {
  it('aggregated core group lists pods with short names and subresources', () => {
    const doc = aggregatedDiscovery(true);
    assert.equal(doc.kind, 'APIGroupDiscoveryList');
    assert.equal(doc.items.length, 1);
    const v1 = doc.items[0].versions[0];
    assert.equal(v1.version, 'v1');
    const pods = v1.resources.find((r) => r.resource === 'pods')!;
    assert.deepEqual(pods.shortNames, ['po']);
    assert.equal(pods.scope, 'Namespaced');
    const eviction = pods.subresources!.find((s) => s.subresource === 'eviction')!;
    assert.deepEqual(eviction.responseKind, { group: 'policy', version: 'v1', kind: 'Eviction' });
    const nodes = v1.resources.find((r) => r.resource === 'nodes')!;
    assert.equal(nodes.scope, 'Cluster');
  });

  it('aggregated named groups carry their names and the scale subresource', () => {
    const doc = aggregatedDiscovery(false);
    const names = doc.items.map((i) => (i.metadata as { name?: string }).name);
    assert.deepEqual(names.sort(), ['apps', 'authentication.k8s.io', 'authorization.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'policy']);
    const authz = doc.items.find((i) => (i.metadata as { name?: string }).name === 'authorization.k8s.io')!;
    assert.deepEqual(authz.versions[0].resources.map((r) => [r.resource, r.verbs]), [['selfsubjectaccessreviews', ['create']], ['selfsubjectrulesreviews', ['create']]]);
    const apps = doc.items.find((i) => (i.metadata as { name?: string }).name === 'apps')!;
    const deploy = apps.versions[0].resources.find((r) => r.resource === 'deployments')!;
    assert.deepEqual(deploy.shortNames, ['deploy']);
    assert.deepEqual(deploy.subresources!.find((s) => s.subresource === 'scale')!.responseKind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('legacy documents', () => {
    assert.deepEqual(apiGroupList().groups.map((g) => g.name).sort(), ['apps', 'authentication.k8s.io', 'authorization.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'policy']);
    assert.equal(apiGroup('authentication.k8s.io')!.preferredVersion!.groupVersion, 'authentication.k8s.io/v1');
    assert.deepEqual(apiResourceList('authentication.k8s.io', 'v1')!.resources.map((r) => r.kind), ['SelfSubjectReview', 'TokenReview']);
    assert.equal(apiGroup(''), undefined);
    assert.equal(apiGroup('apps')!.preferredVersion!.groupVersion, 'apps/v1');
    assert.equal(apiGroup('nope'), undefined);
    const core = apiResourceList('', 'v1')!;
    assert.equal(core.groupVersion, 'v1');
    const scale = apiResourceList('apps', 'v1')!.resources.find((r) => r.name === 'deployments/scale')!;
    assert.equal(scale.kind, 'Scale');
    assert.equal((scale as { group?: string }).group, 'autoscaling');
    assert.equal(apiResourceList('apps', 'v2'), undefined);
  });

  it('answers each client in the discovery form it prefers, as kube negotiates it', () => {
    const v2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
    const v2beta1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
    // kubectl 1.30+
    assert.equal(negotiateDiscovery(`${v2},${v2beta1},application/json`), 'v2');
    // kubectl 1.26–1.29: v2 would be unreadable to them
    assert.equal(negotiateDiscovery(`${v2beta1},application/json`), 'v2beta1');
    assert.equal(negotiateDiscovery(`${v2beta1}, ${v2}`), 'v2beta1');
    // protobuf first (not served here): the next acceptable form
    assert.equal(negotiateDiscovery(`application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,${v2}`), 'v2');
    // an aggregated version this server does not write, then plain JSON
    assert.equal(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json'), 'legacy');
    // q-values and specificity before order; q=0 refuses
    assert.equal(negotiateDiscovery(`application/json;q=0.5, ${v2}`), 'v2');
    assert.equal(negotiateDiscovery(`${v2};q=0, application/json`), 'legacy');
    assert.equal(negotiateDiscovery(`*/*, ${v2}`), 'v2');
    assert.equal(negotiateDiscovery(`${v2};q=0.2, ${v2beta1};q=0.9`), 'v2beta1');
    // plain JSON, wildcards, and (answered in JSON, like every endpoint here) anything else
    for (const accept of [undefined, '', 'application/json', '*/*', 'application/json, */*', 'application/*', 'text/html', 'application/vnd.kubernetes.protobuf', `${v2};q=0`]) {
      assert.equal(negotiateDiscovery(accept), 'legacy', String(accept));
    }
    assert.equal(aggregatedDiscovery(false, 'v2beta1').apiVersion, 'apidiscovery.k8s.io/v2beta1');
    assert.equal(aggregatedDiscovery(true).apiVersion, 'apidiscovery.k8s.io/v2');
  });
});
