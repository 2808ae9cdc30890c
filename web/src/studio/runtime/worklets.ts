// The core nodes' AudioWorklet processors, bundled by Vite into one classic script file under /app/assets/
// (imported with `?worker&url`), so it loads under the site's `script-src 'self'` without blob: or eval.
import { applyMath, MATH_OPS, type MathOp } from './mathops';

declare const sampleRate: number;
declare function registerProcessor(name: string, processor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

interface ParamDescriptor {
  name: string;
  defaultValue?: number;
  minValue?: number;
  maxValue?: number;
  automationRate?: 'a-rate' | 'k-rate';
}

/** White, pink (Paul Kellet's filter) or brown (integrated white) noise; the colour comes by message. */
class NoiseProcessor extends AudioWorkletProcessor {
  private color = 0; // 0 white, 1 pink, 2 brown
  private b = [0, 0, 0, 0, 0, 0, 0];
  private brown = 0;

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent<{ color: string }>) => {
      this.color = e.data.color === 'pink' ? 1 : e.data.color === 'brown' ? 2 : 0;
    };
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0]![0]!;
    const b = this.b;
    for (let i = 0; i < out.length; i++) {
      const white = Math.random() * 2 - 1;
      if (this.color === 1) {
        b[0] = 0.99886 * b[0]! + white * 0.0555179;
        b[1] = 0.99332 * b[1]! + white * 0.0750759;
        b[2] = 0.969 * b[2]! + white * 0.153852;
        b[3] = 0.8665 * b[3]! + white * 0.3104856;
        b[4] = 0.55 * b[4]! + white * 0.5329522;
        b[5] = -0.7616 * b[5]! - white * 0.016898;
        out[i] = (b[0]! + b[1]! + b[2]! + b[3]! + b[4]! + b[5]! + b[6]! + white * 0.5362) * 0.11;
        b[6] = white * 0.115926;
      } else if (this.color === 2) {
        this.brown = (this.brown + 0.02 * white) / 1.02;
        out[i] = this.brown * 3.5;
      } else {
        out[i] = white;
      }
    }
    return true;
  }
}

/** a OP b per sample; a and b are AudioParams so a connected control signal drives them at audio rate. */
class MathProcessor extends AudioWorkletProcessor {
  static get parameterDescriptors(): ParamDescriptor[] {
    return [
      { name: 'a', defaultValue: 0 },
      { name: 'b', defaultValue: 0 },
    ];
  }

  private op: MathOp = 'add';

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent<{ op: string }>) => {
      if ((MATH_OPS as readonly string[]).includes(e.data.op)) this.op = e.data.op as MathOp;
    };
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean {
    const out = outputs[0]![0]!;
    const a = parameters['a']!;
    const b = parameters['b']!;
    for (let i = 0; i < out.length; i++) {
      out[i] = applyMath(this.op, a.length > 1 ? a[i]! : a[0]!, b.length > 1 ? b[i]! : b[0]!);
    }
    return true;
  }
}

void sampleRate;
registerProcessor('atelier-noise', NoiseProcessor);
registerProcessor('atelier-math', MathProcessor);
