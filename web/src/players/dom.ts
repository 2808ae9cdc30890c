// Small DOM helpers shared by the players.

type Child = Node | string | null | undefined | false;

/** Creates an element with attributes (a `false`/`undefined` value leaves one out) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) {
      element.setAttribute(name, '');
    } else if (typeof value === 'string') {
      element.setAttribute(name, value);
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child);
    }
  }
  return element;
}

/**
 * Runs `fn` once the element's children are there. The players are normally defined after the page is parsed, but
 * if a page loads them earlier a custom element is connected as soon as its start tag is read, before its children.
 */
export function whenParsed(fn: () => void): void {
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', fn, { once: true });
  } else {
    fn();
  }
}

/**
 * Runs `fn` with the host's first `selector` match once there is one: at once when the children are there (the
 * usual case), else when they arrive (a host connected before its children are appended). Returns a function that
 * stops waiting.
 */
export function whenChild<E extends Element>(host: Element, selector: string, fn: (child: E) => void): () => void {
  let observer: MutationObserver | null = null;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    observer?.disconnect();
    observer = null;
  };
  whenParsed(() => {
    const found = host.querySelector<E>(selector);
    if (stopped) {
      return;
    }
    if (found !== null) {
      fn(found);
      return;
    }
    observer = new MutationObserver(() => {
      const child = host.querySelector<E>(selector);
      if (child !== null) {
        stop();
        fn(child);
      }
    });
    observer.observe(host, { childList: true, subtree: true });
  });
  return stop;
}

const DISPLAY = /^(?:[\w-]+:)*(?:block|inline|inline-block|flex|inline-flex|grid|inline-grid|hidden|contents|table|flow-root)$/;

/**
 * Makes a player element a block (custom elements are inline by default) unless the page gave it a display of its
 * own, such as a gallery laid out with `grid`.
 */
export function ensureBlock(host: HTMLElement): void {
  if (!Array.from(host.classList).some((name) => DISPLAY.test(name))) {
    host.classList.add('block');
  }
}

/** An inline SVG icon (24×24 viewBox, one path, currentColor); hidden from assistive technology. */
export function icon(path: string, className = 'size-5'): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('fill', 'currentColor');
  svg.setAttribute('class', className);
  const shape = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  shape.setAttribute('d', path);
  svg.append(shape);
  return svg;
}

export const ICONS = {
  play: 'M8 5.14v13.72a1 1 0 0 0 1.5.86l11-6.86a1 1 0 0 0 0-1.72l-11-6.86A1 1 0 0 0 8 5.14Z',
  pause: 'M7 5h3.5v14H7zM13.5 5H17v14h-3.5z',
  close: 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6Z',
  previous: 'M15.4 5 8.4 12l7 7 1.4-1.4-5.6-5.6 5.6-5.6Z',
  next: 'M8.6 5 7.2 6.4l5.6 5.6-5.6 5.6L8.6 19l7-7Z',
} as const;
