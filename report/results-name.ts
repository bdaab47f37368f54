// Which lane and round a results file holds, from its name: `<stack>.lane<L>.round<R>.json`
// as the sweep writes it (sweep/results-name.ts writes it; a test holds the two together,
// since the report must not import the sweep). A plain `<stack>.json`, from a sweep
// without lanes or an older run, is lane 1, round 1. Pure.

export interface ResultsName {
    readonly stack: string;
    readonly lane: number;
    readonly round: number;
}

export function parseResultsName(file: string): ResultsName | undefined {
    const m = file.match(/^([A-Za-z0-9][A-Za-z0-9_-]*)(?:\.lane([1-9]\d*)\.round([1-9]\d*))?\.json$/);
    return m ? { stack: m[1], lane: m[2] ? Number(m[2]) : 1, round: m[3] ? Number(m[3]) : 1 } : undefined;
}
