// A sync's resume point: small plain JSON chosen by the sync (for Salesforce, the last SystemModstamp and Id read).

export type CheckpointValue = string | number | boolean | null;
export type Checkpoint = Record<string, CheckpointValue>;
