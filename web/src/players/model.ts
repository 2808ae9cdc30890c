// <atelier-model>: a 3D model (glTF/GLB) shown with <model-viewer>, loaded only when it comes near the screen.
//
// Markup the server emits (data-poster may be empty):
//
//   <atelier-model data-src="/media/ID/scene.glb" data-poster="" data-alt="A chair">
//     <a href="/media/ID/scene.glb">scene.glb</a>
//   </atelier-model>
//
// Without JavaScript it is a download link. Enhanced, the host holds a 4:3 frame (`data-model-frame`, with the
// poster if there is one, so nothing jumps) and the original link below it, after "Download". When the frame comes
// within ~200px of the screen (IntersectionObserver), @google/model-viewer is imported (a separate chunk: no
// model-viewer code is fetched before) and the frame gets
//   <model-viewer src alt camera-controls touch-action="pan-y" auto-rotate shadow-intensity="1"
//                 style="width:100%;aspect-ratio:4/3">
// The host's data-state goes idle → loading → loaded, or error with a message (`data-model-status`) when the
// library or the model fails to load (model-viewer fires `error`); the download link stays in every case.
import { ensureBlock, h, whenParsed } from './dom.ts';

type State = 'idle' | 'loading' | 'loaded' | 'error';

/** Loads model-viewer once for the whole page. */
let library: Promise<unknown> | null = null;
function loadLibrary(): Promise<unknown> {
  library ??= import('@google/model-viewer').catch((error: unknown) => {
    library = null; // let a later model try again
    throw error;
  });
  return library;
}

export class AtelierModel extends HTMLElement {
  #frame: HTMLElement | null = null;
  #status: HTMLElement | null = null;
  #observer: IntersectionObserver | null = null;
  #started = false;

  connectedCallback(): void {
    whenParsed(() => {
      if (this.isConnected) {
        this.#enhance();
        this.#watch();
      }
    });
  }

  disconnectedCallback(): void {
    this.#observer?.disconnect();
    this.#observer = null;
  }

  #setState(state: State, message = ''): void {
    this.dataset['state'] = state;
    if (this.#status !== null) {
      this.#status.textContent = message;
      this.#status.hidden = message === '';
      this.#status.className = state === 'error'
        ? 'absolute inset-x-0 bottom-0 m-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200'
        : 'absolute inset-x-0 bottom-0 m-2 rounded-md bg-white/90 px-3 py-2 text-sm text-zinc-700 dark:bg-zinc-900/90 dark:text-zinc-300';
    }
  }

  #enhance(): void {
    if (this.#frame !== null) {
      return;
    }
    const poster = this.dataset['poster'] ?? '';
    const alt = this.dataset['alt'] ?? '';
    const link = this.querySelector('a');
    const status = h('p', { 'data-model-status': true, role: 'status', hidden: true });
    const frame = h('div', {
      'data-model-frame': true,
      class: 'relative aspect-4/3 w-full overflow-hidden rounded-lg border border-zinc-200 bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900',
    },
    poster !== ''
      ? h('img', { src: poster, alt, class: 'size-full object-contain', loading: 'lazy' })
      : h('p', { class: 'grid size-full place-items-center p-4 text-center text-sm text-zinc-600 dark:text-zinc-400' }, alt === '' ? '3D model' : `3D model: ${alt}`),
    status);
    this.#frame = frame;
    this.#status = status;
    ensureBlock(this);
    if (link !== null) {
      link.classList.add('underline');
      const below = h('p', { class: 'mt-2 text-sm' }, 'Download ');
      link.replaceWith(below);
      below.append(link);
    }
    this.prepend(frame);
    this.#setState('idle');
  }

  #watch(): void {
    if (this.#started || this.#observer !== null || this.#frame === null) {
      return;
    }
    if (typeof IntersectionObserver === 'undefined') {
      void this.#load();
      return;
    }
    this.#observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        this.#observer?.disconnect();
        this.#observer = null;
        void this.#load();
      }
    }, { rootMargin: '200px' });
    this.#observer.observe(this.#frame);
  }

  async #load(): Promise<void> {
    const frame = this.#frame;
    const src = this.dataset['src'] ?? '';
    if (this.#started || frame === null || src === '') {
      return;
    }
    this.#started = true;
    this.#setState('loading', 'Loading 3D model…');
    try {
      await loadLibrary();
    } catch {
      this.#setState('error', 'The 3D viewer could not be loaded. Download the model below to view it.');
      return;
    }
    const viewer = document.createElement('model-viewer');
    viewer.setAttribute('src', src);
    viewer.setAttribute('alt', this.dataset['alt'] || 'A 3D model');
    viewer.setAttribute('camera-controls', '');
    viewer.setAttribute('touch-action', 'pan-y');
    viewer.setAttribute('auto-rotate', '');
    viewer.setAttribute('shadow-intensity', '1');
    // Through the CSSOM: the site's Content-Security-Policy (style-src 'self') ignores style attributes set as text.
    viewer.style.width = '100%';
    viewer.style.aspectRatio = '4/3';
    const poster = this.dataset['poster'] ?? '';
    if (poster !== '') {
      viewer.setAttribute('poster', poster);
    }
    viewer.addEventListener('progress', (event) => {
      const progress = (event as unknown as CustomEvent<{ totalProgress?: number } | null>).detail?.totalProgress;
      if (this.dataset['state'] === 'loading' && typeof progress === 'number' && progress < 1) {
        this.#setState('loading', `Loading 3D model… ${Math.round(progress * 100)}%`);
      }
    });
    viewer.addEventListener('load', () => this.#setState('loaded'));
    viewer.addEventListener('error', () => {
      this.#setState('error', 'The 3D model could not be shown. Download it below to view it.');
    });
    // The poster or placeholder gives way to the viewer; the status line stays on top of it.
    for (const child of Array.from(frame.children)) {
      if (child !== this.#status) {
        child.remove();
      }
    }
    frame.prepend(viewer);
  }
}
