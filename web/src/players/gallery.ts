// <atelier-gallery>: a grid of images that opens a lightbox.
//
// Markup the server emits (figures as direct children; data-full and data-caption optional):
//
//   <atelier-gallery>
//     <figure data-full="/media/ID/w2048.webp" data-caption="Caption text">
//       <a href="/media/ID/photo.jpg"><img src="/media/ID/w640.jpg" srcset="…" sizes="…" width="640" height="480"
//          loading="lazy" alt="…" style="background-color:#7a5c3e"></a>
//       <figcaption>Caption text</figcaption>
//     </figure>
//     …
//   </atelier-gallery>
//
// Without JavaScript each image links to its original. Enhanced, a plain click on a figure's link opens a modal
// <dialog data-lightbox> (built on first use, inside the host) with:
//   - the image (`data-lightbox-image`): data-full, else the link's href; the thumbnail's alt, its
//     background colour as a placeholder, and its width/height for the aspect ratio,
//   - the caption (`data-lightbox-caption`): data-caption, else the figcaption's text,
//   - the counter (`data-lightbox-counter`): "3 / 12",
//   - buttons Previous image / Next image (`data-lightbox-prev`/`-next`, hidden for a single image) and Close
//     (`data-lightbox-close`).
// Keys: ←/→ previous/next (wrapping around), Home/End first/last, Esc closes. Touch (any pointer): swipe left/right
// for next/previous, swipe down to close; a click beside the image closes. The neighbours are preloaded. On close,
// focus returns to the link that opened it. Ctrl/Cmd/Shift/middle clicks are left to the browser.
import { ensureBlock, h, icon, ICONS, whenParsed } from './dom.ts';
import { clampIndex, counterText, detectSwipe, stepIndex } from './lightbox.ts';

interface Item {
  link: HTMLAnchorElement;
  full: string;
  caption: string;
  alt: string;
  color: string;
  width: string;
  height: string;
}

interface Parts {
  dialog: HTMLDialogElement;
  stage: HTMLElement;
  image: HTMLImageElement;
  caption: HTMLElement;
  counter: HTMLElement;
  previous: HTMLButtonElement;
  next: HTMLButtonElement;
}

const BUTTON = 'grid size-11 cursor-pointer place-items-center rounded-full bg-black/50 text-white hover:bg-black/70 focus-visible:outline-white';

export class AtelierGallery extends HTMLElement {
  #parts: Parts | null = null;
  #items: Item[] = [];
  #index = 0;
  #opener: HTMLAnchorElement | null = null;
  #preloaded = new Set<string>();
  #overflow = '';
  #wired = false;
  #swipe: { id: number; x: number; y: number; t: number; moved: boolean } | null = null;
  #justSwiped = false;

  connectedCallback(): void {
    whenParsed(() => {
      if (this.isConnected && !this.#wired) {
        this.#wired = true;
        ensureBlock(this);
        this.addEventListener('click', (event) => this.#onClick(event));
      }
    });
  }

  disconnectedCallback(): void {
    this.#parts?.dialog.close();
  }

  /** The figures in page order, read when the lightbox opens (the server or a script may have changed them). */
  #readItems(): Item[] {
    const items: Item[] = [];
    for (const figure of this.querySelectorAll<HTMLElement>(':scope > figure')) {
      const link = figure.querySelector('a');
      if (link === null) {
        continue;
      }
      const image = link.querySelector('img');
      const caption = figure.dataset['caption'] ?? figure.querySelector('figcaption')?.textContent?.trim() ?? '';
      items.push({
        link,
        full: figure.dataset['full'] || link.href,
        caption,
        alt: image?.alt ?? '',
        color: image?.style.backgroundColor ?? '',
        width: image?.getAttribute('width') ?? '',
        height: image?.getAttribute('height') ?? '',
      });
    }
    return items;
  }

  #onClick(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    const target = event.target instanceof Element ? event.target : null;
    const link = target?.closest('a');
    if (link === null || link === undefined || this.#parts?.dialog.contains(link) === true) {
      return;
    }
    const items = this.#readItems();
    const index = items.findIndex((item) => item.link === link);
    if (index < 0) {
      return;
    }
    event.preventDefault();
    this.#items = items;
    this.#opener = link;
    this.open(index);
  }

  /** Opens the lightbox at image `index` (counting from 0). */
  open(index: number): void {
    if (this.#items.length === 0) {
      this.#items = this.#readItems();
    }
    if (this.#items.length === 0) {
      return;
    }
    const parts = this.#build();
    this.#show(clampIndex(index, this.#items.length));
    if (!parts.dialog.open) {
      this.#overflow = document.documentElement.style.overflow;
      document.documentElement.style.overflow = 'hidden'; // the page behind does not scroll
      parts.dialog.showModal();
    }
  }

  close(): void {
    this.#parts?.dialog.close();
  }

  #show(index: number): void {
    const parts = this.#parts;
    const item = this.#items[index];
    if (parts === null || item === undefined) {
      return;
    }
    this.#index = index;
    const count = this.#items.length;
    const { image } = parts;
    image.removeAttribute('src'); // no old picture while the new one loads
    image.alt = item.alt;
    image.style.backgroundColor = item.color;
    for (const name of ['width', 'height'] as const) {
      if (item[name] === '') {
        image.removeAttribute(name);
      } else {
        image.setAttribute(name, item[name]);
      }
    }
    image.src = item.full;
    parts.dialog.dataset['index'] = String(index);
    parts.caption.textContent = item.caption;
    parts.caption.hidden = item.caption === '';
    parts.counter.textContent = counterText(index, count);
    parts.previous.hidden = count < 2;
    parts.next.hidden = count < 2;
    for (const neighbour of new Set([stepIndex(index, -1, count), stepIndex(index, 1, count)])) {
      this.#preload(this.#items[neighbour]?.full);
    }
  }

  #preload(url: string | undefined): void {
    if (url === undefined || url === '' || this.#preloaded.has(url)) {
      return;
    }
    this.#preloaded.add(url);
    const image = new Image();
    image.decoding = 'async';
    image.src = url;
  }

  #step(delta: number): void {
    this.#show(stepIndex(this.#index, delta, this.#items.length));
  }

  #build(): Parts {
    if (this.#parts !== null) {
      return this.#parts;
    }
    const close = h('button', { type: 'button', 'data-lightbox-close': true, 'aria-label': 'Close', autofocus: true, class: BUTTON }, icon(ICONS.close, 'size-6'));
    const previous = h('button', { type: 'button', 'data-lightbox-prev': true, 'aria-label': 'Previous image', class: `${BUTTON} absolute top-1/2 left-2 z-10 -translate-y-1/2` }, icon(ICONS.previous, 'size-7'));
    const next = h('button', { type: 'button', 'data-lightbox-next': true, 'aria-label': 'Next image', class: `${BUTTON} absolute top-1/2 right-2 z-10 -translate-y-1/2` }, icon(ICONS.next, 'size-7'));
    const image = h('img', { 'data-lightbox-image': true, alt: '', draggable: 'false', decoding: 'async', class: 'h-auto max-h-full w-auto max-w-full object-contain transition-transform duration-150' });
    const counter = h('p', { 'data-lightbox-counter': true, 'aria-live': 'polite', class: 'text-sm text-zinc-200 tabular-nums' });
    const caption = h('p', { 'data-lightbox-caption': true, class: 'mx-auto max-w-3xl px-4 pb-4 text-center text-sm text-zinc-100' });
    const stage = h('div', { 'data-lightbox-stage': true, class: 'relative flex min-h-0 flex-1 touch-pinch-zoom items-center justify-center px-2 select-none sm:px-16' }, previous, image, next);
    const dialog = h('dialog', {
      'data-lightbox': true,
      'aria-label': 'Images',
      class: 'm-0 h-full max-h-none w-full max-w-none overflow-hidden bg-zinc-950/95 p-0 text-white backdrop:bg-black/80',
    },
    h('div', { class: 'flex h-full flex-col' },
      h('div', { class: 'flex items-center justify-between gap-4 p-3' }, counter, close),
      stage,
      caption));
    this.append(dialog);
    const parts: Parts = { dialog, stage, image, caption, counter, previous, next };
    this.#parts = parts;

    close.addEventListener('click', () => dialog.close());
    previous.addEventListener('click', () => this.#step(-1));
    next.addEventListener('click', () => this.#step(1));
    dialog.addEventListener('keydown', (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      const count = this.#items.length;
      const to = event.key === 'ArrowLeft' ? stepIndex(this.#index, -1, count)
        : event.key === 'ArrowRight' ? stepIndex(this.#index, 1, count)
          : event.key === 'Home' ? 0
            : event.key === 'End' ? count - 1
              : null;
      if (to !== null) {
        event.preventDefault();
        this.#show(clampIndex(to, count));
      }
    });
    // A click beside the picture (on the dark background) closes, but not the click that ends a swipe.
    dialog.addEventListener('click', (event) => {
      if (this.#justSwiped) {
        this.#justSwiped = false;
        return;
      }
      if (event.target === dialog || event.target === stage || event.target === stage.parentElement) {
        dialog.close();
      }
    });
    dialog.addEventListener('close', () => {
      document.documentElement.style.overflow = this.#overflow;
      image.style.transform = '';
      this.#swipe = null;
      const opener = this.#opener;
      this.#opener = null;
      if (opener !== null && opener.isConnected) {
        opener.focus();
      }
    });

    stage.addEventListener('pointerdown', (event) => {
      if (!event.isPrimary || (event.target instanceof Element && event.target.closest('button') !== null)) {
        return;
      }
      this.#swipe = { id: event.pointerId, x: event.clientX, y: event.clientY, t: event.timeStamp, moved: false };
      try {
        stage.setPointerCapture(event.pointerId);
      } catch {
        // the swipe still works while the pointer stays on the stage
      }
    });
    stage.addEventListener('pointermove', (event) => {
      const swipe = this.#swipe;
      if (swipe === null || swipe.id !== event.pointerId) {
        return;
      }
      const dx = event.clientX - swipe.x;
      const dy = event.clientY - swipe.y;
      if (Math.abs(dx) > 10 || Math.abs(dy) > 10) {
        swipe.moved = true;
      }
      // The picture follows the finger: sideways, or down (towards closing).
      image.style.transform = Math.abs(dx) >= Math.abs(dy) ? `translateX(${dx}px)` : `translateY(${Math.max(0, dy)}px)`;
    });
    const end = (event: PointerEvent, cancelled: boolean): void => {
      const swipe = this.#swipe;
      if (swipe === null || swipe.id !== event.pointerId) {
        return;
      }
      this.#swipe = null;
      image.style.transform = '';
      this.#justSwiped = swipe.moved;
      if (cancelled) {
        return;
      }
      const direction = detectSwipe(event.clientX - swipe.x, event.clientY - swipe.y, event.timeStamp - swipe.t);
      if (direction === 'left') {
        this.#step(1);
      } else if (direction === 'right') {
        this.#step(-1);
      } else if (direction === 'down') {
        dialog.close();
      }
    };
    stage.addEventListener('pointerup', (event) => end(event, false));
    stage.addEventListener('pointercancel', (event) => end(event, true));
    return parts;
  }
}
