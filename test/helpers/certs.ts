/** A throwaway CA and certificates made with `openssl` in a temp dir (TLS and mTLS tests). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** CA + server certificate (SAN 127.0.0.1, localhost) + client certificate, all PEM. */
export function makeCerts(dir: string): { ca: string; cert: string; key: string; clientCert: string; clientKey: string } {
  const f = (n: string) => path.join(dir, n);
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '1', '-subj', '/CN=infoshard-test-ca');
  for (const [name, ext] of [['server', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], ['client', 'extendedKeyUsage=clientAuth']] as const) {
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=infoshard-${name}`);
    run('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${name}.pem`), '-days', '1', '-extfile', writeExt(dir, name, ext));
  }
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key'), clientCert: f('client.pem'), clientKey: f('client.key') };
}

function writeExt(dir: string, name: string, ext: string): string {
  const p = path.join(dir, `${name}.ext`);
  execFileSync('sh', ['-c', `printf '%s\\n' '${ext}' > '${p}'`]);
  return p;
}
