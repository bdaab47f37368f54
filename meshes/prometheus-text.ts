// Reads samples in the Prometheus text exposition format (version 0.0.4), which proxies
// such as linkerd2-proxy and Envoy serve on their metrics endpoints:
//   metric_name{label="value",...} value [timestamp]
// Label values escape backslash, double quote and newline as \\, \" and \n.

export interface PromSample {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly value: number;
    /** The sample's own timestamp, ms since the epoch, when the line carries one (kubelets' /metrics/resource does). */
    readonly timestampMs?: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** The label set between braces, from `text` at index 0 (which must be "{"); undefined if malformed. */
function readLabels(text: string): { labels: Record<string, string>; rest: string } | undefined {
    const labels: Record<string, string> = {};
    let i = 1;
    for (;;) {
        while (text[i] === " ") i++;
        if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
        const name = LABEL_NAME.exec(text.slice(i))?.[0];
        if (!name || text[i + name.length] !== "=" || text[i + name.length + 1] !== '"') return undefined;
        i += name.length + 2;
        let value = "";
        for (; i < text.length && text[i] !== '"'; i++) {
            if (text[i] === "\\") {
                i++;
                value += text[i] === "n" ? "\n" : text[i] ?? "";
            } else {
                value += text[i];
            }
        }
        if (i >= text.length) return undefined;
        labels[name] = value;
        i++;
        while (text[i] === " ") i++;
        if (text[i] === ",") i++;
        else if (text[i] !== "}") return undefined;
    }
}

/** One sample line, or undefined for comments, blank lines and anything malformed. */
export function parsePromSample(line: string): PromSample | undefined {
    const text = line.trim();
    if (text === "" || text.startsWith("#")) return undefined;
    const name = NAME.exec(text)?.[0];
    if (!name) return undefined;
    let rest = text.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) {
        const read = readLabels(rest);
        if (!read) return undefined;
        ({ labels, rest } = read);
    }
    const [valueText, timestampText] = rest.trim().split(/\s+/);
    const value = valueText === "+Inf" ? Infinity : valueText === "-Inf" ? -Infinity : Number(valueText);
    if (valueText === undefined || valueText === "" || (Number.isNaN(value) && valueText !== "NaN")) return undefined;
    const timestampMs = timestampText === undefined ? undefined : Number(timestampText);
    if (timestampMs !== undefined && !Number.isFinite(timestampMs)) return undefined;
    return timestampMs === undefined ? { name, labels, value } : { name, labels, value, timestampMs };
}

/** The samples among `lines`, each read with parsePromSample; other lines are skipped. */
export const parsePromSamples = (lines: readonly string[]): PromSample[] =>
    lines.map(parsePromSample).filter((s): s is PromSample => s !== undefined);
