// The patch embed player's entry (replaced by the runtime work).
export {};
