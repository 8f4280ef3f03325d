/**
 * `kubectl get events`: LAST SEEN TYPE REASON OBJECT MESSAGE; wide adds SUBOBJECT and SOURCE
 * before MESSAGE and FIRST SEEN, COUNT, NAME after it (kube's column order).
 */
import type { KubeObject } from '../../core/object.ts';
import type { Printer, TableCell } from './common.ts';
import { NAME_DESCRIPTION, at, col, num, since, str, timeOf, wide } from './common.ts';

/** `kubelet, node-1`: the component (or reporting controller), then the host (or instance) if any. */
function eventSource(ev: KubeObject): string {
  const component = str(at(ev, 'source', 'component')) || str(ev.reportingController);
  const host = str(at(ev, 'source', 'host')) || str(ev.reportingInstance);
  return host ? `${component}, ${host}` : component;
}

function eventCells(ev: KubeObject, now: Date): TableCell[] {
  // Events from the events.k8s.io API carry eventTime and series instead of the legacy timestamps.
  let firstSeen = since(ev.firstTimestamp, now);
  if (timeOf(ev.firstTimestamp) === undefined) firstSeen = since(ev.eventTime, now);
  let lastSeen = timeOf(ev.lastTimestamp) === undefined ? firstSeen : since(ev.lastTimestamp, now);
  let count = num(ev.count);
  if (ev.series !== undefined && ev.series !== null) {
    lastSeen = since(at(ev, 'series', 'lastObservedTime'), now);
    count = num(at(ev, 'series', 'count'));
  } else if (count === 0) {
    count = 1;
  }
  const kind = str(at(ev, 'involvedObject', 'kind')).toLowerCase();
  const name = str(at(ev, 'involvedObject', 'name'));
  return [
    lastSeen,
    str(ev.type),
    str(ev.reason),
    name ? `${kind}/${name}` : kind,
    str(at(ev, 'involvedObject', 'fieldPath')),
    eventSource(ev),
    str(ev.message).trim(),
    firstSeen,
    count,
    ev.metadata.name ?? '',
  ];
}

export const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col('Object', 'string', 'The object that this event is about.'),
    col('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].', wide),
    col('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', wide),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', wide),
    col('Count', 'string', 'The number of times this event has occurred.', wide),
    col('Name', 'string', NAME_DESCRIPTION, { ...wide, format: 'name' }),
  ],
  cells: eventCells,
};
