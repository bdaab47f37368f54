// Stack config owned by workloads/: the pinned images of every benchmark pod.
import { imageField } from "../shared/fields";

// Tags are pinned so that a rerun measures the same software; the image IDs (digests)
// actually pulled are read back from the pods and exported with the results.
export const IMAGE_FIELDS = {
    httpServerImage: imageField("httpServerImage",
        "HTTP server image (nginx serving a fixed body of responseBytes bytes). Default: nginx:1.27.4-alpine.",
        "nginx:1.27.4-alpine"),
    wrkImage: imageField("wrkImage",
        "wrk client image; needs /bin/sh. Default: williamyeh/wrk:4.0.2 (wrk 4.0.2 on Alpine).",
        "williamyeh/wrk:4.0.2"),
    netperfImage: imageField("netperfImage",
        "netperf/netserver image for both ends; needs /bin/sh. Default: cilium/netperf:2.0 (the image Cilium's CI uses).",
        "cilium/netperf:2.0"),
    // fortio's image is FROM scratch (no shell): it runs idle beside wrk in the wrk client
    // pod, and the fortio client script, in the wrk container, runs its binary.
    fortioImage: imageField("fortioImage",
        "fortio image for the open-loop step, in the wrk client pod. Default: fortio/fortio:1.68.2 (the release the tests build from Go modules).",
        "fortio/fortio:1.68.2"),
} as const;
