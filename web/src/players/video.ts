// <atelier-video>: a native video player that fits its column and takes part in "one at a time".
//
// Markup the server emits:
//
//   <atelier-video>
//     <video controls preload="none" playsinline poster="/media/ID/poster.jpg" src="/media/ID/clip.mp4"
//            width="640" height="360"></video>
//   </atelier-video>
//
// Without JavaScript the <video> plays as it is. Enhanced, it keeps its native controls; the host becomes a block and
// the video is at most as wide as its container with the height following (the width/height attributes give the
// aspect ratio, so nothing jumps while it loads). Starting it pauses any other <atelier-audio>/<atelier-video>, and
// starting one of those pauses it.
import { ensureBlock, whenChild } from './dom.ts';
import { playback } from './exclusive.ts';

export class AtelierVideo extends HTMLElement {
  #video: HTMLVideoElement | null = null;
  #stopWaiting: (() => void) | null = null;

  connectedCallback(): void {
    this.#stopWaiting = whenChild<HTMLVideoElement>(this, 'video', (video) => {
      if (!this.isConnected) {
        return;
      }
      this.#video = video;
      ensureBlock(this);
      this.classList.add('max-w-full');
      video.classList.add('block', 'h-auto', 'max-w-full', 'bg-black');
      playback.add(video);
    });
  }

  disconnectedCallback(): void {
    this.#stopWaiting?.();
    this.#stopWaiting = null;
    if (this.#video !== null) {
      playback.remove(this.#video);
    }
  }
}
