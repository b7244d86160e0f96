import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCertificate } from "../../src/core/certificate.ts";
import { issueClientCertificate, type IssuedCertificate } from "../../src/stand-ins/arm/tls.ts";

const NOT_BEFORE = new Date("2025-01-10T08:00:00Z");
const NOT_AFTER = new Date("2033-01-10T08:00:00Z");

let issued: IssuedCertificate;
let pem: string;
beforeAll(async () => {
  issued = await issueClientCertificate("plan-vnet-AppServiceCertificate", NOT_BEFORE, NOT_AFTER);
  pem = `-----BEGIN CERTIFICATE-----\n${issued.blob.replace(/(.{64})/g, "$1\n").trimEnd()}\n-----END CERTIFICATE-----\n`;
});

describe("parseCertificate", () => {
  it.each([
    ["base64 DER, as App Service's certBlob", () => issued.blob],
    ["base64 DER wrapped over several lines", () => issued.blob.replace(/(.{76})/g, "$1\r\n")],
    ["PEM text", () => pem],
    ["base64 of a PEM file", () => Buffer.from(pem).toString("base64")],
  ])("reads %s: SHA-1 upper-case thumbprint and validity", (_form, blob) => {
    const info = parseCertificate(blob());

    const der = Buffer.from(issued.blob, "base64");
    expect(info?.thumbprint).toBe(createHash("sha1").update(der).digest("hex").toUpperCase());
    expect(info?.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(info?.notBefore.toISOString()).toBe(NOT_BEFORE.toISOString());
    expect(info?.notAfter.toISOString()).toBe(NOT_AFTER.toISOString());
  });

  it.each([
    ["no blob", undefined],
    ["an empty blob", ""],
    ["blank text", "  \n "],
    ["text that is not base64", "not a certificate!"],
    ["base64 that is not a certificate", Buffer.from("hello world, no DER here").toString("base64")],
    ["a PEM block with a broken body", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"],
  ])("gives undefined for %s instead of failing the listing", (_case, blob) => {
    expect(parseCertificate(blob)).toBeUndefined();
  });
});
