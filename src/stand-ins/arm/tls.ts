/** Certificates for the simulator: its CA and HTTPS server certificate, and App Service's P2S client certificates. */
import { createHash, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

// ECDSA keeps start-up fast: an estate issues a dozen certificates, and RSA key generation is ~100x slower.
const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

/** PEM key, certificate and CA for an HTTPS server. */
export interface ServerTls {
  key: string;
  cert: string;
  caPem: string;
}

/** A client certificate as App Service hands it out. */
export interface IssuedCertificate {
  /** base64 of the DER encoding: the wire's certBlob and the gateway's publicCertData. */
  blob: string;
  /** SHA-1 of the DER, upper-case hex: the wire's certThumbprint. */
  thumbprint: string;
  notBefore: Date;
  notAfter: Date;
}

function toPem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

/** A fresh CA and a server certificate it signed, valid for 127.0.0.1 and localhost. */
export async function createServerTls(now: Date = new Date()): Promise<ServerTls> {
  const caKeys = await newKeys();
  const notBefore = new Date(now.getTime() - DAY_MS);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=vnetbot ARM simulator CA",
    keys: caKeys,
    notBefore,
    notAfter: new Date(now.getTime() + 365 * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const serverKeys = await newKeys();
  const server = await x509.X509CertificateGenerator.create({
    subject: "CN=localhost",
    issuer: ca.subject,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter: new Date(now.getTime() + 365 * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "dns", value: "localhost" },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const key = toPem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", serverKeys.privateKey));
  return { key, cert: server.toString("pem") + "\n", caPem: ca.toString("pem") + "\n" };
}

/** Issues a self-signed client certificate like the one App Service creates per (plan, VNet). */
export async function issueClientCertificate(subject: string, notBefore: Date, notAfter: Date): Promise<IssuedCertificate> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${subject.replace(/[,=+<>#;"\\]/g, "_")}`,
    keys,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  const der = Buffer.from(cert.rawData);
  return {
    blob: der.toString("base64"),
    thumbprint: createHash("sha1").update(der).digest("hex").toUpperCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

/** The thumbprint of a base64 DER certificate (as a gateway's publicCertData). */
export function thumbprintOf(blob: string): string {
  return createHash("sha1").update(Buffer.from(blob, "base64")).digest("hex").toUpperCase();
}
