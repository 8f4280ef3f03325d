/**
 * Kubernetes resource quantities (`100m`, `0.5`, `128Mi`, `1Gi`, `1e3`, `1k`) as plain numbers.
 *
 * The scheduler compares and sums quantities in its hot loop, so they are parsed once, when a pod or
 * node enters the snapshot, into integers in a fixed unit: millicores for CPU (`MilliValue()`),
 * bytes / counts for everything else (`Value()`). Like kube, a value with a finer fraction than the
 * unit rounds up (`0.1m` CPU is 1 millicore). Parsing goes through BigInt so `0.1 * 1000` is exact.
 */
const QUANTITY_RE = /^([+-])?(\d+)?(?:\.(\d*))?(?:([eE][+-]?\d+)|([KMGTPE]i)|([numkMGTPE]))?$/;

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export class QuantityError extends Error {
  constructor(value: string) {
    super(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${JSON.stringify(value)}`);
    this.name = 'QuantityError';
  }
}

/** Ceiling division of BigInts (toward +infinity), kube's rounding for MilliValue()/Value(). */
function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a > 0n) === (b > 0n) ? q + 1n : q;
}

/**
 * The quantity scaled by 10^scale and rounded up to an integer: `parseQuantity('100m', 3)` is 100
 * (millicores), `parseQuantity('1Gi')` is 1073741824. Throws QuantityError on malformed input.
 */
export function parseQuantity(value: string | number, scale = 0): number {
  const s = typeof value === 'number' ? String(value) : value.trim();
  const m = QUANTITY_RE.exec(s);
  if (!m || (m[2] === undefined && (m[3] === undefined || m[3] === ''))) throw new QuantityError(s);
  const [, sign, intPart = '', frac = '', exp, bin, dec] = m;
  let mantissa = BigInt((intPart + frac) || '0');
  if (sign === '-') mantissa = -mantissa;
  let exp10 = scale - frac.length;
  let exp2 = 0;
  if (exp) exp10 += Number(exp.slice(1));
  else if (bin) exp2 = BINARY[bin];
  else if (dec) exp10 += DECIMAL[dec];
  let num = mantissa * (1n << BigInt(exp2));
  let den = 1n;
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den = 10n ** BigInt(-exp10);
  return Number(ceilDiv(num, den));
}

/** CPU in millicores. */
export const milliValue = (q: string | number): number => parseQuantity(q, 3);

/** Memory, storage and counts in base units (bytes, pods). */
export const value = (q: string | number): number => parseQuantity(q, 0);
