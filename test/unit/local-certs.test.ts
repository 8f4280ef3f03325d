import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { get, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import YAML from 'yaml';
import { ensureAdminToken, ensureCertificates } from '../../lib/local/certs.ts';
import { kubeconfigYaml, writeKubeconfig } from '../../lib/local/kubeconfig.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'skiff-certs-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const mode = (file: string): number => statSync(file).mode & 0o777;

describe('ensureCertificates', () => {
  it('makes a CA and a server certificate it signs, for the loopback names', async () => {
    const dir = tempDir();
    const { caPem, certPem, keyPem } = await ensureCertificates(dir);
    const ca = new X509Certificate(caPem);
    const cert = new X509Certificate(certPem);

    assert.equal(ca.ca, true);
    assert.ok(ca.checkIssued(ca) && ca.verify(ca.publicKey), 'CA is self-signed');
    assert.ok(cert.checkIssued(ca), 'issued by the CA');
    assert.ok(cert.verify(ca.publicKey), 'signature verifies with the CA key');
    assert.equal(cert.ca, false);
    assert.ok(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(keyPem)));
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.ok(cert.checkIP('127.0.0.1'));
    assert.ok(cert.checkIP('::1'));
    assert.ok(cert.checkHost('localhost'));
    assert.match(cert.keyUsage?.join() ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.1/, 'serverAuth');

    assert.equal(readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8'), caPem);
    assert.equal(readFileSync(join(dir, 'pki', 'server.crt'), 'utf8'), certPem);
    assert.equal(readFileSync(join(dir, 'pki', 'server.key'), 'utf8'), keyPem);
    assert.equal(mode(join(dir, 'pki', 'server.key')), 0o600);
    assert.equal(mode(join(dir, 'pki', 'ca.key')), 0o600);
  });

  it('reuses the certificates on later calls', async () => {
    const dir = tempDir();
    const first = await ensureCertificates(dir);
    const second = await ensureCertificates(dir);
    assert.deepEqual(second, first);
  });

  it('renews a missing server certificate under the same CA', async () => {
    const dir = tempDir();
    const first = await ensureCertificates(dir);
    unlinkSync(join(dir, 'pki', 'server.crt'));
    const second = await ensureCertificates(dir);
    assert.equal(second.caPem, first.caPem);
    assert.notEqual(second.certPem, first.certPem);
    assert.ok(new X509Certificate(second.certPem).checkIssued(new X509Certificate(first.caPem)));
  });

  it('renews an expired server certificate under the same CA', async () => {
    const dir = tempDir();
    const longAgo = new Date(Date.now() - 2 * 365 * 24 * 3600 * 1000);
    const old = await ensureCertificates(dir, { now: longAgo });
    assert.ok(Date.parse(new X509Certificate(old.certPem).validTo) < Date.now(), 'expired today');
    const renewed = await ensureCertificates(dir);
    assert.equal(renewed.caPem, old.caPem);
    assert.ok(Date.parse(new X509Certificate(renewed.certPem).validTo) > Date.now());
  });

  it('renews the server certificate for new hosts, and replaces a corrupt CA together with it', async () => {
    const dir = tempDir();
    const first = await ensureCertificates(dir);
    const withHost = await ensureCertificates(dir, { hosts: ['skiff.test', '10.1.2.3'] });
    assert.equal(withHost.caPem, first.caPem);
    const cert = new X509Certificate(withHost.certPem);
    assert.ok(cert.checkHost('skiff.test') && cert.checkIP('10.1.2.3') && cert.checkIP('127.0.0.1'));

    writeFileSync(join(dir, 'pki', 'ca.crt'), 'not a certificate');
    const fresh = await ensureCertificates(dir);
    assert.notEqual(fresh.caPem, first.caPem);
    assert.ok(new X509Certificate(fresh.certPem).checkIssued(new X509Certificate(fresh.caPem)));
  });

  it('serves HTTPS that a client trusting only the CA accepts', async () => {
    const { caPem, certPem, keyPem } = await ensureCertificates(tempDir());
    const server = createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address() as AddressInfo;
    const fetchBody = (ca?: string): Promise<string> =>
      new Promise((ok, fail) => {
        get({ host: '127.0.0.1', port, path: '/', ca, agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => ok(body));
        }).on('error', fail);
      });
    try {
      assert.equal(await fetchBody(caPem), 'ok');
      await assert.rejects(fetchBody(undefined), /self[- ]signed|unable to verify|local issuer/i);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });
});

describe('ensureAdminToken', () => {
  it('makes a 32-byte hex token once, 0600, and reuses it', () => {
    const dir = tempDir();
    const token = ensureAdminToken(dir);
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.equal(mode(join(dir, 'admin-token')), 0o600);
    assert.equal(ensureAdminToken(dir), token);
  });
});

describe('writeKubeconfig', () => {
  it('writes a kubeconfig that parses and carries the server, CA, token and context', () => {
    const dir = tempDir();
    const path = join(dir, 'nested', 'kubeconfig');
    const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeKubeconfig({ path, server: 'https://127.0.0.1:6443', caPem, token: 'abc123' });
    assert.equal(mode(path), 0o600);
    const doc = YAML.parse(readFileSync(path, 'utf8'));
    assert.equal(doc.apiVersion, 'v1');
    assert.equal(doc.kind, 'Config');
    assert.equal(doc['current-context'], 'skiff');
    assert.deepEqual(doc.contexts, [{ name: 'skiff', context: { cluster: 'skiff', user: 'skiff-admin' } }]);
    assert.equal(doc.clusters[0].name, 'skiff');
    assert.equal(doc.clusters[0].cluster.server, 'https://127.0.0.1:6443');
    assert.equal(Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), caPem);
    assert.deepEqual(doc.users, [{ name: 'skiff-admin', user: { token: 'abc123' } }]);
  });

  it('takes other names', () => {
    const doc = YAML.parse(
      kubeconfigYaml({ server: 'https://x', caPem: 'ca', token: 't', clusterName: 'c', userName: 'u', contextName: 'ctx' }),
    );
    assert.equal(doc['current-context'], 'ctx');
    assert.deepEqual(doc.contexts[0], { name: 'ctx', context: { cluster: 'c', user: 'u' } });
    assert.equal(doc.users[0].name, 'u');
    assert.equal(doc.clusters[0].name, 'c');
  });
});
