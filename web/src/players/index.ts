// The media players, loaded by site.ts only on pages that have one (emitted as /app/players.js). Defining the
// elements enhances every one already on the page; the markup each expects is described in its own file.
import { AtelierAudio } from './audio.ts';
import { AtelierGallery } from './gallery.ts';
import { AtelierModel } from './model.ts';
import type { PlayerTag } from './selector.ts';
import { AtelierVideo } from './video.ts';

/** The elements this bundle defines, by tag name. */
export const PLAYERS: Record<PlayerTag, CustomElementConstructor> = {
  'atelier-audio': AtelierAudio,
  'atelier-video': AtelierVideo,
  'atelier-model': AtelierModel,
  'atelier-gallery': AtelierGallery,
};

export function definePlayers(registry: CustomElementRegistry = customElements): void {
  for (const [name, element] of Object.entries(PLAYERS)) {
    if (registry.get(name) === undefined) {
      registry.define(name, element);
    }
  }
}

definePlayers();
