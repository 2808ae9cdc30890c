// "One at a time": when a registered audio or video starts playing, every other registered one pauses. Shared by
// <atelier-audio> and <atelier-video>; covered by players.test.ts.

/** What the group needs of a media element (HTMLMediaElement has it all). */
export interface Playable extends EventTarget {
  readonly paused: boolean;
  pause(): void;
}

export class ExclusivePlayback {
  readonly #members = new Set<Playable>();

  readonly #onPlay = (event: Event): void => {
    for (const other of this.#members) {
      if (other !== event.currentTarget && !other.paused) {
        other.pause();
      }
    }
  };

  /** Adds a player; adding one twice is harmless. */
  add(media: Playable): void {
    if (!this.#members.has(media)) {
      this.#members.add(media);
      media.addEventListener('play', this.#onPlay);
    }
  }

  /** Takes a player out (when its element leaves the page). */
  remove(media: Playable): void {
    if (this.#members.delete(media)) {
      media.removeEventListener('play', this.#onPlay);
    }
  }

  get size(): number {
    return this.#members.size;
  }
}

/** The page's group. */
export const playback = new ExclusivePlayback();
