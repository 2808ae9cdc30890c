// The example pack's AudioWorklet processor: quantises each sample to `bits` and holds it for `downsample` samples.
// SPDX-License-Identifier: AGPL-3.0-or-later

class BitcrusherProcessor extends AudioWorkletProcessor {
  static get parameterDescriptors() {
    return [
      { name: 'bits', defaultValue: 6, minValue: 1, maxValue: 16, automationRate: 'k-rate' },
      { name: 'downsample', defaultValue: 4, minValue: 1, maxValue: 40, automationRate: 'k-rate' },
    ];
  }

  constructor() {
    super();
    this.held = [];
    this.counter = 0;
  }

  process(inputs, outputs, parameters) {
    const input = inputs[0];
    const output = outputs[0];
    const levels = 2 ** (Math.round(parameters.bits[0]) - 1);
    const hold = Math.max(1, Math.round(parameters.downsample[0]));
    for (let c = 0; c < output.length; c++) {
      const inp = input[c] ?? input[0];
      const out = output[c];
      let counter = this.counter;
      let held = this.held[c] ?? 0;
      for (let i = 0; i < out.length; i++) {
        if (counter % hold === 0) held = inp ? Math.round(inp[i] * levels) / levels : 0;
        out[i] = held;
        counter++;
      }
      this.held[c] = held;
      if (c === output.length - 1) this.counter = counter % hold;
    }
    return true;
  }
}

registerProcessor('example-bitcrusher', BitcrusherProcessor);
