// Strudel haps (cycle positions from the sandbox) → timed note events on the audio clock.

/** What the sandbox answers for one hap (plain data: no functions cross the iframe boundary). */
export interface HapData {
  begin: number; // cycles, the hap's onset
  end: number; // cycles
  note?: number; // MIDI note number
  freq?: number; // Hz (wins over note)
  gain?: number; // 0…1 (default 1)
  velocity?: number; // 0…1 (default 1)
}

export interface NoteEvent {
  time: number; // audio-context seconds
  duration: number; // seconds
  note: number;
  frequency: number;
  gain: number;
}

/** Maps audio time to cycles at a tempo; a tempo change re-anchors at "now" so the pattern never jumps. */
export class CycleClock {
  constructor(
    private anchorTime: number,
    private anchorCycle: number,
    private cps: number,
  ) {}

  cycleAt(time: number): number {
    return this.anchorCycle + (time - this.anchorTime) * this.cps;
  }

  timeAt(cycle: number): number {
    return this.anchorTime + (cycle - this.anchorCycle) / this.cps;
  }

  setCps(cps: number, time: number): void {
    this.anchorCycle = this.cycleAt(time);
    this.anchorTime = time;
    this.cps = cps;
  }
}

/** Events for the haps whose onset falls in [fromCycle, toCycle); haps without a pitch are dropped. Sorted by time. */
export function hapsToEvents(haps: HapData[], clock: CycleClock, fromCycle: number, toCycle: number): NoteEvent[] {
  const events: NoteEvent[] = [];
  for (const hap of haps) {
    if (!(hap.begin >= fromCycle && hap.begin < toCycle) || !(hap.end > hap.begin)) continue;
    let frequency: number;
    let note: number;
    if (typeof hap.freq === 'number' && hap.freq > 0) {
      frequency = hap.freq;
      note = 69 + 12 * Math.log2(frequency / 440);
    } else if (typeof hap.note === 'number' && Number.isFinite(hap.note)) {
      note = hap.note;
      frequency = 440 * 2 ** ((note - 69) / 12);
    } else {
      continue;
    }
    const time = clock.timeAt(hap.begin);
    const gain = Math.max(0, Math.min(1, (hap.gain ?? 1) * (hap.velocity ?? 1)));
    events.push({ time, duration: clock.timeAt(hap.end) - time, note, frequency, gain });
  }
  return events.sort((a, b) => a.time - b.time);
}
