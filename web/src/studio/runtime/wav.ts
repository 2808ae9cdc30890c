// 16-bit PCM WAV encoding of a rendered buffer (the offline render's download and media-library upload).

/** The part of an AudioBuffer the encoder reads (so tests can pass plain arrays). */
export interface PcmSource {
  readonly numberOfChannels: number;
  readonly sampleRate: number;
  readonly length: number;
  getChannelData(channel: number): Float32Array;
}

/** The WAV file's bytes: RIFF header, `fmt ` chunk (PCM, 16 bit), `data` chunk with interleaved little-endian samples. */
export function encodeWavBytes(source: PcmSource): Uint8Array {
  const channels = source.numberOfChannels;
  const frames = source.length;
  const bytesPerSample = 2;
  const dataSize = frames * channels * bytesPerSample;
  const bytes = new Uint8Array(44 + dataSize);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataSize, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels, true);
  view.setUint32(24, source.sampleRate, true);
  view.setUint32(28, source.sampleRate * channels * bytesPerSample, true); // byte rate
  view.setUint16(32, channels * bytesPerSample, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataSize, true);
  const data = Array.from({ length: channels }, (_, c) => source.getChannelData(c));
  let offset = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const s = Math.max(-1, Math.min(1, data[c]![i] ?? 0));
      // Asymmetric scaling so -1 → -32768 and 1 → 32767 exactly.
      view.setInt16(offset, s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff), true);
      offset += 2;
    }
  }
  return bytes;
}

export function encodeWav(buffer: PcmSource): Blob {
  return new Blob([encodeWavBytes(buffer) as Uint8Array<ArrayBuffer>], { type: 'audio/wav' });
}
