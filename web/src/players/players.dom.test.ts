// @vitest-environment happy-dom
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const viewerLoaded = vi.fn();
vi.mock('@google/model-viewer', () => {
  viewerLoaded();
  return {};
});

/** IntersectionObserver under the test's control: `reveal()` brings every observed element into view. */
class FakeIntersectionObserver {
  static all: FakeIntersectionObserver[] = [];
  readonly targets: Element[] = [];
  readonly options: IntersectionObserverInit | undefined;
  constructor(private readonly callback: IntersectionObserverCallback, options?: IntersectionObserverInit) {
    this.options = options;
    FakeIntersectionObserver.all.push(this);
  }
  observe(target: Element): void {
    this.targets.push(target);
  }
  disconnect(): void {
    this.targets.length = 0;
  }
  reveal(): void {
    const entries = this.targets.map((target) => ({ target, isIntersecting: true }) as unknown as IntersectionObserverEntry);
    if (entries.length > 0) {
      this.callback(entries, this as unknown as IntersectionObserver);
    }
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

beforeAll(async () => {
  vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver);
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ durationSeconds: 100, peaks: [0.2, 0.8, 0.5] }))));
  await import('./index.ts');
});

afterEach(() => {
  document.body.innerHTML = '';
});

describe('<atelier-audio>', () => {
  const markup = `<atelier-audio data-waveform="/media/1/waveform.json" data-title="Song" data-artist="Artist">
      <audio controls preload="metadata" src="/media/1/song.mp3"></audio>
    </atelier-audio>`;

  it('replaces the native controls but keeps the audio element', async () => {
    document.body.innerHTML = markup;
    await vi.waitFor(() => expect(document.querySelector('[data-audio-time]')?.textContent).toBe('0:00 / 1:40'));
    const audio = document.querySelector('audio');
    expect(audio?.hasAttribute('controls')).toBe(false);
    expect(document.querySelector('atelier-audio audio')).toBe(audio);
    expect(document.querySelector('[data-audio-toggle]')?.getAttribute('aria-label')).toBe('Play Song');
    const slider = document.querySelector('[role="slider"]');
    expect(slider?.getAttribute('tabindex')).toBe('0');
    expect(slider?.getAttribute('aria-valuemin')).toBe('0');
    expect(slider?.getAttribute('aria-valuemax')).toBe('100'); // from the waveform until the audio knows its length
    expect(document.querySelector('[data-audio-time]')?.textContent).toBe('0:00 / 1:40');
  });

  it('seeks with the keyboard on the slider', async () => {
    document.body.innerHTML = markup;
    await vi.waitFor(() => expect(document.querySelector('[role="slider"]')?.getAttribute('aria-valuemax')).toBe('100'));
    const audio = document.querySelector('audio') as HTMLAudioElement;
    const slider = document.querySelector('[role="slider"]') as HTMLElement;
    const press = (key: string, shiftKey = false): void => {
      slider.dispatchEvent(new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, cancelable: true }));
    };
    press('ArrowRight');
    expect(audio.currentTime).toBe(5);
    press('ArrowRight', true);
    expect(audio.currentTime).toBe(35);
    press('ArrowLeft');
    expect(audio.currentTime).toBe(30);
    press('End');
    expect(audio.currentTime).toBe(100);
    press('Home');
    expect(audio.currentTime).toBe(0);
    press('PageUp');
    expect(audio.currentTime).toBe(30);
    expect(slider.getAttribute('aria-valuenow')).toBe('30');
    expect(slider.getAttribute('aria-valuetext')).toBe('0:30 of 1:40');
  });

  it('shows a progress bar when there is no waveform', async () => {
    document.body.innerHTML = '<atelier-audio><audio controls src="/media/2/a.mp3"></audio></atelier-audio>';
    await flush();
    expect(document.querySelector('[data-audio-toggle]')?.getAttribute('aria-label')).toBe('Play');
    expect(document.querySelector('[data-audio-seek] canvas')).toBeNull();
    expect(document.querySelector('[data-audio-seek] div')).not.toBeNull();
  });
});

describe('<atelier-video>', () => {
  it('keeps the native controls and fits its column', async () => {
    document.body.innerHTML = '<atelier-video><video controls preload="none" src="/media/3/clip.mp4" width="640" height="360"></video></atelier-video>';
    await flush();
    const video = document.querySelector('video');
    expect(video?.hasAttribute('controls')).toBe(true);
    expect(video?.classList.contains('max-w-full')).toBe(true);
    expect(video?.classList.contains('h-auto')).toBe(true);
  });
});

describe('<atelier-model>', () => {
  it('loads the viewer only when the model comes into view, keeping the download link', async () => {
    FakeIntersectionObserver.all = [];
    // Parsed apart and then added, as a browser's parser hands it over: with its children.
    const holder = document.createElement('div');
    holder.innerHTML = '<atelier-model data-src="/media/4/scene.glb" data-poster="" data-alt="A chair"><a href="/media/4/scene.glb">scene.glb</a></atelier-model>';
    document.body.append(...holder.childNodes);
    await flush();
    const host = document.querySelector('atelier-model') as HTMLElement;
    expect(viewerLoaded).not.toHaveBeenCalled();
    expect(host.querySelector('model-viewer')).toBeNull();
    expect(host.dataset['state']).toBe('idle');
    expect(FakeIntersectionObserver.all[0]?.options?.rootMargin).toBe('200px');

    FakeIntersectionObserver.all[0]?.reveal();
    await vi.waitFor(() => expect(host.querySelector('model-viewer')).not.toBeNull());
    expect(viewerLoaded).toHaveBeenCalledTimes(1);
    const viewer = host.querySelector('model-viewer') as HTMLElement;
    expect(viewer.getAttribute('src')).toBe('/media/4/scene.glb');
    expect(viewer.getAttribute('alt')).toBe('A chair');
    for (const name of ['camera-controls', 'auto-rotate']) {
      expect(viewer.hasAttribute(name)).toBe(true);
    }
    expect(viewer.getAttribute('touch-action')).toBe('pan-y');
    expect(viewer.getAttribute('shadow-intensity')).toBe('1');
    expect(host.dataset['state']).toBe('loading');
    expect(host.querySelector('a')?.getAttribute('href')).toBe('/media/4/scene.glb');
    expect(host.lastElementChild?.textContent).toBe('Download scene.glb'); // the link stays, below the viewer

    viewer.dispatchEvent(new CustomEvent('error', { detail: { type: 'loadfailure' } }));
    expect(host.dataset['state']).toBe('error');
    expect(host.querySelector('[data-model-status]')?.textContent).toContain('could not be shown');
  });
});

describe('<atelier-gallery>', () => {
  const figure = (n: number, full = true): string => `
    <figure ${full ? `data-full="/media/${n}/w2048.webp"` : ''} data-caption="Caption ${n}">
      <a href="/media/${n}/photo.jpg"><img src="/media/${n}/w640.jpg" width="640" height="480" alt="Photo ${n}"></a>
      <figcaption>Caption ${n}</figcaption>
    </figure>`;

  it('opens a lightbox on the clicked image and moves with the keys, wrapping around', async () => {
    document.body.innerHTML = `<atelier-gallery>${figure(1)}${figure(2, false)}${figure(3)}</atelier-gallery>`;
    await flush();
    const links = document.querySelectorAll<HTMLAnchorElement>('atelier-gallery a');
    links[1]?.click();
    const dialog = document.querySelector('dialog[data-lightbox]') as HTMLDialogElement;
    const image = (): HTMLImageElement => dialog.querySelector('[data-lightbox-image]') as HTMLImageElement;
    const counter = (): string => dialog.querySelector('[data-lightbox-counter]')?.textContent ?? '';
    expect(dialog.open).toBe(true);
    expect(counter()).toBe('2 / 3');
    expect(image().getAttribute('src')).toBe(links[1]?.href); // no data-full: the link's target
    expect(image().alt).toBe('Photo 2');
    expect(dialog.querySelector('[data-lightbox-caption]')?.textContent).toBe('Caption 2');

    const press = (key: string): void => {
      dialog.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    };
    press('ArrowRight');
    expect(counter()).toBe('3 / 3');
    expect(image().getAttribute('src')).toBe('/media/3/w2048.webp');
    press('ArrowRight');
    expect(counter()).toBe('1 / 3');
    press('ArrowLeft');
    expect(counter()).toBe('3 / 3');
    press('Home');
    expect(counter()).toBe('1 / 3');
    press('End');
    expect(counter()).toBe('3 / 3');

    (dialog.querySelector('[data-lightbox-prev]') as HTMLButtonElement).click();
    expect(counter()).toBe('2 / 3');
    for (const name of ['close', 'prev', 'next']) {
      expect(dialog.querySelector(`[data-lightbox-${name}]`)?.getAttribute('aria-label')).not.toBe('');
    }

    (dialog.querySelector('[data-lightbox-close]') as HTMLButtonElement).click();
    await flush();
    expect(dialog.open).toBe(false);
    expect(document.activeElement).toBe(links[1]);
  });

  it('leaves a Ctrl-click to the browser', async () => {
    document.body.innerHTML = `<atelier-gallery>${figure(1)}</atelier-gallery>`;
    await flush();
    const link = document.querySelector('atelier-gallery a') as HTMLAnchorElement;
    const event = new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true });
    link.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
    expect(document.querySelector('dialog[data-lightbox]')).toBeNull();
  });
});

describe('layout', () => {
  it('makes a player a block unless the page gave it a display', async () => {
    document.body.innerHTML = `<atelier-gallery class="grid grid-cols-3"></atelier-gallery><atelier-gallery class="my-4"></atelier-gallery>
      <atelier-video class="md:flex"><video></video></atelier-video>`;
    await flush();
    const [grid, plain] = Array.from(document.querySelectorAll('atelier-gallery'));
    expect(grid?.classList.contains('block')).toBe(false);
    expect(plain?.classList.contains('block')).toBe(true);
    expect(document.querySelector('atelier-video')?.classList.contains('block')).toBe(false);
  });
});
