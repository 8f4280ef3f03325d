/**
 * TLS for the local API server: a private CA and a serving certificate it signs, made at first start
 * and reused afterwards, so a kubeconfig written once keeps working across restarts.
 *
 * Files under `<dataDir>/pki/`: `ca.crt`, `ca.key`, `server.crt`, `server.key` (keys 0600), and
 * `sa.key`, the ServiceAccount token signing key (`ensureServiceAccountKey`). The CA
 * key is kept so the serving certificate can be renewed (expiry, new hosts) without changing the
 * CA that kubeconfigs trust.
 */
import { X509Certificate as NodeX509, createPrivateKey, generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
const CA_DAYS = 3650;
const SERVER_DAYS = 365;
/** A certificate this close to its end counts as expired: it could lapse while the server runs. */
const RENEW_BEFORE_MS = DAY_MS;
/** Backdating tolerates clocks that disagree a little (a VM, a container). */
const BACKDATE_MS = 60 * 60 * 1000;

/** Always in the serving certificate: what a local client dials. */
export const DEFAULT_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const;

export interface CertificateOptions {
  /** Extra names or IP addresses for the serving certificate. */
  hosts?: string[];
  /** The clock (for tests); default now. */
  now?: Date;
}

export interface Certificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}

interface Pair {
  certPem: string;
  keyPem: string;
  cert: NodeX509;
}

/**
 * Returns the CA and the serving certificate and key, creating or renewing what is missing,
 * unreadable, expired (or within a day of it), or — for the serving certificate — not issued by
 * the current CA or not covering every requested host.
 */
export async function ensureCertificates(dataDir: string, opts: CertificateOptions = {}): Promise<Certificates> {
  x509.cryptoProvider.set(webcrypto);
  const now = opts.now ?? new Date();
  const hosts = [...new Set([...DEFAULT_HOSTS, ...(opts.hosts ?? [])])];
  const dir = join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'server.crt'),
    key: join(dir, 'server.key'),
  };

  let ca = readPair(files.caCert, files.caKey);
  if (!ca || !fresh(ca.cert, now) || !ca.cert.ca) {
    ca = await createCa(now);
    writeAtomic(files.caKey, ca.keyPem, 0o600);
    writeAtomic(files.caCert, ca.certPem, 0o644);
  }

  let server = readPair(files.cert, files.key);
  if (!server || !fresh(server.cert, now) || !issuedBy(server.cert, ca.cert) || !covers(server.cert, hosts)) {
    server = await createServer(ca, hosts, now);
    writeAtomic(files.key, server.keyPem, 0o600);
    writeAtomic(files.cert, server.certPem, 0o644);
  }

  return { caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem };
}

/** The admin's bearer token: 32 random bytes in hex, kept in `<dataDir>/admin-token` (0600). */
export function ensureAdminToken(dataDir: string): string {
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(token)) {
      chmodSync(file, 0o600);
      return token;
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('hex');
  writeAtomic(file, `${token}\n`, 0o600);
  return token;
}

/**
 * The key ServiceAccount tokens are signed with: ECDSA P-256, PKCS#8 PEM in `<dataDir>/pki/sa.key`
 * (0600), made at first start and kept, so tokens issued before a restart stay valid after it.
 * An unreadable or non-P-256 file is replaced (tokens it signed then stop working).
 */
export function ensureServiceAccountKey(dataDir: string): string {
  const dir = join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'sa.key');
  if (existsSync(file)) {
    try {
      const pem = readFileSync(file, 'utf8');
      const key = createPrivateKey(pem);
      if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
        chmodSync(file, 0o600);
        return pem;
      }
    } catch {
      // Unreadable: replaced below.
    }
  }
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  writeAtomic(file, pem, 0o600);
  return pem;
}

async function createCa(now: Date): Promise<Pair> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: 'CN=skiff-ca',
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return finish(cert, keys.privateKey);
}

async function createServer(ca: Pair, hosts: string[], now: Date): Promise<Pair> {
  const keys = await generateKeys();
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(ca.keyPem), KEY_ALGORITHM, false, [
    'sign',
  ]);
  const notAfter = Math.min(now.getTime() + SERVER_DAYS * DAY_MS, caCert.notAfter.getTime());
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: 'CN=skiff-apiserver',
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        hosts.map((h) => ({ type: isIP(h) ? ('ip' as const) : ('dns' as const), value: h })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ...(caKeyId ? [new x509.AuthorityKeyIdentifierExtension(caKeyId)] : []),
    ],
  });
  return finish(cert, keys.privateKey);
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

async function finish(cert: x509.X509Certificate, privateKey: webcrypto.CryptoKey): Promise<Pair> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', privateKey);
  const certPem = `${cert.toString('pem')}\n`;
  return { certPem, keyPem: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`, cert: new NodeX509(certPem) };
}

/** A positive 128-bit serial (a leading zero bit keeps the DER integer positive). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** A certificate and its key from disk, or undefined when either is missing, unreadable or they do not match. */
function readPair(certFile: string, keyFile: string): Pair | undefined {
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  try {
    const certPem = readFileSync(certFile, 'utf8');
    const keyPem = readFileSync(keyFile, 'utf8');
    const cert = new NodeX509(certPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    return { certPem, keyPem, cert };
  } catch {
    return undefined;
  }
}

function fresh(cert: NodeX509, now: Date): boolean {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return from <= now.getTime() && now.getTime() < to - RENEW_BEFORE_MS;
}

function issuedBy(cert: NodeX509, ca: NodeX509): boolean {
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

function covers(cert: NodeX509, hosts: string[]): boolean {
  return hosts.every((h) => (isIP(h) ? cert.checkIP(h) !== undefined : cert.checkHost(h, { wildcards: false }) !== undefined));
}

/** Write then rename: a crash never leaves half a key, and a key file is never briefly world-readable. */
function writeAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
