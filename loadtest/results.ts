// The results schema lives in shared/results.ts, the bottom module the runner, the sweep
// and the report all read; re-exported here for the load test's own modules.
export * from "../shared/results";
