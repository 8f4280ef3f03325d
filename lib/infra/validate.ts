/**
 * Checks a topology before anything is built from it: every reference resolves, and nothing is
 * asked of SQS or Lambda that a deployment would fail on halfway through. Pure (no CDK), so the
 * local runtime can run the same check.
 */
import type { Topology } from '../topology.ts';
import { TopologyError } from './errors.ts';

/** Logical ids become parts of physical names; SQS allows only letters, digits, `-` and `_`. */
const ID = /^[a-z][a-z0-9-]*$/;

/** Lambda's bounds for SQS event source mappings. */
const FIFO_MAX_BATCH = 10;
const STANDARD_MAX_BATCH = 10_000;

export function checkTopology(t: Topology): void {
  const problems: string[] = [];
  const tables = new Map(t.tables.map((s) => [s.id, s]));
  const queues = new Map(t.queues.map((s) => [s.id, s]));

  for (const [kind, ids] of [
    ['table', t.tables.map((s) => s.id)],
    ['queue', t.queues.map((s) => s.id)],
    ['function', t.functions.map((s) => s.id)],
  ] as const) {
    const seen = new Set<string>();
    for (const id of ids) {
      if (!ID.test(id)) problems.push(`${kind} id "${id}" must match ${ID}`);
      if (seen.has(id)) problems.push(`${kind} id "${id}" is defined twice`);
      seen.add(id);
    }
  }

  for (const q of t.queues) {
    if (q.maxReceiveCount < 1 || q.maxReceiveCount > 1000) {
      problems.push(`queue ${q.id}: maxReceiveCount must be 1–1000`);
    }
    if (q.visibilityTimeoutSeconds < 0 || q.visibilityTimeoutSeconds > 43_200) {
      problems.push(`queue ${q.id}: visibilityTimeoutSeconds must be 0–43200`);
    }
  }

  const consumerOf = new Map<string, string>();
  for (const f of t.functions) {
    for (const id of Object.keys(f.tables)) {
      if (!tables.has(id)) problems.push(`function ${f.id}: unknown table "${id}"`);
    }
    for (const id of f.sendsTo ?? []) {
      if (!queues.has(id)) problems.push(`function ${f.id}: sends to unknown queue "${id}"`);
    }
    for (const src of f.consumes ?? []) {
      const q = queues.get(src.queue);
      if (!q) {
        problems.push(`function ${f.id}: consumes unknown queue "${src.queue}"`);
        continue;
      }
      // Two mappings on one queue split its messages between two consumers.
      const other = consumerOf.get(q.id);
      if (other) problems.push(`queue ${q.id}: consumed by both ${other} and ${f.id}`);
      consumerOf.set(q.id, f.id);
      // Lambda refuses a mapping whose function could outlive the message's invisibility.
      if (f.timeoutSeconds > q.visibilityTimeoutSeconds) {
        problems.push(
          `function ${f.id}: timeout ${f.timeoutSeconds}s exceeds queue ${q.id}'s visibility timeout ${q.visibilityTimeoutSeconds}s`,
        );
      }
      const max = q.fifo ? FIFO_MAX_BATCH : STANDARD_MAX_BATCH;
      if (src.batchSize !== undefined && (src.batchSize < 1 || src.batchSize > max)) {
        problems.push(`function ${f.id}: batchSize for queue ${q.id} must be 1–${max}`);
      }
      const window = src.maxBatchingWindowSeconds;
      if (window !== undefined && q.fifo) {
        problems.push(`function ${f.id}: FIFO queue ${q.id} takes no maxBatchingWindowSeconds`);
      } else if (window !== undefined && (window < 0 || window > 300)) {
        problems.push(`function ${f.id}: maxBatchingWindowSeconds for queue ${q.id} must be 0–300`);
      }
      if (!q.fifo && (src.batchSize ?? 10) > 10 && !(window !== undefined && window >= 1)) {
        problems.push(`function ${f.id}: batchSize above 10 on queue ${q.id} needs maxBatchingWindowSeconds ≥ 1`);
      }
      if (src.maxConcurrency !== undefined && (src.maxConcurrency < 2 || src.maxConcurrency > 1000)) {
        problems.push(`function ${f.id}: maxConcurrency for queue ${q.id} must be 2–1000`);
      }
    }
    for (const src of f.streams ?? []) {
      const table = tables.get(src.table);
      if (!table) problems.push(`function ${f.id}: consumes the stream of unknown table "${src.table}"`);
      else if (!table.stream) problems.push(`function ${f.id}: table ${src.table} has no stream`);
      if (src.batchSize !== undefined && (src.batchSize < 1 || src.batchSize > 10_000)) {
        problems.push(`function ${f.id}: batchSize for the ${src.table} stream must be 1–10000`);
      }
      if (src.retryAttempts !== undefined && (src.retryAttempts < 0 || src.retryAttempts > 10_000)) {
        problems.push(`function ${f.id}: retryAttempts for the ${src.table} stream must be 0–10000`);
      }
    }
  }

  for (const sched of t.schedules ?? []) {
    if (!queues.has(sched.queue)) problems.push(`schedule ${sched.id}: unknown queue "${sched.queue}"`);
    if (!Number.isInteger(sched.everyMinutes) || sched.everyMinutes < 1) problems.push(`schedule ${sched.id}: everyMinutes must be a whole number ≥ 1`);
    if (!(sched.localEverySeconds > 0)) problems.push(`schedule ${sched.id}: localEverySeconds must be positive`);
  }

  if (problems.length > 0) throw new TopologyError(problems);
}
