import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../lib/core/object.ts';
import type { ResourceType } from '../../lib/core/resources.ts';
import { RESOURCE_TYPES, findByKind } from '../../lib/core/resources.ts';
import type { TableCell } from '../../lib/api/table.ts';
import { humanDuration, toTable } from '../../lib/api/table.ts';

const NOW = new Date('2024-06-01T12:00:00Z');
/** An ISO timestamp `seconds` before NOW. */
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');

function typeOf(apiVersion: string, kind: string): ResourceType {
  const t = findByKind(apiVersion, kind);
  if (!t) throw new Error(`no type ${apiVersion} ${kind}`);
  return t;
}

function obj(apiVersion: string, kind: string, name: string, rest: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace: 'default', creationTimestamp: ago(300), ...meta }, ...rest };
}

/** The row's cells keyed by column name, for readable assertions. */
function row(type: ResourceType, o: KubeObject): Record<string, TableCell> {
  const table = toTable(type, [o], { now: NOW });
  assert.equal(table.rows.length, 1);
  const cells = table.rows[0].cells;
  assert.equal(cells.length, table.columnDefinitions.length, 'one cell per column');
  return Object.fromEntries(table.columnDefinitions.map((c, i) => [c.name, cells[i]]));
}

/** Column names as kubectl prints them, split into the default set and the wide-only set. */
function headers(type: ResourceType): { normal: string[]; wide: string[] } {
  const cols = toTable(type, [], { now: NOW }).columnDefinitions;
  return {
    normal: cols.filter((c) => c.priority === 0).map((c) => c.name.toUpperCase()),
    wide: cols.filter((c) => c.priority === 1).map((c) => c.name.toUpperCase()),
  };
}

describe('humanDuration', () => {
  const s = 1000;
  const m = 60 * s;
  const h = 60 * m;
  const d = 24 * h;
  const y = 365 * d;
  const cases: [number, string][] = [
    [-5 * s, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [999, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 20 * s, '3m20s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [5 * h + 3 * m, '5h3m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 5 * h, '2d5h'],
    [8 * d + 5 * h, '8d'],
    [400 * d, '400d'],
    [2 * y, '2y'],
    [3 * y + 20 * d, '3y20d'],
    [8 * y + 20 * d, '8y'],
  ];
  for (const [ms, want] of cases) it(`${ms}ms → ${want}`, () => assert.equal(humanDuration(ms), want));
});

describe('column definitions', () => {
  const cases: [string, string, string[], string[]][] = [
    ['v1', 'Namespace', ['NAME', 'STATUS', 'AGE'], []],
    ['v1', 'Pod', ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']],
    ['v1', 'Node', ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'], ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']],
    ['v1', 'Service', ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], ['SELECTOR']],
    ['v1', 'Endpoints', ['NAME', 'ENDPOINTS', 'AGE'], []],
    ['v1', 'ConfigMap', ['NAME', 'DATA', 'AGE'], []],
    ['v1', 'Secret', ['NAME', 'TYPE', 'DATA', 'AGE'], []],
    ['v1', 'ServiceAccount', ['NAME', 'SECRETS', 'AGE'], []],
    ['v1', 'Event', ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], ['SUBOBJECT', 'SOURCE', 'FIRST SEEN', 'COUNT', 'NAME']],
    ['apps/v1', 'Deployment', ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']],
    ['apps/v1', 'ReplicaSet', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']],
    ['coordination.k8s.io/v1', 'Lease', ['NAME', 'HOLDER', 'AGE'], []],
    ['discovery.k8s.io/v1', 'EndpointSlice', ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'], []],
    ['policy/v1', 'PodDisruptionBudget', ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'], []],
  ];
  for (const [apiVersion, kind, normal, wide] of cases) {
    it(`${kind}: ${normal.join(' ')}${wide.length ? ` | wide: ${wide.join(' ')}` : ''}`, () => {
      assert.deepEqual(headers(typeOf(apiVersion, kind)), { normal, wide });
    });
  }

  it('every served type has a name column, a description and kube key order', () => {
    for (const type of RESOURCE_TYPES) {
      const cols = toTable(type, [], { now: NOW }).columnDefinitions;
      assert.equal(cols.filter((c) => c.format === 'name').length, 1, type.kind);
      for (const c of cols) {
        assert.deepEqual(Object.keys(c), ['name', 'type', 'format', 'description', 'priority']);
        assert.ok(c.description.length > 0, `${type.kind}.${c.name}`);
      }
    }
  });

  it('keeps kube interleaving of wide event columns', () => {
    const cols = toTable(typeOf('v1', 'Event'), [], { now: NOW }).columnDefinitions;
    assert.deepEqual(
      cols.map((c) => `${c.name}:${c.priority}`),
      ['Last Seen:0', 'Type:0', 'Reason:0', 'Object:0', 'Subobject:1', 'Source:1', 'Message:0', 'First Seen:1', 'Count:1', 'Name:1'],
    );
  });
});

describe('Pod rows', () => {
  const pods = typeOf('v1', 'Pod');
  const running = { running: { startedAt: ago(200) } };
  const pod = (status: Record<string, unknown>, spec: Record<string, unknown> = { containers: [{ name: 'app', image: 'nginx' }] }, meta: Record<string, unknown> = {}) =>
    obj('v1', 'Pod', 'web', { spec, status }, meta);
  const two = { containers: [{ name: 'a' }, { name: 'b' }] };
  const withInit = { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'app' }] };

  const cases: [string, KubeObject, Partial<Record<string, TableCell>>][] = [
    ['pending, no statuses', pod({ phase: 'Pending' }), { Name: 'web', Ready: '0/1', Status: 'Pending', Restarts: '0', Age: '5m' }],
    ['running and ready', pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }] }), { Ready: '1/1', Status: 'Running' }],
    ['running, not ready', pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: false, state: running }] }), { Ready: '0/1', Status: 'Running' }],
    ['creating', pod({ phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } } }] }), { Status: 'ContainerCreating' }],
    [
      'crash loop with last restart',
      pod({
        phase: 'Running',
        containerStatuses: [{ name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(125) } } }],
      }),
      { Status: 'CrashLoopBackOff', Restarts: '3 (2m5s ago)' },
    ],
    ['restarts without a last state', pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 2, state: running }] }), { Restarts: '2' }],
    [
      'the latest restart across containers',
      pod(
        {
          phase: 'Running',
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 1, state: running, lastState: { terminated: { finishedAt: ago(7200) } } },
            { name: 'b', ready: true, restartCount: 2, state: running, lastState: { terminated: { finishedAt: ago(30) } } },
          ],
        },
        two,
      ),
      { Ready: '2/2', Restarts: '3 (30s ago)' },
    ],
    ['completed', pod({ phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }), { Ready: '0/1', Status: 'Completed' }],
    ['terminated without reason', pod({ phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137 } } }] }), { Status: 'ExitCode:137' }],
    ['killed by a signal', pod({ phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, signal: 9 } } }] }), { Status: 'Signal:9' }],
    [
      'the first container has the last word',
      pod({ phase: 'Running', containerStatuses: [{ name: 'a', state: { waiting: { reason: 'ImagePullBackOff' } } }, { name: 'b', state: { waiting: { reason: 'ErrImagePull' } } }] }, two),
      { Status: 'ImagePullBackOff' },
    ],
    [
      'completed container beside a running one, pod ready',
      pod(
        {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [{ name: 'a', ready: true, state: running }, { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        },
        two,
      ),
      { Ready: '1/2', Status: 'Running' },
    ],
    [
      'completed container beside a running one, pod not ready',
      pod({ phase: 'Running', containerStatuses: [{ name: 'a', ready: true, state: running }, { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, two),
      { Status: 'NotReady' },
    ],
    ['evicted (status.reason)', pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }), { Status: 'Evicted' }],
    ['scheduling gated', pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), { Status: 'SchedulingGated' }],
    ['init: first not started', pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { waiting: { reason: 'PodInitializing' } } }, { name: 'i2', state: { waiting: { reason: 'PodInitializing' } } }] }, withInit), { Status: 'Init:0/2' }],
    [
      'init: second running',
      pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'i2', state: running }], containerStatuses: [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }] }, withInit),
      { Status: 'Init:1/2' },
    ],
    [
      'init: crash loop counts init restarts',
      pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(61) } } }] }, withInit),
      { Status: 'Init:CrashLoopBackOff', Restarts: '4 (61s ago)' },
    ],
    ['init: failed with reason', pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 2, reason: 'Error' } } }] }, withInit), { Status: 'Init:Error' }],
    ['init: failed without reason', pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 2 } } }] }, withInit), { Status: 'Init:ExitCode:2' }],
    ['init: killed', pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 143, signal: 15 } } }] }, withInit), { Status: 'Init:Signal:15' }],
    [
      'init done: main containers decide',
      pod(
        {
          phase: 'Running',
          initContainerStatuses: [{ name: 'i1', restartCount: 1, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'i2', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
          containerStatuses: [{ name: 'app', ready: true, state: running }],
        },
        withInit,
      ),
      { Ready: '1/1', Status: 'Running', Restarts: '0' },
    ],
    [
      'sidecar init container counts as a container',
      pod(
        {
          phase: 'Running',
          initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 1, state: running }],
          containerStatuses: [{ name: 'app', ready: true, state: running }],
        },
        { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'app' }] },
      ),
      { Ready: '2/2', Status: 'Running', Restarts: '1' },
    ],
    ['terminating', pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, state: running }] }, undefined, { deletionTimestamp: ago(10) }), { Status: 'Terminating' }],
    ['terminating but already succeeded', pod({ phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, undefined, { deletionTimestamp: ago(10) }), { Status: 'Completed' }],
    ['node lost while deleting', pod({ phase: 'Running', reason: 'NodeLost' }, undefined, { deletionTimestamp: ago(10) }), { Status: 'Unknown' }],
    ['no creation timestamp', pod({ phase: 'Pending' }, undefined, { creationTimestamp: undefined }), { Age: '<unknown>' }],
    [
      'wide cells',
      pod(
        { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.5' }], nominatedNodeName: 'n2', conditions: [{ type: 'example.com/gate', status: 'True' }] },
        { nodeName: 'n1', containers: [{ name: 'app' }], readinessGates: [{ conditionType: 'example.com/gate' }, { conditionType: 'example.com/other' }] },
      ),
      { IP: '10.0.0.5', Node: 'n1', 'Nominated Node': 'n2', 'Readiness Gates': '1/2' },
    ],
    ['wide cells: podIP alone', pod({ phase: 'Running', podIP: '10.0.0.9' }), { IP: '10.0.0.9' }],
    ['wide cells: unscheduled', pod({ phase: 'Pending' }), { IP: '<none>', Node: '<none>', 'Nominated Node': '<none>', 'Readiness Gates': '<none>' }],
  ];
  for (const [name, o, want] of cases) {
    it(name, () => {
      const got = row(pods, o);
      for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, k);
    });
  }

  it('marks finished pods with a Completed row condition', () => {
    const t = toTable(pods, [pod({ phase: 'Succeeded' }), pod({ phase: 'Failed' }), pod({ phase: 'Running' })], { now: NOW });
    assert.deepEqual(t.rows[0].conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    assert.deepEqual(t.rows[1].conditions, [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
    assert.equal('conditions' in t.rows[2], false);
  });
});

describe('Node rows', () => {
  const nodes = typeOf('v1', 'Node');
  const node = (status: Record<string, unknown>, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}) =>
    obj('v1', 'Node', 'n1', { spec, status }, { namespace: undefined, labels, creationTimestamp: ago(2 * 86400 + 5 * 3600) });
  const ready = (s: string) => ({ conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: s }] });

  const cases: [string, KubeObject, Partial<Record<string, TableCell>>][] = [
    ['ready', node({ ...ready('True'), nodeInfo: { kubeletVersion: 'v1.32.0' } }), { Name: 'n1', Status: 'Ready', Roles: '<none>', Age: '2d5h', Version: 'v1.32.0' }],
    ['not ready', node(ready('False')), { Status: 'NotReady' }],
    ['ready unknown', node(ready('Unknown')), { Status: 'NotReady' }],
    ['no ready condition', node({}), { Status: 'Unknown', Version: '' }],
    ['cordoned', node(ready('False'), { unschedulable: true }), { Status: 'NotReady,SchedulingDisabled' }],
    ['cordoned, unknown', node({}, { unschedulable: true }), { Status: 'Unknown,SchedulingDisabled' }],
    [
      'roles',
      node(ready('True'), {}, { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/': 'x', 'kubernetes.io/role': 'infra' }),
      { Roles: 'control-plane,infra,worker' },
    ],
    [
      'wide',
      node({
        ...ready('True'),
        addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.0.0.1' }, { type: 'ExternalIP', address: '1.2.3.4' }],
        nodeInfo: { osImage: 'Ubuntu 24.04', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://1.7.0' },
      }),
      { 'Internal-IP': '10.0.0.1', 'External-IP': '1.2.3.4', 'OS-Image': 'Ubuntu 24.04', 'Kernel-Version': '6.8.0', 'Container-Runtime': 'containerd://1.7.0' },
    ],
    ['wide, nothing reported', node({}), { 'Internal-IP': '<none>', 'External-IP': '<none>', 'OS-Image': '<unknown>', 'Kernel-Version': '<unknown>', 'Container-Runtime': '<unknown>' }],
  ];
  for (const [name, o, want] of cases) {
    it(name, () => {
      const got = row(nodes, o);
      for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, k);
    });
  }
});

describe('Service rows', () => {
  const services = typeOf('v1', 'Service');
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => obj('v1', 'Service', 'web', { spec, status });
  const cases: [string, KubeObject, TableCell[]][] = [
    ['cluster IP', svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'web', tier: 'a' } }), ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '5m', 'app=web,tier=a']],
    ['several ports, default protocol', svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }] }), ['web', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP', '5m', '<none>']],
    ['node port', svc({ type: 'NodePort', clusterIPs: ['10.96.0.11'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }), ['web', 'NodePort', '10.96.0.11', '<none>', '80:30080/TCP', '5m', '<none>']],
    ['external IPs', svc({ type: 'ClusterIP', clusterIPs: ['10.96.0.12'], externalIPs: ['1.1.1.1', '2.2.2.2'], ports: [{ port: 443, protocol: 'TCP' }] }), ['web', 'ClusterIP', '10.96.0.12', '1.1.1.1,2.2.2.2', '443/TCP', '5m', '<none>']],
    ['load balancer pending', svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.13'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }), ['web', 'LoadBalancer', '10.96.0.13', '<pending>', '80:31000/TCP', '5m', '<none>']],
    [
      'load balancer ready',
      svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.13'], externalIPs: ['9.9.9.9'], ports: [] }, { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }, { ip: '5.5.5.5' }, { ip: '5.5.5.5' }] } }),
      ['web', 'LoadBalancer', '10.96.0.13', '5.5.5.5,lb.example.com,9.9.9.9', '<none>', '5m', '<none>'],
    ],
    ['headless', svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80, protocol: 'TCP' }] }), ['web', 'ClusterIP', 'None', '<none>', '80/TCP', '5m', '<none>']],
    ['external name', svc({ type: 'ExternalName', externalName: 'db.example.com' }), ['web', 'ExternalName', '<none>', 'db.example.com', '<none>', '5m', '<none>']],
  ];
  for (const [name, o, want] of cases) it(name, () => assert.deepEqual(toTable(services, [o], { now: NOW }).rows[0].cells, want));
});

describe('Endpoints rows', () => {
  const endpoints = typeOf('v1', 'Endpoints');
  const ep = (subsets?: unknown[]) => obj('v1', 'Endpoints', 'web', subsets ? { subsets } : {});
  const addrs = (...ips: string[]) => ips.map((ip) => ({ ip }));
  const cases: [string, KubeObject, string][] = [
    ['no subsets', ep(), '<none>'],
    ['empty subsets', ep([]), '<none>'],
    ['two', ep([{ addresses: addrs('10.0.0.1', '10.0.0.2'), ports: [{ port: 80 }] }]), '10.0.0.1:80,10.0.0.2:80'],
    ['three', ep([{ addresses: addrs('10.0.0.1', '10.0.0.2'), ports: [{ port: 80 }] }, { addresses: addrs('10.0.0.3'), ports: [{ port: 80 }] }]), '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80'],
    ['truncated', ep([{ addresses: addrs('10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'), ports: [{ port: 80 }, { port: 443 }] }]), '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 5 more...'],
    ['headless without ports', ep([{ addresses: addrs('10.0.0.1', '10.0.0.2') }]), '10.0.0.1,10.0.0.2'],
    ['IPv6', ep([{ addresses: addrs('fd00::1'), ports: [{ port: 8080 }] }]), '[fd00::1]:8080'],
    ['only not-ready addresses', ep([{ notReadyAddresses: addrs('10.0.0.1'), ports: [{ port: 80 }] }]), ''],
  ];
  for (const [name, o, want] of cases) it(name, () => assert.deepEqual(toTable(endpoints, [o], { now: NOW }).rows[0].cells, ['web', want, '5m']));
});

describe('EndpointSlice rows', () => {
  const slices = typeOf('discovery.k8s.io/v1', 'EndpointSlice');
  const slice = (body: Record<string, unknown>) => obj('discovery.k8s.io/v1', 'EndpointSlice', 'web-x7k2p', { addressType: 'IPv4', ...body });
  const eps = (...ips: string[][]) => ips.map((addresses) => ({ addresses, conditions: { ready: false } }));
  const cases: [string, KubeObject, string, string][] = [
    ['placeholder', slice({ ports: [], endpoints: [] }), '<unset>', '<unset>'],
    ['no ports or endpoints at all', slice({}), '<unset>', '<unset>'],
    ['ports by number, else name, else *', slice({ ports: [{ port: 80 }, { name: 'metrics' }, {}], endpoints: eps(['10.0.0.1']) }), '80,metrics,*', '10.0.0.1'],
    ['more than three ports', slice({ ports: [{ port: 1 }, { port: 2 }, { port: 3 }, { port: 4 }, { port: 5 }] }), '1,2,3 + 2 more...', '<unset>'],
    // Every address counts, not-ready ones too (unlike Endpoints rows).
    ['addresses across endpoints', slice({ ports: [{ port: 80 }], endpoints: eps(['10.0.0.1'], ['10.0.0.2', '10.0.0.3'], ['10.0.0.4']) }), '80', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...'],
  ];
  for (const [name, o, ports, endpoints] of cases) {
    it(name, () => assert.deepEqual(toTable(slices, [o], { now: NOW }).rows[0].cells, ['web-x7k2p', 'IPv4', ports, endpoints, '5m']));
  }
});

describe('simple kinds', () => {
  const cases: [string, string, KubeObject, TableCell[]][] = [
    ['v1', 'Namespace', obj('v1', 'Namespace', 'dev', { status: { phase: 'Terminating' } }, { namespace: undefined, creationTimestamp: ago(45) }), ['dev', 'Terminating', '45s']],
    ['v1', 'ConfigMap', obj('v1', 'ConfigMap', 'cfg', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }), ['cfg', 3, '5m']],
    ['v1', 'ConfigMap', obj('v1', 'ConfigMap', 'empty'), ['empty', 0, '5m']],
    ['v1', 'Secret', obj('v1', 'Secret', 's', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }), ['s', 'kubernetes.io/tls', 2, '5m']],
    ['v1', 'Secret', obj('v1', 'Secret', 'plain'), ['plain', 'Opaque', 0, '5m']],
    ['v1', 'ServiceAccount', obj('v1', 'ServiceAccount', 'default', { secrets: [{ name: 'tok' }] }, { creationTimestamp: ago(3 * 86400) }), ['default', 1, '3d']],
    ['coordination.k8s.io/v1', 'Lease', obj('coordination.k8s.io/v1', 'Lease', 'leader', { spec: { holderIdentity: 'ctrl-1' } }), ['leader', 'ctrl-1', '5m']],
    ['coordination.k8s.io/v1', 'Lease', obj('coordination.k8s.io/v1', 'Lease', 'free', { spec: {} }), ['free', '', '5m']],
    ['policy/v1', 'PodDisruptionBudget', obj('policy/v1', 'PodDisruptionBudget', 'web', { spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1 } }), ['web', '2', 'N/A', 1, '5m']],
    ['policy/v1', 'PodDisruptionBudget', obj('policy/v1', 'PodDisruptionBudget', 'pct', { spec: { maxUnavailable: '25%' } }), ['pct', 'N/A', '25%', 0, '5m']],
  ];
  for (const [apiVersion, kind, o, want] of cases) {
    it(`${kind} ${o.metadata.name}`, () => assert.deepEqual(toTable(typeOf(apiVersion, kind), [o], { now: NOW }).rows[0].cells, want));
  }
});

describe('Event rows', () => {
  const events = typeOf('v1', 'Event');
  const ev = (rest: Record<string, unknown>) =>
    obj('v1', 'Event', 'web.17a', { involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{app}' }, type: 'Normal', reason: 'Pulled', message: '  Pulled image "nginx"\n', ...rest });
  const cases: [string, KubeObject, TableCell[]][] = [
    [
      'legacy timestamps',
      ev({ firstTimestamp: ago(3600), lastTimestamp: ago(65), count: 4, source: { component: 'kubelet', host: 'n1' } }),
      ['65s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'kubelet, n1', 'Pulled image "nginx"', '60m', 4, 'web.17a'],
    ],
    [
      'no last timestamp, no count',
      ev({ firstTimestamp: ago(30), source: { component: 'default-scheduler' } }),
      ['30s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'default-scheduler', 'Pulled image "nginx"', '30s', 1, 'web.17a'],
    ],
    [
      'events.k8s.io style: eventTime, series, reporting controller',
      ev({ eventTime: '2024-06-01T11:00:00.123456Z', series: { count: 7, lastObservedTime: '2024-06-01T11:59:50.000000Z' }, reportingController: 'skiff/deployment', reportingInstance: 'ctrl-0' }),
      // 59m59.88s ago: HumanDuration truncates.
      ['10s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'skiff/deployment, ctrl-0', 'Pulled image "nginx"', '59m', 7, 'web.17a'],
    ],
    [
      'no timestamps at all, object without a name',
      ev({ involvedObject: { kind: 'Node' }, type: 'Warning' }),
      ['<unknown>', 'Warning', 'Pulled', 'node', '', '', 'Pulled image "nginx"', '<unknown>', 1, 'web.17a'],
    ],
  ];
  for (const [name, o, want] of cases) it(name, () => assert.deepEqual(toTable(events, [o], { now: NOW }).rows[0].cells, want));
});

describe('Deployment and ReplicaSet rows', () => {
  const template = { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'proxy', image: 'envoy:1.30' }] } };
  const selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] };

  it('Deployment READY is ready/desired', () => {
    const d = obj('apps/v1', 'Deployment', 'web', { spec: { replicas: 3, selector, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } });
    assert.deepEqual(toTable(typeOf('apps/v1', 'Deployment'), [d], { now: NOW }).rows[0].cells, ['web', '2/3', 3, 2, '5m', 'app,proxy', 'nginx:1.27,envoy:1.30', 'app=web,tier in (front)']);
  });

  it('Deployment before its first status, replicas defaulted', () => {
    const d = obj('apps/v1', 'Deployment', 'web', { spec: { selector: { matchLabels: { app: 'web' } }, template } });
    assert.deepEqual(toTable(typeOf('apps/v1', 'Deployment'), [d], { now: NOW }).rows[0].cells, ['web', '0/1', 0, 0, '5m', 'app,proxy', 'nginx:1.27,envoy:1.30', 'app=web']);
  });

  it('Deployment with an invalid selector', () => {
    const d = obj('apps/v1', 'Deployment', 'web', { spec: { replicas: 0, selector: { matchExpressions: [{ key: 'a', operator: 'In' }] }, template } });
    assert.equal(toTable(typeOf('apps/v1', 'Deployment'), [d], { now: NOW }).rows[0].cells[7], '<invalid>');
  });

  it('ReplicaSet DESIRED CURRENT READY', () => {
    const rs = obj('apps/v1', 'ReplicaSet', 'web-5d8f', { spec: { replicas: 3, selector, template }, status: { replicas: 3, readyReplicas: 1 } });
    assert.deepEqual(toTable(typeOf('apps/v1', 'ReplicaSet'), [rs], { now: NOW }).rows[0].cells, ['web-5d8f', 3, 3, 1, '5m', 'app,proxy', 'nginx:1.27,envoy:1.30', 'app=web,tier in (front)']);
  });

  it('ReplicaSet without a selector prints <none>', () => {
    const rs = obj('apps/v1', 'ReplicaSet', 'bare', { spec: { replicas: 0, template: { spec: { containers: [] } } } });
    assert.deepEqual(toTable(typeOf('apps/v1', 'ReplicaSet'), [rs], { now: NOW }).rows[0].cells, ['bare', 0, 0, 0, '5m', '', '', '<none>']);
  });
});

describe('unknown kinds use kube default convertor', () => {
  const widgets = { group: 'example.com', kind: 'Widget' };
  it('Name and Created At', () => {
    const t = toTable(widgets, [obj('example.com/v1', 'Widget', 'w1', {}, { creationTimestamp: '2024-05-01T10:20:30Z' }), obj('example.com/v1', 'Widget', 'w2', {}, { creationTimestamp: undefined })], { now: NOW });
    assert.deepEqual(
      t.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority]),
      [['Name', 'string', 'name', 0], ['Created At', 'date', '', 0]],
    );
    assert.deepEqual(t.rows.map((r) => r.cells), [['w1', '2024-05-01T10:20:30Z'], ['w2', '0001-01-01T00:00:00Z']]);
  });
});

describe('Table envelope and row objects', () => {
  const pods = typeOf('v1', 'Pod');
  const p = obj('v1', 'Pod', 'web', { spec: { containers: [] }, status: { phase: 'Running' } }, { labels: { app: 'web' }, uid: 'u1', resourceVersion: '42' });

  it('defaults to PartialObjectMetadata rows, as kubectl asks', () => {
    const t = toTable(pods, [p], { now: NOW, listMeta: { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 } });
    assert.equal(t.kind, 'Table');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(t.metadata, { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 });
    assert.deepEqual(t.rows[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: p.metadata });
  });

  it('includeObject=Metadata explicitly', () => {
    const t = toTable(pods, [p], { now: NOW, includeObject: 'Metadata' });
    assert.equal(t.rows[0].object?.kind, 'PartialObjectMetadata');
    assert.equal(t.rows[0].object?.metadata.namespace, 'default');
    assert.deepEqual(t.rows[0].object?.metadata.labels, { app: 'web' });
  });

  it('includeObject=Object carries the whole object', () => {
    assert.deepEqual(toTable(pods, [p], { now: NOW, includeObject: 'Object' }).rows[0].object, p);
  });

  it('includeObject=None carries none', () => {
    assert.equal('object' in toTable(pods, [p], { now: NOW, includeObject: 'None' }).rows[0], false);
  });

  it('empty list meta and no rows', () => {
    const t = toTable(pods, [], { now: NOW });
    assert.deepEqual(t.metadata, {});
    assert.deepEqual(t.rows, []);
    assert.equal(t.columnDefinitions.length, 9);
  });

  it('serializes to the JSON kubectl decodes', () => {
    const json = JSON.parse(JSON.stringify(toTable(pods, [p], { now: NOW })));
    assert.deepEqual(json.columnDefinitions[0], { name: 'Name', type: 'string', format: 'name', description: json.columnDefinitions[0].description, priority: 0 });
    assert.deepEqual(json.rows[0].cells, ['web', '0/0', 'Running', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
  });

  it('does not share column definitions between tables', () => {
    const a = toTable(pods, [], { now: NOW });
    a.columnDefinitions[0].name = 'changed';
    assert.equal(toTable(pods, [], { now: NOW }).columnDefinitions[0].name, 'Name');
  });
});
