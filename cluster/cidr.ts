// IPv4 CIDR arithmetic for config checks: is a CIDR well formed, canonical, overlapping another.

/** Dotted quad and a /0 to /32 prefix. */
export const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/([0-9]|[12]\d|3[0-2])$/;

/** A CIDR that matches IPV4_CIDR, as [network address as a number, prefix length]. */
export function parseCidr(cidr: string): [number, number] {
    const [address, prefix] = cidr.split("/");
    const value = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
    return [value, Number(prefix)];
}

const mask = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** The CIDR with its host bits cleared: 203.0.113.7/24 → 203.0.113.0/24. */
export function canonicalCidr(cidr: string): string {
    const [value, prefix] = parseCidr(cidr);
    const network = (value & mask(prefix)) >>> 0;
    return `${[24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join(".")}/${prefix}`;
}

/** The cluster DNS Service address of a Service range: its 10th address, as kubeadm and EKS choose it (10.96.0.0/12 → 10.96.0.10). */
export function dnsServiceAddress(serviceCidr: string): string {
    const [value, prefix] = parseCidr(canonicalCidr(serviceCidr));
    if (prefix > 28) throw new Error(`Service range ${serviceCidr} has no 10th address`);
    const address = value + 10;
    return [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join(".");
}

export function cidrsOverlap(a: string, b: string): boolean {
    const [va, pa] = parseCidr(a);
    const [vb, pb] = parseCidr(b);
    const shorter = mask(Math.min(pa, pb));
    return ((va & shorter) >>> 0) === ((vb & shorter) >>> 0);
}
