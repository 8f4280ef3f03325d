/**
 * `kubectl get services` (NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, wide SELECTOR) and
 * `kubectl get endpoints` (NAME ENDPOINTS AGE) and `kubectl get endpointslices` (NAME ADDRESSTYPE PORTS
 * ENDPOINTS AGE).
 */
import type { KubeObject } from '../../core/object.ts';
import { formatLabels } from '../selectors.ts';
import type { Printer, TableCell } from './common.ts';
import { ageColumn, arr, at, col, nameColumn, num, rec, since, str, wide } from './common.ts';

/** The load balancer's IPs (or hostnames), sorted and unique. The server prints wide, so never clipped. */
function loadBalancerAddresses(svc: KubeObject): string[] {
  const found = new Set<string>();
  for (const ing of arr<{ ip?: string; hostname?: string }>(at(svc, 'status', 'loadBalancer', 'ingress'))) {
    if (ing.ip) found.add(ing.ip);
    else if (ing.hostname) found.add(ing.hostname);
  }
  return [...found].sort();
}

function externalIP(svc: KubeObject, type: string): string {
  const externalIPs = arr<string>(at(svc, 'spec', 'externalIPs'));
  switch (type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc);
      if (externalIPs.length) return [...lb, ...externalIPs].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(at(svc, 'spec', 'externalName'));
    default:
      return '<unknown>';
  }
}

/** `80/TCP`, `80:30080/TCP` with a node port, comma-joined. */
export function servicePorts(ports: unknown): string {
  return arr<{ port?: number; nodePort?: number; protocol?: string }>(ports)
    .map((p) => {
      const protocol = p.protocol || 'TCP'; // kube defaults it on write
      return num(p.nodePort) > 0 ? `${num(p.port)}:${num(p.nodePort)}/${protocol}` : `${num(p.port)}/${protocol}`;
    })
    .join(',');
}

function serviceCells(svc: KubeObject, now: Date): TableCell[] {
  const spec = rec(svc.spec);
  const type = str(spec.type) || 'ClusterIP'; // kube defaults it on write
  const clusterIPs = arr<string>(spec.clusterIPs);
  const clusterIP = clusterIPs.length ? clusterIPs[0] : str(spec.clusterIP) || '<none>';
  return [
    svc.metadata.name ?? '',
    type,
    clusterIP,
    externalIP(svc, type),
    servicePorts(spec.ports) || '<none>',
    since(svc.metadata.creationTimestamp, now),
    formatLabels(spec.selector as Record<string, string> | undefined),
  ];
}

export const servicePrinter: Printer = {
  columns: [
    nameColumn(),
    col('Type', 'string', 'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.'),
    col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    ageColumn(),
    col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', wide),
  ],
  cells: serviceCells,
};

const MAX_ENDPOINTS = 3;

/** `ip:port` for every ready address and port (bare IPs for headless subsets), the first three shown. */
export function formatEndpoints(subsets: unknown): string {
  const all = arr(subsets);
  if (all.length === 0) return '<none>';
  const shown: string[] = [];
  let count = 0;
  for (const ss of all) {
    const addresses = arr<{ ip?: string }>(at(ss, 'addresses'));
    const ports = arr<{ port?: number }>(at(ss, 'ports'));
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) if (shown.length < MAX_ENDPOINTS) shown.push(str(a.ip));
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) if (shown.length < MAX_ENDPOINTS) shown.push(hostPort(str(a.ip), num(p.port)));
    }
  }
  const list = shown.join(',');
  return count > MAX_ENDPOINTS ? `${list} + ${count - MAX_ENDPOINTS} more...` : list;
}

/** net.JoinHostPort: IPv6 addresses get brackets. */
const hostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

export const endpointsPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'),
    ageColumn(),
  ],
  cells: (ep, now) => [ep.metadata.name ?? '', formatEndpoints(ep.subsets), since(ep.metadata.creationTimestamp, now)],
};

/** kube's listWithMoreString: the first three, "+ N more..." after them, `<unset>` for none. */
function listWithMore(items: string[]): string {
  const shown = items.slice(0, MAX_ENDPOINTS).join(',');
  if (items.length > MAX_ENDPOINTS) return `${shown} + ${items.length - MAX_ENDPOINTS} more...`;
  return shown || '<unset>';
}

/** A slice's ports: each number, else its name, else `*` (all ports). */
export function formatSlicePorts(ports: unknown): string {
  return listWithMore(arr<{ port?: number; name?: string }>(ports).map((p) => (p.port !== undefined ? String(p.port) : p.name !== undefined ? p.name : '*')));
}

/** Every address of every endpoint in the slice, ready or not. */
export function formatSliceEndpoints(endpoints: unknown): string {
  return listWithMore(arr<{ addresses?: string[] }>(endpoints).flatMap((e) => arr<string>(e.addresses)));
}

export const endpointSlicePrinter: Printer = {
  columns: [
    nameColumn(),
    col('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation.'),
    col('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name.'),
    col('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.'),
    ageColumn(),
  ],
  cells: (s, now) => [
    s.metadata.name ?? '',
    str(s.addressType),
    formatSlicePorts(s.ports),
    formatSliceEndpoints(s.endpoints),
    since(s.metadata.creationTimestamp, now),
  ],
};
