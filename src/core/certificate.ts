/** Reads the integration's client certificate (App Service's certBlob) with node:crypto alone. */
import { X509Certificate } from "node:crypto";
import type { CertificateInfo } from "./model.ts";

const PEM_START = "-----BEGIN ";

/**
 * Thumbprint and validity of a certBlob: base64 of the DER .cer as Azure sends it, or PEM text. Undefined when the
 * blob is absent or is not a certificate (an unreadable blob must not break a listing).
 */
export function parseCertificate(certBlob: string | undefined): CertificateInfo | undefined {
  const text = certBlob?.trim();
  if (!text) return undefined;
  try {
    // X509Certificate cannot take the base64 text itself: decode to DER, or hand it PEM as is.
    const input = text.startsWith(PEM_START) ? text : decodeBase64(text);
    if (input === undefined) return undefined;
    const x509 = new X509Certificate(isPemBytes(input) ? input.toString("utf8") : input);
    return {
      thumbprint: x509.fingerprint.replaceAll(":", "").toUpperCase(),
      notBefore: x509.validFromDate,
      notAfter: x509.validToDate,
    };
  } catch {
    return undefined;
  }
}

function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, "base64");
}

// Some tools base64-encode the PEM file rather than the DER bytes.
function isPemBytes(input: string | Buffer): input is Buffer {
  return Buffer.isBuffer(input) && input.subarray(0, PEM_START.length).toString("latin1") === PEM_START;
}
