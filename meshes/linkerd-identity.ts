// Linkerd's identity certificates, made in the program with @pulumi/tls: Helm cannot make
// them, and the chart refuses to install without them. A trust anchor (the root every
// proxy trusts) signs an issuer (the intermediate CA the identity controller signs each
// proxy's 24-hour certificate with). Both ECDSA P-256, which Linkerd requires
// (`linkerd check`: "trust anchors are using supported crypto algorithm").
//
// Key material is a Pulumi secret end to end: the private keys are secret outputs of
// @pulumi/tls, and wrapped again with pulumi.secret() so that the secrecy does not rest
// on the provider's additionalSecretOutputs alone (which mocks do not apply).
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

/** Linkerd's default trust domain: the chart's identityTrustDomain defaults to clusterDomain. */
export const LINKERD_TRUST_DOMAIN = "cluster.local";

/**
 * How long the certificates live, and why.
 *
 * The trust anchor: 10 years (step's root-ca default, which Linkerd's certificate docs
 * use). Rotating an anchor in place means running proxies must trust old and new at once,
 * which this program does not do, so the anchor must outlive any stack.
 *
 * The issuer: 1 year, as in Linkerd's docs (`step ... --profile intermediate-ca
 * --not-after 8760h`). Linkerd's identity controller refuses to start with an issuer that
 * has expired, and clips every proxy certificate to the issuer's expiry, so a stack that
 * lives for days or weeks (reruns with a new runId) must never come near it. Within the
 * last 30 days of its life, a `pulumi up` issues a new one from the same anchor
 * (earlyRenewalHours), which the running proxies trust without a restart.
 */
export const CERT_VALIDITY = {
    trustAnchorHours: 10 * 365 * 24,
    issuerHours: 365 * 24,
    issuerEarlyRenewalHours: 30 * 24,
} as const;

const KEY = { algorithm: "ECDSA", ecdsaCurve: "P256" } as const;
/** What a CA certificate may do: sign certificates and revocation lists, nothing else. */
const CA_USES = ["cert_signing", "crl_signing"];

/** The PEM values the control-plane chart needs. The issuer key is a secret. */
export interface LinkerdIdentity {
    readonly trustAnchorPem: pulumi.Output<string>;
    readonly issuerCertPem: pulumi.Output<string>;
    readonly issuerKeyPem: pulumi.Output<string>;
}

/** The trust anchor and the issuer it signs, as children of `parent`. */
export function createLinkerdIdentity(name: string, parent: pulumi.Resource): LinkerdIdentity {
    const opts = { parent };

    const anchorKey = new tls.PrivateKey(`${name}-trust-anchor-key`, KEY, opts);
    const anchor = new tls.SelfSignedCert(`${name}-trust-anchor`, {
        privateKeyPem: pulumi.secret(anchorKey.privateKeyPem),
        subject: { commonName: `root.linkerd.${LINKERD_TRUST_DOMAIN}` },
        isCaCertificate: true,
        // One CA (the issuer) may follow the anchor; it signs the proxies' certificates.
        maxPathLength: 1,
        allowedUses: CA_USES,
        setSubjectKeyId: true,
        validityPeriodHours: CERT_VALIDITY.trustAnchorHours,
    }, opts);

    const issuerKey = new tls.PrivateKey(`${name}-issuer-key`, KEY, opts);
    const issuerKeyPem = pulumi.secret(issuerKey.privateKeyPem);
    const issuerRequest = new tls.CertRequest(`${name}-issuer-request`, {
        privateKeyPem: issuerKeyPem,
        subject: { commonName: `identity.linkerd.${LINKERD_TRUST_DOMAIN}` },
    }, opts);
    const issuer = new tls.LocallySignedCert(`${name}-issuer`, {
        certRequestPem: issuerRequest.certRequestPem,
        caCertPem: anchor.certPem,
        caPrivateKeyPem: pulumi.secret(anchorKey.privateKeyPem),
        isCaCertificate: true,
        // The issuer signs only leaf certificates.
        maxPathLength: 0,
        allowedUses: CA_USES,
        setSubjectKeyId: true,
        validityPeriodHours: CERT_VALIDITY.issuerHours,
        earlyRenewalHours: CERT_VALIDITY.issuerEarlyRenewalHours,
    }, opts);

    return { trustAnchorPem: anchor.certPem, issuerCertPem: issuer.certPem, issuerKeyPem };
}
