// The example node pack (docs/plugins.md walks through it). Plain JavaScript, no build step: the studio imports this
// file with import() from /studio/plugins/example/nodes.js and calls a factory for each node of a patch.
// SPDX-License-Identifier: AGPL-3.0-or-later

/** Bitcrusher: the DSP runs in an AudioWorklet (bitcrusher.worklet.js, next to this file). */
async function bitcrusher(ctx) {
  // Relative to this module's URL; loaded once per audio context however many bitcrushers the patch has.
  await ctx.addWorklet('./bitcrusher.worklet.js');
  const node = new AudioWorkletNode(ctx.audio, 'example-bitcrusher', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    parameterData: { bits: ctx.params.bits, downsample: ctx.params.downsample },
  });
  return {
    inputs: { in: node }, // audio input port 'in' → the worklet's input
    outputs: { out: node }, // audio output port 'out' → its output
    setParam(id, value, time) {
      // Both are stepped parameters: jump at `time` (a glide between bit depths would mean nothing).
      const param = node.parameters.get(id);
      if (param) param.setValueAtTime(value, time);
    },
  };
}

/** Random: a new control value between min and max on every trigger, held until the next. */
function random(ctx) {
  let min = ctx.params.min;
  let max = ctx.params.max;
  const source = new ConstantSourceNode(ctx.audio, { offset: min });
  source.start();
  return {
    outputs: { out: source }, // a control output is an audio-rate signal: a ConstantSourceNode
    receive(port, message) {
      if (port !== 'trigger' || message.on === false) return;
      const value = min + Math.random() * (max - min);
      // Sample-accurate: the value changes exactly when the trigger happens on the audio clock.
      source.offset.setValueAtTime(value, message.time);
      ctx.log('info', `random → ${value.toFixed(2)}`);
    },
    setParam(id, value) {
      if (id === 'min') min = value;
      if (id === 'max') max = value;
    },
    dispose() {
      source.stop();
    },
  };
}

export default {
  nodes: {
    'example.bitcrusher': bitcrusher,
    'example.random': random,
  },
};
