// A client script's stdout arrives in chunks that need not end at a line's end; its
// watchers (progress, the resource reads) act on whole lines, as they complete.

/** Calls `onLine` with each complete line (trimmed) of the chunks it is given. */
export function lineWatcher(onLine: (line: string) => void): (chunk: string) => void {
    let pending = "";
    return (chunk) => {
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) onLine(line.trim());
    };
}
