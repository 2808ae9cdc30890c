// The players' tag names, shared by site.ts (which loads the players only on pages that have one) and
// players/index.ts (which defines them). Kept apart so site.js carries no player code.

export const PLAYER_TAGS = ['atelier-audio', 'atelier-video', 'atelier-model', 'atelier-gallery'] as const;

export type PlayerTag = (typeof PLAYER_TAGS)[number];

/** Matches any player element. */
export const PLAYER_SELECTOR = PLAYER_TAGS.join(', ');
