/** The kinds whose rows are a name, a count or a field, and an age. */
import type { Printer } from './common.ts';
import { ageColumn, arr, at, col, nameColumn, rec, since, str } from './common.ts';

export const namespacePrinter: Printer = {
  columns: [nameColumn(), col('Status', 'string', 'The status of the namespace'), ageColumn()],
  cells: (ns, now) => [ns.metadata.name ?? '', str(at(ns, 'status', 'phase')), since(ns.metadata.creationTimestamp, now)],
};

export const configMapPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Data', 'string', "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'."),
    ageColumn(),
  ],
  cells: (cm, now) => [
    cm.metadata.name ?? '',
    Object.keys(rec(cm.data)).length + Object.keys(rec(cm.binaryData)).length,
    since(cm.metadata.creationTimestamp, now),
  ],
};

export const secretPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
    col('Data', 'string', "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'."),
    ageColumn(),
  ],
  cells: (s, now) => [
    s.metadata.name ?? '',
    str(s.type) || 'Opaque', // kube defaults it on write
    Object.keys(rec(s.data)).length,
    since(s.metadata.creationTimestamp, now),
  ],
};

export const serviceAccountPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'),
    ageColumn(),
  ],
  cells: (sa, now) => [sa.metadata.name ?? '', arr(sa.secrets).length, since(sa.metadata.creationTimestamp, now)],
};

export const leasePrinter: Printer = {
  columns: [nameColumn(), col('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'), ageColumn()],
  cells: (l, now) => [l.metadata.name ?? '', str(at(l, 'spec', 'holderIdentity')), since(l.metadata.creationTimestamp, now)],
};

/** An IntOrString as kube prints it, `N/A` when unset. */
const intOrStringCell = (v: unknown) => (typeof v === 'number' || typeof v === 'string' ? String(v) : 'N/A');

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn(),
  ],
  cells: (pdb, now) => [
    pdb.metadata.name ?? '',
    intOrStringCell(at(pdb, 'spec', 'minAvailable')),
    intOrStringCell(at(pdb, 'spec', 'maxUnavailable')),
    Number(at(pdb, 'status', 'disruptionsAllowed') ?? 0),
    since(pdb.metadata.creationTimestamp, now),
  ],
};
