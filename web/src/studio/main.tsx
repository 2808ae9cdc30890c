// The studio editor's entry (replaced by the editor).
export {};
