/**
 * Linear-interpolation resampling of 16-bit PCM. Crude (no anti-aliasing filter) but enough
 * for upsampling synthetic speech, which is all the stand-ins do with it.
 */
export function resample(samples: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return samples;
  const out = new Int16Array(Math.floor((samples.length * toRate) / fromRate));
  const step = fromRate / toRate;
  for (let i = 0; i < out.length; i++) {
    const position = i * step;
    const index = Math.floor(position);
    const fraction = position - index;
    const current = samples[index] ?? 0;
    const next = samples[index + 1] ?? current;
    out[i] = Math.round(current + (next - current) * fraction);
  }
  return out;
}
