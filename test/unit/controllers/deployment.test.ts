import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Deployment, ReplicaSet } from '../../../lib/api/schema/index.ts';
import {
  CHANGE_CAUSE, DESIRED_REPLICAS, MAX_REPLICAS, POD_TEMPLATE_HASH, REVISION, REVISION_HISTORY,
  fenceposts, reconcileDeployment, scaledValue, templatesEqualIgnoringHash,
} from '../../../lib/controllers/deployment.ts';
import { canonicalJson, computeHash, fnv32a, safeEncodeString } from '../../../lib/controllers/hash.ts';
import { reconcileReplicaSet } from '../../../lib/controllers/replicaset.ts';
import type { Action } from '../../../lib/controllers/types.ts';
import { controllerOf } from '../../../lib/controllers/types.ts';
import { Cluster, NS, T0, deployment, rolloutDone } from './sim.ts';

const of = <K extends Action['kind']>(actions: Action[], kind: K) => actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);
const condition = (d: Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);
const setImage = (image: string) => (d: Deployment) => {
  d.spec!.template!.spec!.containers[0].image = image;
};
const rsWithImage = (c: Cluster, image: string) => c.ownedRSs().find((rs) => rs.spec!.template!.spec!.containers[0].image === image);

describe('pod-template-hash', () => {
  it('is FNV-32a rendered with the safe alphabet', () => {
    // FNV-1a test vectors.
    assert.equal(fnv32a(new TextEncoder().encode('')), 0x811c9dc5);
    assert.equal(fnv32a(new TextEncoder().encode('a')), 0xe40c292c);
    assert.equal(fnv32a(new TextEncoder().encode('foobar')), 0xbf9cf968);
    // SafeEncodeString maps each byte mod 27 into bcdfghjklmnpqrstvwxz2456789 ('0' = 48 → index 21).
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
    const h = computeHash({ metadata: { labels: { app: 'web' } } });
    assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it('ignores key order and changes with collisionCount', () => {
    const a = { metadata: { labels: { app: 'web', x: '1' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    const b = { spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { x: '1', app: 'web' } } };
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.equal(computeHash(a), computeHash(b));
    assert.notEqual(computeHash(a), computeHash(a, 0));
    assert.notEqual(computeHash(a, 0), computeHash(a, 1));
  });
});

describe('strategy arithmetic', () => {
  const cases: { replicas: number; surge?: number | string; unavailable?: number | string; want: [number, number] }[] = [
    { replicas: 10, want: [3, 2] },
    { replicas: 3, want: [1, 0] },
    { replicas: 4, surge: 0, unavailable: 0, want: [0, 1] },
    { replicas: 1, surge: '0%', unavailable: '10%', want: [0, 1] },
    { replicas: 10, surge: '35%', unavailable: '35%', want: [4, 3] },
    { replicas: 5, surge: 2, unavailable: 1, want: [2, 1] },
  ];
  for (const c of cases) {
    it(`replicas ${c.replicas}, surge ${c.surge ?? 'default'}, unavailable ${c.unavailable ?? 'default'}`, () => {
      const d = deployment({ replicas: c.replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: c.surge ?? '25%', maxUnavailable: c.unavailable ?? '25%' } } });
      const f = fenceposts(d);
      assert.deepEqual([f.maxSurge, f.maxUnavailable], c.want);
    });
  }
  it('scales percentages with rounding', () => {
    assert.equal(scaledValue('25%', 10, true), 3);
    assert.equal(scaledValue('25%', 10, false), 2);
    assert.equal(scaledValue(7, 10, false), 7);
  });
});

describe('template equality', () => {
  it('ignores pod-template-hash and what kubectl rollout undo adds', () => {
    const t = deployment().spec!.template;
    const back = structuredClone(t) as Record<string, unknown> & typeof t;
    back.metadata = { ...back.metadata, labels: { ...back.metadata!.labels, [POD_TEMPLATE_HASH]: 'abc' }, creationTimestamp: null } as never;
    back.spec!.containers[0].resources = {};
    assert.ok(templatesEqualIgnoringHash(t, back));
    const other = structuredClone(t);
    other.spec!.containers[0].image = 'nginx:2';
    assert.ok(!templatesEqualIgnoringHash(t, other));
  });
});

describe('reconcileDeployment: first sync', () => {
  it('creates the new ReplicaSet with hash label, annotations, owner and scale event', () => {
    const d = deployment({}, { annotations: { [CHANGE_CAUSE]: 'kubectl create', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } });
    const { actions } = reconcileDeployment({ deployment: d, replicaSets: [], pods: [], now: T0 });
    const [create] = of(actions, 'create');
    const rs = create.object as unknown as ReplicaSet;
    const hash = computeHash(d.spec!.template);
    assert.equal(rs.metadata!.name, `web-${hash}`);
    assert.deepEqual(rs.metadata!.labels, { app: 'web', [POD_TEMPLATE_HASH]: hash });
    assert.deepEqual(rs.spec!.selector, { matchLabels: { app: 'web', [POD_TEMPLATE_HASH]: hash } });
    assert.deepEqual(rs.spec!.template!.metadata!.labels, { app: 'web', [POD_TEMPLATE_HASH]: hash });
    assert.equal(rs.spec!.replicas, 3);
    assert.deepEqual(rs.metadata!.annotations, { [CHANGE_CAUSE]: 'kubectl create', [REVISION]: '1', [DESIRED_REPLICAS]: '3', [MAX_REPLICAS]: '4' });
    assert.deepEqual(rs.metadata!.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(of(actions, 'event').map((e) => e.message), [`Scaled up replica set web-${hash} from 0 to 3`]);
    assert.deepEqual(of(actions, 'update'), [], 'the revision is recorded through the status subresource');
    const [statusWrite] = of(actions, 'updateStatus');
    assert.equal(statusWrite.object.metadata.annotations![REVISION], '1');
    assert.equal(statusWrite.object.metadata.resourceVersion, '1');
    const status = statusWrite.object.status as Deployment['status'];
    const progressing = status!.conditions!.find((c) => c.type === 'Progressing')!;
    assert.equal(progressing.reason, 'NewReplicaSetCreated');
    assert.equal(progressing.message, `Created new replica set "web-${hash}"`);
    assert.equal(status!.conditions!.find((c) => c.type === 'Available')!.reason, 'MinimumReplicasUnavailable');
    assert.equal(status!.observedGeneration, 1);
  });

  it('bumps collisionCount when the hashed name is taken by a different template', () => {
    const d = deployment();
    const squatter = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `web-${computeHash(d.spec!.template)}`, namespace: NS, uid: 'uid-sq' }, spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } } } } } as ReplicaSet;
    const { actions } = reconcileDeployment({ deployment: d, replicaSets: [squatter], pods: [], now: T0 });
    assert.equal(of(actions, 'create')[0].object.metadata.name, `web-${computeHash(d.spec!.template, 1)}`);
    assert.equal((of(actions, 'updateStatus')[0].object.status as Deployment['status'])!.collisionCount, 1);
  });

  it('warns and does nothing for a selector that selects everything', () => {
    const d = deployment({ selector: {} });
    const { actions } = reconcileDeployment({ deployment: d, replicaSets: [], pods: [], now: T0 });
    assert.deepEqual(of(actions, 'event').map((e) => [e.type, e.reason]), [['Warning', 'SelectingAll']]);
    assert.equal(of(actions, 'create').length, 0);
  });
});

describe('reconcileDeployment: rollouts in a simulated cluster', () => {
  function startStable(spec: Partial<NonNullable<Deployment['spec']>> = {}): Cluster {
    const c = new Cluster(deployment(spec));
    c.settle();
    assert.ok(rolloutDone(c.deployments.get('web')!));
    return c;
  }

  it('reaches a stable, complete state that kubectl rollout status accepts', () => {
    const c = startStable({ replicas: 3 });
    const d = c.deployments.get('web')!;
    const [rs] = c.ownedRSs();
    assert.deepEqual(
      { replicas: d.status!.replicas, updated: d.status!.updatedReplicas, ready: d.status!.readyReplicas, available: d.status!.availableReplicas, unavailable: d.status!.unavailableReplicas },
      { replicas: 3, updated: 3, ready: 3, available: 3, unavailable: undefined },
    );
    assert.equal(condition(d, 'Progressing')!.reason, 'NewReplicaSetAvailable');
    assert.equal(condition(d, 'Progressing')!.message, `ReplicaSet "${rs.metadata!.name}" has successfully progressed.`);
    assert.equal(condition(d, 'Available')!.status, 'True');
    assert.equal(condition(d, 'Available')!.message, 'Deployment has minimum availability.');
    // Stable: reconciling again changes nothing.
    assert.deepEqual(c.reconcileDeployment(), []);
    assert.deepEqual(c.reconcileAllRS(), []);
  });

  const rolling: { name: string; replicas: number; surge: number | string; unavailable: number | string }[] = [
    { name: 'defaults (25%/25%) with 10 replicas', replicas: 10, surge: '25%', unavailable: '25%' },
    { name: 'surge only', replicas: 5, surge: 1, unavailable: 0 },
    { name: 'unavailable only', replicas: 5, surge: 0, unavailable: 2 },
    { name: 'both big', replicas: 4, surge: 3, unavailable: 3 },
    { name: 'one replica', replicas: 1, surge: '25%', unavailable: '25%' },
  ];
  for (const r of rolling) {
    it(`rolling update keeps within maxSurge and maxUnavailable: ${r.name}`, () => {
      const c = startStable({ replicas: r.replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: r.surge, maxUnavailable: r.unavailable } } });
      const { maxSurge, maxUnavailable } = fenceposts(c.deployments.get('web')!);
      c.readyAfter = 2;
      c.edit(setImage('nginx:2'));
      let sawOld = false;
      const rounds = c.settle((cl) => {
        const live = [...cl.pods.values()].filter((p) => !p.metadata!.deletionTimestamp);
        assert.ok(live.length <= r.replicas + maxSurge, `${live.length} pods > ${r.replicas} + ${maxSurge}`);
        const ready = live.filter((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
        assert.ok(ready.length >= r.replicas - maxUnavailable, `${ready.length} available < ${r.replicas} - ${maxUnavailable}`);
        const specTotal = cl.ownedRSs().reduce((n, rs) => n + (rs.spec!.replicas ?? 0), 0);
        assert.ok(specTotal <= r.replicas + maxSurge);
        if (live.some((p) => p.spec!.containers[0].image === 'nginx:1')) sawOld = true;
      });
      assert.ok(sawOld && rounds > 2);
      const d = c.deployments.get('web')!;
      assert.ok(rolloutDone(d));
      const newRS = rsWithImage(c, 'nginx:2')!;
      const oldRS = rsWithImage(c, 'nginx:1')!;
      assert.equal(newRS.spec!.replicas, r.replicas);
      assert.equal(oldRS.spec!.replicas, 0);
      assert.equal(newRS.metadata!.annotations![REVISION], '2');
      assert.equal(d.metadata!.annotations![REVISION], '2');
      assert.ok([...c.pods.values()].every((p) => p.spec!.containers[0].image === 'nginx:2'));
      const scaled = c.events.filter((e) => e.kind === 'event' && e.reason === 'ScalingReplicaSet').map((e) => (e as { message: string }).message);
      assert.ok(scaled.some((m) => m.startsWith(`Scaled down replica set ${oldRS.metadata!.name} from `)));
      assert.ok(scaled.some((m) => m === `Scaled down replica set ${oldRS.metadata!.name} from 1 to 0` || m.endsWith(' to 0')));
    });
  }

  it('rollout status is not done mid-rollout and is done at the end', () => {
    const c = startStable({ replicas: 4 });
    c.readyAfter = 3;
    c.edit(setImage('nginx:2'));
    c.round();
    assert.ok(!rolloutDone(c.deployments.get('web')!));
    assert.equal(condition(c.deployments.get('web')!, 'Progressing')!.reason, 'NewReplicaSetCreated');
    c.round();
    assert.ok(!rolloutDone(c.deployments.get('web')!));
    assert.equal(condition(c.deployments.get('web')!, 'Progressing')!.reason, 'ReplicaSetUpdated');
    c.settle();
    assert.ok(rolloutDone(c.deployments.get('web')!));
  });

  it('Recreate never runs old and new pods together', () => {
    const c = startStable({ replicas: 3, strategy: { type: 'Recreate' } });
    c.readyAfter = 1;
    c.edit(setImage('nginx:2'));
    c.settle((cl) => {
      const images = new Set([...cl.pods.values()].map((p) => p.spec!.containers[0].image));
      assert.ok(images.size <= 1, `old and new pods overlap: ${[...images].join(',')}`);
    });
    assert.ok(rolloutDone(c.deployments.get('web')!));
    assert.equal(rsWithImage(c, 'nginx:2')!.spec!.replicas, 3);
    assert.equal(rsWithImage(c, 'nginx:1')!.spec!.replicas, 0);
  });

  it('rollback reuses the old ReplicaSet and gives it revision max+1', () => {
    const c = startStable({ replicas: 2 });
    const rev1 = c.ownedRSs()[0];
    c.edit(setImage('nginx:2'));
    c.settle();
    assert.equal(c.ownedRSs().length, 2);
    // kubectl rollout undo: the old template as JSON, with creationTimestamp: null and resources: {}.
    c.edit((d) => {
      const t = structuredClone(rev1.spec!.template!) as NonNullable<Deployment['spec']>['template'];
      delete t.metadata!.labels![POD_TEMPLATE_HASH];
      (t.metadata as Record<string, unknown>).creationTimestamp = null;
      t.spec!.containers[0].resources = {};
      d.spec!.template = t;
    });
    c.settle();
    const rss = c.ownedRSs();
    assert.equal(rss.length, 2, 'no third ReplicaSet');
    const back = c.replicaSets.get(rev1.metadata!.name!)!;
    assert.equal(back.metadata!.annotations![REVISION], '3');
    assert.equal(back.metadata!.annotations![REVISION_HISTORY], '1');
    assert.equal(back.spec!.replicas, 2);
    assert.equal(rsWithImage(c, 'nginx:2')!.spec!.replicas, 0);
    assert.equal(c.deployments.get('web')!.metadata!.annotations![REVISION], '3');
    assert.ok(rolloutDone(c.deployments.get('web')!));
  });

  it('cleans up old ReplicaSets beyond revisionHistoryLimit', () => {
    const c = startStable({ replicas: 2, revisionHistoryLimit: 1 });
    for (const image of ['nginx:2', 'nginx:3', 'nginx:4']) {
      c.edit(setImage(image));
      c.settle();
    }
    const rss = c.ownedRSs();
    assert.deepEqual(rss.map((rs) => rs.spec!.template!.spec!.containers[0].image).sort(), ['nginx:3', 'nginx:4']);
    assert.deepEqual(rss.map((rs) => rs.metadata!.annotations![REVISION]).sort(), ['3', '4']);
  });

  it('keeps an old ReplicaSet that still has pods even beyond the limit', () => {
    const d = deployment({ replicas: 1, revisionHistoryLimit: 0 });
    const oldRS = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: 'web-old', namespace: NS, uid: 'uid-old', labels: { app: 'web' }, annotations: { [REVISION]: '1' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }], generation: 1 },
      spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'old' }] } } },
      status: { replicas: 1, observedGeneration: 1 },
    } as ReplicaSet;
    const c = new Cluster(d);
    c.replicaSets.set('web-old', oldRS);
    c.reconcileDeployment();
    assert.ok(c.replicaSets.has('web-old'));
  });

  it('paused: no rollout, scaling still happens, resume continues', () => {
    const c = startStable({ replicas: 2 });
    c.edit((d) => {
      d.spec!.paused = true;
      setImage('nginx:2')(d);
    });
    c.settle();
    let d = c.deployments.get('web')!;
    assert.equal(c.ownedRSs().length, 1, 'no new ReplicaSet while paused');
    assert.equal(condition(d, 'Progressing')!.reason, 'DeploymentPaused');
    assert.equal(condition(d, 'Progressing')!.status, 'Unknown');
    assert.equal(condition(d, 'Progressing')!.message, 'Deployment is paused');
    c.edit((x) => {
      x.spec!.replicas = 4;
    });
    c.settle();
    assert.equal(c.ownedRSs()[0].spec!.replicas, 4);
    assert.equal(c.pods.size, 4);
    c.edit((x) => {
      x.spec!.paused = false;
    });
    c.reconcileDeployment();
    d = c.deployments.get('web')!;
    assert.notEqual(condition(d, 'Progressing')!.reason, 'DeploymentPaused');
    c.settle();
    d = c.deployments.get('web')!;
    assert.ok(rolloutDone(d));
    assert.equal(rsWithImage(c, 'nginx:2')!.spec!.replicas, 4);
  });

  it('scales proportionally when replicas change mid-rollout', () => {
    const c = startStable({ replicas: 10 });
    c.readyAfter = undefined; // new pods never become ready: the rollout stalls half-way
    c.edit(setImage('nginx:2'));
    for (let i = 0; i < 5; i++) c.round();
    const before = c.ownedRSs().map((rs) => [rs.spec!.template!.spec!.containers[0].image, rs.spec!.replicas]);
    assert.equal(before.length, 2);
    c.edit((d) => {
      d.spec!.replicas = 20;
    });
    c.round();
    const total = c.ownedRSs().reduce((n, rs) => n + (rs.spec!.replicas ?? 0), 0);
    assert.equal(total, 20 + 5);
    const oldRS = rsWithImage(c, 'nginx:1')!;
    const newRS = rsWithImage(c, 'nginx:2')!;
    assert.ok(oldRS.spec!.replicas! > 8 && newRS.spec!.replicas! > 3, `old ${oldRS.spec!.replicas} new ${newRS.spec!.replicas}`);
    assert.equal(oldRS.metadata!.annotations![DESIRED_REPLICAS], '20');
  });

  it('reports ProgressDeadlineExceeded when the new pods never become ready', () => {
    const c = startStable({ replicas: 2, progressDeadlineSeconds: 30 });
    c.readyAfter = undefined;
    c.edit(setImage('nginx:2'));
    c.settle();
    const d0 = c.deployments.get('web')!;
    const r = reconcileDeployment({ deployment: d0, replicaSets: [...c.replicaSets.values()], pods: [...c.pods.values()], now: c.now });
    assert.ok(r.requeueAfterMs !== undefined && r.requeueAfterMs > 0 && r.requeueAfterMs <= 31_000, String(r.requeueAfterMs));
    c.now = new Date(c.now.getTime() + 31_000);
    c.round();
    const d = c.deployments.get('web')!;
    const p = condition(d, 'Progressing')!;
    assert.equal(p.reason, 'ProgressDeadlineExceeded');
    assert.equal(p.status, 'False');
    assert.match(p.message!, /^ReplicaSet "web-\w+" has timed out progressing\.$/);
    assert.ok(!rolloutDone(d));
  });

  it('adopts matching orphan ReplicaSets and releases owned ones that stop matching', () => {
    const d = deployment({ replicas: 1 });
    const orphan = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-orphan', namespace: NS, uid: 'uid-o', resourceVersion: '5', labels: { app: 'web' } }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } } } } } as ReplicaSet;
    const stray = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-stray', namespace: NS, uid: 'uid-s', resourceVersion: '6', labels: { app: 'other' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }] }, spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } } } } } as ReplicaSet;
    const { actions } = reconcileDeployment({ deployment: d, replicaSets: [orphan, stray], pods: [], now: T0 });
    const updates = of(actions, 'update').filter((a) => a.object.kind === 'ReplicaSet');
    const adopted = updates.find((u) => u.object.metadata.name === 'web-orphan')!;
    assert.equal(controllerOf(adopted.object)!.uid, 'uid-web');
    assert.equal(adopted.object.metadata.resourceVersion, '5');
    const released = updates.find((u) => u.object.metadata.name === 'web-stray')!;
    assert.equal(released.object.metadata.ownerReferences, undefined);
  });
});

describe('reconcile is idempotent (property)', () => {
  it('once stable, reconciling again yields no create or delete actions (indeed no actions)', () => {
    const pct = fc.constantFrom('0%', '10%', '25%', '50%', '100%');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.oneof(fc.integer({ min: 0, max: 3 }), pct),
        fc.oneof(fc.integer({ min: 0, max: 3 }), pct),
        fc.constantFrom('RollingUpdate', 'Recreate'),
        fc.array(fc.record({ image: fc.constantFrom('a', 'b', 'c'), replicas: fc.integer({ min: 0, max: 7 }) }), { maxLength: 3 }),
        fc.integer({ min: 0, max: 3 }),
        (replicas, surge, unavailable, type, edits, readyAfter) => {
          const strategy = type === 'Recreate' ? { type } as const : { type, rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } as const;
          const c = new Cluster(deployment({ replicas, strategy, revisionHistoryLimit: 2 }));
          c.readyAfter = readyAfter;
          c.settle(undefined, 400);
          for (const e of edits) {
            c.edit((d) => {
              setImage(e.image)(d);
              d.spec!.replicas = e.replicas;
            });
            c.settle(undefined, 400);
          }
          const d = c.deployments.get('web')!;
          const pods = [...c.pods.values()];
          const dActions = reconcileDeployment({ deployment: d, replicaSets: [...c.replicaSets.values()], pods, now: c.now }).actions;
          // Compare cheaply: node's diff of large objects is slow, and fast-check may run it often.
          assert.equal(dActions.length, 0, JSON.stringify(dActions).slice(0, 2000));
          for (const rs of c.replicaSets.values()) {
            const rsActions = reconcileReplicaSet({ rs, pods, now: c.now }).actions;
            assert.equal(rsActions.length, 0, JSON.stringify(rsActions).slice(0, 2000));
          }
          assert.ok(rolloutDone(d));
          assert.equal(pods.length, d.spec!.replicas);
          assert.ok(c.ownedRSs().length <= 3);
        },
      ),
      { numRuns: 60 },
    );
  });
});
