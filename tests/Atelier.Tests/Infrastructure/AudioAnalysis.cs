using System.Buffers.Binary;
using System.Numerics;

namespace Atelier.Tests.Infrastructure;

/// <summary>
/// Listens to rendered audio the way the acceptance tests need: reads a 16-bit PCM WAV file, finds its spectral peak
/// (an FFT with parabolic interpolation between bins), its RMS level, and the sequence of pitches over time.
/// </summary>
internal sealed class AudioAnalysis
{
    private AudioAnalysis(float[] samples, int sampleRate, int channels)
    {
        Samples = samples;
        SampleRate = sampleRate;
        Channels = channels;
    }

    /// <summary>The signal mixed down to one channel, −1…1.</summary>
    public float[] Samples { get; }
    public int SampleRate { get; }
    public int Channels { get; }
    public double Seconds => (double)Samples.Length / SampleRate;

    /// <summary>Reads a canonical RIFF/WAVE file with 16-bit PCM samples (what the studio's offline render writes).</summary>
    public static AudioAnalysis FromWav(byte[] wav)
    {
        var span = wav.AsSpan();
        if (span.Length < 44 || !span[..4].SequenceEqual("RIFF"u8) || !span[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a RIFF/WAVE file.");
        }
        int channels = 0, rate = 0, bits = 0;
        var offset = 12;
        while (offset + 8 <= span.Length)
        {
            var id = span.Slice(offset, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(offset + 4, 4));
            var body = span.Slice(offset + 8, Math.Min(size, span.Length - offset - 8));
            if (id.SequenceEqual("fmt "u8))
            {
                var format = BinaryPrimitives.ReadUInt16LittleEndian(body);
                if (format != 1)
                {
                    throw new InvalidDataException($"WAV format {format} is not PCM.");
                }
                channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (bits != 16 || channels == 0)
                {
                    throw new InvalidDataException($"Expected 16-bit PCM, found {bits} bits and {channels} channels.");
                }
                var frames = body.Length / (2 * channels);
                var mono = new float[frames];
                for (var i = 0; i < frames; i++)
                {
                    var sum = 0f;
                    for (var c = 0; c < channels; c++)
                    {
                        sum += BinaryPrimitives.ReadInt16LittleEndian(body.Slice((i * channels + c) * 2, 2)) / 32768f;
                    }
                    mono[i] = sum / channels;
                }
                return new AudioAnalysis(mono, rate, channels);
            }
            offset += 8 + size + (size & 1);
        }
        throw new InvalidDataException("The WAV file has no data chunk.");
    }

    public static AudioAnalysis FromSamples(float[] samples, int sampleRate) => new(samples, sampleRate, 1);

    public double Rms(double fromSeconds = 0, double? toSeconds = null)
    {
        var (start, end) = Range(fromSeconds, toSeconds);
        if (end <= start)
        {
            return 0;
        }
        double sum = 0;
        for (var i = start; i < end; i++)
        {
            sum += Samples[i] * (double)Samples[i];
        }
        return Math.Sqrt(sum / (end - start));
    }

    /// <summary>The frequency (Hz) with the most energy between the two times, to a fraction of a bin.</summary>
    public double PeakFrequency(double fromSeconds = 0, double? toSeconds = null)
    {
        var (start, end) = Range(fromSeconds, toSeconds);
        return PeakOf(Samples.AsSpan(start, end - start), SampleRate);
    }

    /// <summary>
    /// The pitch heard in each window of <paramref name="windowSeconds"/> that is louder than <paramref name="minRms"/>,
    /// with consecutive repeats collapsed: the melody, as note names (C4, E4…).
    /// </summary>
    public IReadOnlyList<string> NoteSequence(double windowSeconds = 0.05, double minRms = 0.01)
    {
        var window = (int)(windowSeconds * SampleRate);
        var notes = new List<string>();
        for (var start = 0; start + window <= Samples.Length; start += window)
        {
            var slice = Samples.AsSpan(start, window);
            double sum = 0;
            foreach (var s in slice)
            {
                sum += s * (double)s;
            }
            if (Math.Sqrt(sum / window) < minRms)
            {
                continue;
            }
            var note = NoteName(PeakOf(slice, SampleRate));
            if (notes.Count == 0 || notes[^1] != note)
            {
                notes.Add(note);
            }
        }
        return notes;
    }

    /// <summary>The nearest equal-tempered note (A4 = 440 Hz), e.g. 261.6 → "C4".</summary>
    public static string NoteName(double frequency)
    {
        string[] names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
        var midi = (int)Math.Round(69 + 12 * Math.Log2(frequency / 440));
        return names[((midi % 12) + 12) % 12] + (midi / 12 - 1);
    }

    private (int Start, int End) Range(double fromSeconds, double? toSeconds)
    {
        var start = Math.Clamp((int)(fromSeconds * SampleRate), 0, Samples.Length);
        var end = Math.Clamp((int)((toSeconds ?? Seconds) * SampleRate), start, Samples.Length);
        return (start, end);
    }

    private static double PeakOf(ReadOnlySpan<float> signal, int sampleRate)
    {
        // Zero-padded to at least 4× the signal for a finer grid; a Hann window keeps leakage from hiding the peak.
        var size = 1;
        while (size < signal.Length * 4)
        {
            size <<= 1;
        }
        var data = new Complex[size];
        for (var i = 0; i < signal.Length; i++)
        {
            var hann = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / Math.Max(1, signal.Length - 1));
            data[i] = new Complex(signal[i] * hann, 0);
        }
        Fft(data);
        var best = 1;
        var bestMagnitude = 0.0;
        for (var k = 1; k < size / 2 - 1; k++)
        {
            var magnitude = data[k].Magnitude;
            if (magnitude > bestMagnitude)
            {
                bestMagnitude = magnitude;
                best = k;
            }
        }
        double a = Math.Log(data[best - 1].Magnitude + 1e-12), b = Math.Log(data[best].Magnitude + 1e-12), c = Math.Log(data[best + 1].Magnitude + 1e-12);
        var shift = (a - 2 * b + c) == 0 ? 0 : 0.5 * (a - c) / (a - 2 * b + c);
        return (best + shift) * sampleRate / size;
    }

    private static void Fft(Complex[] data)
    {
        var n = data.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            var bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }
            j ^= bit;
            if (i < j)
            {
                (data[i], data[j]) = (data[j], data[i]);
            }
        }
        for (var length = 2; length <= n; length <<= 1)
        {
            var angle = -2 * Math.PI / length;
            var step = new Complex(Math.Cos(angle), Math.Sin(angle));
            for (var i = 0; i < n; i += length)
            {
                var w = Complex.One;
                for (var k = 0; k < length / 2; k++)
                {
                    var even = data[i + k];
                    var odd = data[i + k + length / 2] * w;
                    data[i + k] = even + odd;
                    data[i + k + length / 2] = even - odd;
                    w *= step;
                }
            }
        }
    }
}
