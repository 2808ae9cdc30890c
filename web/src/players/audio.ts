// <atelier-audio>: the audio player (play/pause, time, a waveform to see and seek in, keyboard, Media Session).
//
// Markup the server emits (every data-* is optional):
//
//   <atelier-audio data-waveform="/media/ID/waveform.json" data-title="Song" data-artist="Artist"
//                  data-album="Album" data-cover="/media/ID/cover.jpg">
//     <audio controls preload="metadata" src="/media/ID/song.mp3"></audio>
//   </atelier-audio>
//
// Without JavaScript the native <audio controls> is the player. Enhanced, the <audio> stays in the DOM (tests read
// its currentTime) with its native controls taken away, and after it come:
//   - a play/pause button (`data-audio-toggle`, aria-label "Play …"/"Pause …"),
//   - the seek track (`data-audio-seek`, role="slider", focusable, aria-valuemin/max/now in whole seconds, rounded down and
//     aria-valuetext "1:05 of 3:20"): the waveform from data-waveform ({"durationSeconds": 12.34, "peaks": [0..1]})
//     drawn on a <canvas>, the played part in the accent colour, or a plain progress bar when there is no waveform
//     or it fails to load; click, drag or touch seeks,
//   - the time (`data-audio-time`): "0:42 / 3:20",
//   - an error line (`data-audio-error`, hidden until the audio fails to load).
// Keys (on the track or the button): Space/K play-pause, ←/→ ±5 s, Shift+←/→ or PageDown/PageUp ±30 s, Home/End.
// The host gets data-state="paused|playing|error". Starting one player pauses every other player on the page.
import { ensureBlock, h, icon, ICONS, whenChild } from './dom.ts';
import { playback } from './exclusive.ts';
import { keyAction, seekTarget, type PlayerAction } from './keys.ts';
import { formatTime, timeText } from './time.ts';
import { barHeights, BAR_GAP, BAR_WIDTH, parseWaveform, playedFraction, seekFraction, type Waveform } from './waveform.ts';

/** The player that last started, which the Media Session (lock screen, media keys) controls. */
let sessionOwner: AtelierAudio | null = null;

interface Parts {
  audio: HTMLAudioElement;
  button: HTMLButtonElement;
  track: HTMLElement;
  fill: HTMLElement;
  bar: HTMLElement;
  time: HTMLElement;
  error: HTMLElement;
}

/** The last path segment of a URL, decoded: the title when the server gave none. */
function fileName(url: string): string {
  try {
    const last = new URL(url, document.baseURI).pathname.split('/').pop() ?? '';
    return decodeURIComponent(last);
  } catch {
    return '';
  }
}

export class AtelierAudio extends HTMLElement {
  #parts: Parts | null = null;
  #waveform: Waveform | null = null;
  #canvas: HTMLCanvasElement | null = null;
  #size = { width: 0, height: 0 };
  #bars: number[] = [];
  #barsWidth = -1;
  #colors = { played: '', rest: '' };
  #frame = 0;
  #dragging = false;
  #shown = { time: '', now: '', max: '', text: '' };
  #resize: ResizeObserver | null = null;
  #theme: MutationObserver | null = null;
  #stopWaiting: (() => void) | null = null;

  connectedCallback(): void {
    this.#stopWaiting = whenChild<HTMLAudioElement>(this, 'audio', (audio) => {
      if (this.isConnected) {
        this.#enhance(audio);
        this.#attach();
      }
    });
  }

  disconnectedCallback(): void {
    this.#stopWaiting?.();
    this.#stopWaiting = null;
    if (this.#parts !== null) {
      playback.remove(this.#parts.audio);
    }
    this.#resize?.disconnect();
    this.#theme?.disconnect();
    this.#resize = null;
    this.#theme = null;
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    if (sessionOwner === this) {
      sessionOwner = null;
    }
  }

  /** The element's <audio>, once enhanced. */
  get audio(): HTMLAudioElement | null {
    return this.#parts?.audio ?? null;
  }

  #title(): string {
    return this.dataset['title'] || '';
  }

  #enhance(audio: HTMLAudioElement): void {
    if (this.#parts !== null) {
      return;
    }
    audio.controls = false;
    const title = this.#title();
    const artist = this.dataset['artist'] ?? '';
    const cover = this.dataset['cover'] ?? '';
    const hasWaveform = (this.dataset['waveform'] ?? '') !== '';

    const button = h('button', {
      type: 'button',
      'data-audio-toggle': true,
      class: 'grid size-11 shrink-0 cursor-pointer place-items-center rounded-full bg-indigo-700 text-white shadow-sm hover:bg-indigo-800 disabled:cursor-not-allowed disabled:opacity-60 dark:bg-indigo-600 dark:hover:bg-indigo-700',
    });
    const fill = h('div', { class: 'h-full w-0 rounded-full bg-indigo-600 dark:bg-indigo-400' });
    const bar = h('div', { class: 'pointer-events-none absolute inset-x-0 top-1/2 h-1.5 -translate-y-1/2 overflow-hidden rounded-full bg-zinc-300 dark:bg-zinc-600' }, fill);
    const track = h('div', {
      role: 'slider',
      tabindex: '0',
      'data-audio-seek': true,
      'aria-label': title === '' ? 'Seek' : `Seek in ${title}`,
      'aria-valuemin': '0',
      'aria-valuemax': '0',
      'aria-valuenow': '0',
      'aria-valuetext': '0:00',
      class: `relative ${hasWaveform ? 'h-12' : 'h-8'} w-full cursor-pointer touch-pan-y select-none rounded [--wave-played:var(--color-indigo-600)] [--wave-rest:var(--color-zinc-300)] dark:[--wave-played:var(--color-indigo-400)] dark:[--wave-rest:var(--color-zinc-600)]`,
    }, bar);
    const time = h('span', { 'data-audio-time': true, class: 'shrink-0 text-sm text-zinc-600 tabular-nums dark:text-zinc-400' }, '0:00');
    const error = h('p', { 'data-audio-error': true, role: 'alert', hidden: true, class: 'mt-1 text-sm text-red-700 dark:text-red-300' });
    const heading = title !== '' || artist !== ''
      ? h('p', { class: 'truncate text-sm' },
        title !== '' ? h('span', { class: 'font-medium' }, title) : null,
        title !== '' && artist !== '' ? ' · ' : null,
        artist !== '' ? h('span', { class: 'text-zinc-600 dark:text-zinc-400' }, artist) : null)
      : null;
    const panel = h('div', { class: 'flex items-center gap-3 rounded-lg border border-zinc-200 bg-zinc-50 p-3 dark:border-zinc-700 dark:bg-zinc-900' },
      cover !== '' ? h('img', { src: cover, alt: '', class: 'hidden size-12 shrink-0 rounded object-cover sm:block', loading: 'lazy' }) : null,
      button,
      h('div', { class: 'min-w-0 flex-1' }, heading, track),
      time);
    ensureBlock(this);
    audio.after(panel, error);
    const parts: Parts = { audio, button, track, fill, bar, time, error };
    this.#parts = parts;

    for (const type of ['play', 'pause', 'ended']) {
      audio.addEventListener(type, () => this.#onPlayState());
    }
    for (const type of ['timeupdate', 'durationchange', 'loadedmetadata', 'seeked', 'seeking', 'emptied']) {
      audio.addEventListener(type, () => this.#render());
    }
    audio.addEventListener('error', () => this.#showError());
    button.addEventListener('click', () => this.#toggle());
    this.addEventListener('keydown', (event) => this.#onKey(event));
    track.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) {
        return;
      }
      this.#dragging = true;
      try {
        track.setPointerCapture(event.pointerId);
      } catch {
        // an untrusted or finished pointer: seeking still works for this press
      }
      this.#seekToPointer(event.clientX);
    });
    track.addEventListener('pointermove', (event) => {
      if (this.#dragging) {
        this.#seekToPointer(event.clientX);
      }
    });
    const stop = (): void => {
      this.#dragging = false;
    };
    track.addEventListener('pointerup', stop);
    track.addEventListener('pointercancel', stop);
    track.addEventListener('lostpointercapture', stop);

    this.#onPlayState();
    if (audio.error !== null) {
      this.#showError();
    }
    if (hasWaveform) {
      void this.#loadWaveform(this.dataset['waveform'] ?? '');
    }
  }

  #attach(): void {
    const parts = this.#parts;
    if (parts === null) {
      return;
    }
    playback.add(parts.audio);
    if (typeof ResizeObserver !== 'undefined' && this.#resize === null) {
      this.#resize = new ResizeObserver((entries) => {
        for (const entry of entries) {
          this.#size = { width: entry.contentRect.width, height: entry.contentRect.height };
        }
        this.#render();
      });
      this.#resize.observe(parts.track);
    }
    if (typeof MutationObserver !== 'undefined' && this.#theme === null) {
      // The theme toggle switches the `dark` class on <html>: the canvas colours come from CSS and must be read again.
      this.#theme = new MutationObserver(() => {
        this.#colors = { played: '', rest: '' };
        this.#render();
      });
      this.#theme.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
    }
    this.#render();
  }

  async #loadWaveform(url: string): Promise<void> {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' } });
      const waveform = response.ok ? parseWaveform(await response.json()) : null;
      if (waveform === null || this.#parts === null) {
        return; // the progress bar stays
      }
      this.#waveform = waveform; // its length serves until the audio's metadata is in
      const canvas = h('canvas', { 'aria-hidden': 'true', class: 'pointer-events-none absolute inset-0 size-full' });
      if (canvas.getContext('2d') !== null) {
        this.#canvas = canvas;
        this.#parts.bar.replaceWith(canvas);
        this.#barsWidth = -1;
      }
      this.#render();
    } catch {
      // unreachable or not JSON: the progress bar stays
    }
  }

  /** The length: the audio's own once known, else the waveform's. */
  #duration(): number {
    const audio = this.#parts?.audio;
    if (audio !== undefined && Number.isFinite(audio.duration) && audio.duration > 0) {
      return audio.duration;
    }
    return this.#waveform?.durationSeconds ?? NaN;
  }

  #toggle(): void {
    const audio = this.#parts?.audio;
    if (audio === undefined) {
      return;
    }
    if (audio.paused || audio.ended) {
      audio.play()?.catch(() => {
        // refused (no user gesture) or failed: the error event reports real failures
      });
    } else {
      audio.pause();
    }
  }

  #seekTo(seconds: number): void {
    const audio = this.#parts?.audio;
    if (audio === undefined || !Number.isFinite(seconds)) {
      return;
    }
    audio.currentTime = seconds;
    this.#render();
    this.#updatePosition();
  }

  #seekToPointer(clientX: number): void {
    const parts = this.#parts;
    const duration = this.#duration();
    if (parts === null || !(duration > 0)) {
      return;
    }
    const rect = parts.track.getBoundingClientRect();
    this.#seekTo(seekFraction(clientX, rect.left, rect.width) * duration);
  }

  #apply(action: PlayerAction): void {
    if (action.kind === 'toggle') {
      this.#toggle();
      return;
    }
    const audio = this.#parts?.audio;
    if (audio === undefined) {
      return;
    }
    const target = seekTarget(audio.currentTime, this.#duration(), action);
    if (target !== null) {
      this.#seekTo(target);
    }
  }

  #onKey(event: KeyboardEvent): void {
    const action = keyAction(event);
    if (action === null) {
      return;
    }
    // Space on the button is the button's own click.
    if (action.kind === 'toggle' && event.target instanceof HTMLButtonElement && (event.key === ' ' || event.key === 'Spacebar')) {
      return;
    }
    event.preventDefault();
    this.#apply(action);
  }

  #onPlayState(): void {
    const parts = this.#parts;
    if (parts === null) {
      return;
    }
    const playing = !parts.audio.paused && !parts.audio.ended;
    if (this.dataset['state'] !== 'error') {
      this.dataset['state'] = playing ? 'playing' : 'paused';
    }
    const title = this.#title();
    const label = playing ? 'Pause' : 'Play';
    parts.button.setAttribute('aria-label', title === '' ? label : `${label} ${title}`);
    parts.button.replaceChildren(icon(playing ? ICONS.pause : ICONS.play));
    if (playing) {
      this.#claimSession();
      this.#loop();
    } else {
      cancelAnimationFrame(this.#frame);
      this.#frame = 0;
      if (sessionOwner === this && 'mediaSession' in navigator) {
        navigator.mediaSession.playbackState = 'paused';
      }
    }
    this.#render();
  }

  /** Redraws every frame while playing, so the played part moves smoothly (timeupdate comes only ~4 times a second). */
  #loop(): void {
    if (this.#frame !== 0) {
      return;
    }
    const tick = (): void => {
      this.#render();
      this.#frame = this.#parts !== null && !this.#parts.audio.paused ? requestAnimationFrame(tick) : 0;
    };
    this.#frame = requestAnimationFrame(tick);
  }

  #showError(): void {
    const parts = this.#parts;
    if (parts === null) {
      return;
    }
    this.dataset['state'] = 'error';
    parts.error.textContent = 'This audio could not be played.';
    parts.error.hidden = false;
    parts.button.disabled = true;
  }

  #render(): void {
    const parts = this.#parts;
    if (parts === null) {
      return;
    }
    const duration = this.#duration();
    const current = parts.audio.currentTime;
    const known = Number.isFinite(duration) && duration > 0;
    const shown = {
      time: known ? `${formatTime(current)} / ${formatTime(duration)}` : formatTime(current),
      // Whole seconds, as the time beside it shows them (formatTime rounds down too).
      now: String(Math.floor(Number.isFinite(current) && current > 0 ? current : 0)),
      max: String(known ? Math.floor(duration) : 0),
      text: timeText(current, duration),
    };
    // Only touch the DOM when something shown changed: this runs every frame while playing.
    if (shown.time !== this.#shown.time) {
      parts.time.textContent = shown.time;
    }
    if (shown.max !== this.#shown.max) {
      parts.track.setAttribute('aria-valuemax', shown.max);
    }
    if (shown.now !== this.#shown.now) {
      parts.track.setAttribute('aria-valuenow', shown.now);
    }
    if (shown.text !== this.#shown.text) {
      parts.track.setAttribute('aria-valuetext', shown.text);
    }
    this.#shown = shown;
    const fraction = playedFraction(current, duration);
    if (this.#canvas === null) {
      parts.fill.style.width = `${(fraction * 100).toFixed(2)}%`;
    } else {
      this.#draw(fraction);
    }
  }

  #draw(fraction: number): void {
    const canvas = this.#canvas;
    const peaks = this.#waveform?.peaks;
    const context = canvas?.getContext('2d');
    if (canvas === null || canvas === undefined || peaks === undefined || context === null || context === undefined) {
      return;
    }
    let { width, height } = this.#size;
    if (width === 0 || height === 0) {
      const rect = canvas.getBoundingClientRect();
      width = rect.width;
      height = rect.height;
    }
    if (width === 0 || height === 0) {
      return;
    }
    const ratio = window.devicePixelRatio || 1;
    const pixelWidth = Math.round(width * ratio);
    const pixelHeight = Math.round(height * ratio);
    if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
      canvas.width = pixelWidth;
      canvas.height = pixelHeight;
    }
    if (this.#barsWidth !== width) {
      this.#bars = barHeights(peaks, width);
      this.#barsWidth = width;
    }
    if (this.#colors.played === '') {
      const style = getComputedStyle(this.#parts?.track ?? canvas);
      this.#colors = {
        played: style.getPropertyValue('--wave-played').trim() || '#4f46e5',
        rest: style.getPropertyValue('--wave-rest').trim() || '#d4d4d8',
      };
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const playedX = fraction * width;
    const step = BAR_WIDTH + BAR_GAP;
    for (const played of [true, false]) {
      context.fillStyle = played ? this.#colors.played : this.#colors.rest;
      this.#bars.forEach((value, i) => {
        const x = i * step;
        if (x + BAR_WIDTH / 2 <= playedX === played) {
          const barHeight = Math.max(1, value * height);
          context.fillRect(x, (height - barHeight) / 2, BAR_WIDTH, barHeight);
        }
      });
    }
  }

  /** Lock screen, notification and media keys follow the player that is playing. */
  #claimSession(): void {
    const audio = this.#parts?.audio;
    if (audio === undefined || !('mediaSession' in navigator)) {
      return;
    }
    sessionOwner = this;
    const session = navigator.mediaSession;
    const cover = this.dataset['cover'] ?? '';
    try {
      if (typeof MediaMetadata !== 'undefined') {
        session.metadata = new MediaMetadata({
          title: this.#title() || fileName(audio.currentSrc || audio.src),
          artist: this.dataset['artist'] ?? '',
          album: this.dataset['album'] ?? '',
          artwork: cover === '' ? [] : [{ src: new URL(cover, document.baseURI).href }],
        });
      }
    } catch {
      // a browser that rejects the artwork URL: the controls still work
    }
    const handle = (action: MediaSessionAction, handler: MediaSessionActionHandler): void => {
      try {
        session.setActionHandler(action, handler);
      } catch {
        // an action this browser does not know
      }
    };
    handle('play', () => {
      audio.play()?.catch(() => undefined);
    });
    handle('pause', () => audio.pause());
    handle('seekto', (details) => {
      if (details.seekTime !== undefined) {
        this.#seekTo(details.seekTime);
      }
    });
    handle('seekbackward', (details) => this.#apply({ kind: 'seekBy', seconds: -(details.seekOffset ?? 10) }));
    handle('seekforward', (details) => this.#apply({ kind: 'seekBy', seconds: details.seekOffset ?? 10 }));
    session.playbackState = 'playing';
    this.#updatePosition();
  }

  #updatePosition(): void {
    const audio = this.#parts?.audio;
    const duration = this.#duration();
    if (sessionOwner !== this || audio === undefined || !('mediaSession' in navigator) || !(duration > 0) || !Number.isFinite(duration)) {
      return;
    }
    try {
      navigator.mediaSession.setPositionState({
        duration,
        position: Math.min(duration, Math.max(0, audio.currentTime)),
        playbackRate: audio.playbackRate || 1,
      });
    } catch {
      // position state not supported
    }
  }
}
