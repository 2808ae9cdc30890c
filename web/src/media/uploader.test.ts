import { describe, expect, it } from 'vitest';
import {
  createQueue,
  formatBytes,
  gltfReferences,
  groupUploads,
  isGltf,
  mediaPage,
  parseUploaded,
  percent,
  uploadedText,
  uploadProblem,
} from './uploader.ts';

describe('formatBytes', () => {
  it('says sizes the way people read them', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(12 * 1024 * 1024)).toBe('12 MB');
    expect(formatBytes(1.23 * 1024 ** 3)).toBe('1.2 GB');
    expect(formatBytes(1023.7 * 1024)).toBe('1 MB');
  });

  it('shows nothing for a size that is not one', () => {
    expect(formatBytes(-1)).toBe('');
    expect(formatBytes(NaN)).toBe('');
  });
});

describe('gltfReferences', () => {
  it('collects the plain relative names of buffers and images', () => {
    const gltf = {
      buffers: [{ uri: 'scene.bin', byteLength: 10 }],
      images: [{ uri: 'wood%20grain.png' }, { uri: 'scene.bin' }, { bufferView: 3, mimeType: 'image/png' }],
    };
    expect(gltfReferences(gltf)).toEqual(['scene.bin', 'wood grain.png']);
  });

  it('skips data URIs, other URLs, absolute paths and paths into folders', () => {
    const gltf = {
      buffers: [{ uri: 'data:application/octet-stream;base64,AAAA' }, { uri: 'https://example.test/a.bin' }],
      images: [{ uri: '/abs.png' }, { uri: 'textures/wood.png' }, { uri: '..\\up.png' }, { uri: '../up.png' }, { uri: 'x.png?v=1' }, { uri: '%E0%A4%A' }],
    };
    expect(gltfReferences(gltf)).toEqual([]);
  });

  it('reads nothing from what is not a glTF', () => {
    expect(gltfReferences(null)).toEqual([]);
    expect(gltfReferences({ buffers: 'scene.bin' })).toEqual([]);
  });
});

const file = (name: string): { name: string } => ({ name });

describe('groupUploads', () => {
  it('sends a .gltf with the files it names in one request, the .gltf first', () => {
    const photo = file('photo.jpg');
    const bin = file('scene.bin');
    const gltf = file('scene.gltf');
    const texture = file('Wood.PNG');
    const groups = groupUploads([photo, bin, gltf, texture], new Map([[gltf, ['scene.bin', 'wood.png']]]));
    expect(groups).toEqual([
      { files: [photo], missing: [] },
      { files: [gltf, bin, texture], missing: [] },
    ]);
  });

  it('sends every other file alone, in the order dropped', () => {
    const [a, b, c] = [file('a.mp3'), file('b.jpg'), file('c.glb')];
    expect(groupUploads([a, b, c], new Map()).map((g) => g.files)).toEqual([[a], [b], [c]]);
  });

  it('names the files a scene wants that were not dropped', () => {
    const gltf = file('scene.gltf');
    expect(groupUploads([gltf], new Map([[gltf, ['scene.bin']]]))).toEqual([{ files: [gltf], missing: ['scene.bin'] }]);
  });

  it('gives a file two scenes name to the first', () => {
    const [one, two, bin] = [file('one.gltf'), file('two.gltf'), file('shared.bin')];
    const groups = groupUploads([one, two, bin], new Map([[one, ['shared.bin']], [two, ['shared.bin']]]));
    expect(groups).toEqual([
      { files: [one, bin], missing: [] },
      { files: [two], missing: ['shared.bin'] },
    ]);
  });

  it('does not take another scene as a texture', () => {
    const [one, two] = [file('one.gltf'), file('two.gltf')];
    const groups = groupUploads([one, two], new Map([[one, ['two.gltf']], [two, []]]));
    expect(groups.map((g) => g.files)).toEqual([[one], [two]]);
  });

  it('knows a glTF by its extension', () => {
    expect(isGltf('Scene.GLTF')).toBe(true);
    expect(isGltf('scene.glb')).toBe(false);
  });
});

describe('parseUploaded', () => {
  it('reads the created media', () => {
    const body = { id: 'abc', fileName: 'song.mp3', kind: 'audio', status: 'processing', url: '/media/abc/song.mp3' };
    expect(parseUploaded(body)).toEqual(body);
    expect(parseUploaded({ ...body, thumbnailUrl: '/media/abc/t.jpg' })?.thumbnailUrl).toBe('/media/abc/t.jpg');
    expect(parseUploaded({ id: 42 })?.id).toBe('42');
  });

  it('refuses a body without an id', () => {
    expect(parseUploaded(null)).toBeNull();
    expect(parseUploaded({ fileName: 'x' })).toBeNull();
  });

  it('links to the admin page and says whether processing goes on', () => {
    expect(mediaPage('a b')).toBe('/admin/media/a%20b');
    const media = { id: '1', fileName: 'a', kind: 'image', status: 'processing', url: '' };
    expect(uploadedText(media)).toBe('Uploaded — processing');
    expect(uploadedText({ ...media, status: 'Ready' })).toBe('Uploaded');
  });
});

describe('uploadProblem', () => {
  it('shows the problem details the server sent', () => {
    expect(uploadProblem(413, { title: 'The file is too large', detail: 'Files may be up to 2 GB.' }))
      .toEqual({ title: 'The file is too large', detail: 'Files may be up to 2 GB.' });
    expect(uploadProblem(415, { title: 'This file type is not supported' }))
      .toEqual({ title: 'This file type is not supported', detail: '' });
  });

  it('explains a bare status (a proxy sends no problem details)', () => {
    expect(uploadProblem(413, null).title).toBe('The file is too large');
    expect(uploadProblem(415, '<html>').title).toBe('This file type is not supported');
    expect(uploadProblem(0, null)).toEqual({ title: 'The server could not be reached', detail: 'Check the connection and try again.' });
    expect(uploadProblem(400, null).detail).toBe('Reload the page and try again.');
    expect(uploadProblem(502, null)).toEqual({ title: 'The server failed', detail: 'Try again later.' });
    expect(uploadProblem(418, {}).title).toBe('The server answered 418');
  });
});

describe('percent', () => {
  it('rounds and clamps', () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(5, 0)).toBe(0);
    expect(percent(7, 5)).toBe(100);
  });
});

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('createQueue', () => {
  it('runs at most 3 at once, the rest in order as places free up', async () => {
    let idle = 0;
    const queue = createQueue(3, () => idle++);
    const tasks = Array.from({ length: 5 }, () => deferred());
    const started: number[] = [];
    tasks.forEach((task, i) => queue.add(() => {
      started.push(i);
      return task.promise;
    }));
    expect(started).toEqual([0, 1, 2]);
    expect(queue.active).toBe(3);
    expect(queue.waiting).toBe(2);

    tasks[1]?.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2, 3]);
    expect(queue.active).toBe(3);

    tasks[0]?.reject(new Error('failed upload')); // a failure frees its place too
    await flush();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(idle).toBe(0);

    for (const task of tasks) {
      task.resolve();
    }
    await flush();
    expect(queue.active).toBe(0);
    expect(idle).toBe(1);
  });

  it('says idle again after a later batch', async () => {
    let idle = 0;
    const queue = createQueue(3, () => idle++);
    queue.add(() => Promise.resolve());
    await flush();
    queue.add(() => {
      throw new Error('thrown before a promise');
    });
    await flush();
    expect(idle).toBe(2);
    expect(queue.active).toBe(0);
  });
});
