// Number formats shared by the table and the charts. A number that was not measured is
// shown as a dash, never as zero.

export const MISSING = "—";

/** 32877.07 → "32,877" */
export const formatCount = (n: number | undefined): string =>
    n === undefined ? MISSING : Math.round(n).toLocaleString("en-US");

/** 32877.07 → "32.9K", as the paper writes RPS. */
export const formatThousands = (n: number): string => `${(n / 1000).toFixed(1)}K`;

/** Microseconds, one decimal. */
export const formatMicros = (n: number | undefined): string => (n === undefined ? MISSING : n.toFixed(1));

/** A signed percentage: "+38.5%", "-45.5%". */
export const formatChange = (n: number | undefined): string =>
    n === undefined ? MISSING : `${n > 0 ? "+" : ""}${n.toFixed(1)}%`;

/** An unsigned percentage: "1.23%". */
export const formatPercent = (n: number | undefined): string => (n === undefined ? MISSING : `${n.toFixed(2)}%`);

/** One Markdown table; cells are escaped so that a reason with a "|" cannot break it. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ("l" | "r")[]): string {
    const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
    const rule = header.map((_, i) => ((align?.[i] ?? "l") === "r" ? "---:" : "---"));
    return [header, rule, ...rows].map((r) => `| ${r.map(cell).join(" | ")} |`).join("\n");
}
