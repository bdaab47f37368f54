// Whether the benchmark's pods stayed the same pods through the load. A server pod that was
// replaced (deleted, evicted) or a container that restarted in the middle of a run disturbed
// the measurement even when the tools reconnected without an error (seen on the real tier:
// the HTTP server's pod deleted in the middle of wrk, and wrk reported no error), so such a
// run fails and says what changed.
import type { PodSummary } from "../shared/kube-api";
import { APP_LABEL } from "../shared/names";

/** What changed between the two listings, or undefined when nothing did. */
export function podChurn(before: readonly PodSummary[], after: readonly PodSummary[]): string | undefined {
    const key = (p: PodSummary) => `${p.labels[APP_LABEL] ?? p.name} pod ${p.name}`;
    const afterByUid = new Map(after.map((p) => [p.uid, p]));
    const beforeUids = new Set(before.map((p) => p.uid));
    const changes = [
        ...before.filter((p) => !afterByUid.has(p.uid)).map((p) => `${key(p)} went away`),
        ...after.filter((p) => !beforeUids.has(p.uid)).map((p) => `${key(p)} appeared`),
        ...before.flatMap((p) => {
            const now = afterByUid.get(p.uid);
            return now && now.restarts > p.restarts ? [`${key(p)} restarted ${now.restarts - p.restarts} time(s)`] : [];
        }),
    ];
    return changes.length ? `the benchmark pods changed during the load: ${changes.join("; ")}` : undefined;
}
