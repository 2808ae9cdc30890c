using System.Buffers.Binary;

namespace Atelier.Tests.Platform;

/// <summary>The test helper that listens to the studio's renders must itself hear right, or those tests prove nothing.</summary>
public sealed class AudioAnalysisTests
{
    private const int Rate = 44100;

    [Theory]
    [InlineData(440.0)]
    [InlineData(261.63)]
    [InlineData(1234.5)]
    public void PeakFrequency_OfASine_IsItsFrequency(double frequency)
    {
        var audio = AudioAnalysis.FromSamples(Tone(frequency, 1.0, 0.5), Rate);
        audio.PeakFrequency().ShouldBe(frequency, 1.0);
    }

    [Fact]
    public void Rms_OfASine_IsAmplitudeOverRootTwo_AndSilenceIsZero()
    {
        AudioAnalysis.FromSamples(Tone(440, 1, 0.5), Rate).Rms().ShouldBe(0.5 / Math.Sqrt(2), 0.002);
        AudioAnalysis.FromSamples(new float[Rate], Rate).Rms().ShouldBe(0);
    }

    [Fact]
    public void NoteSequence_HearsAMelody_AndSkipsSilence()
    {
        var melody = Tone(261.63, 0.3, 0.4).Concat(new float[Rate / 10]).Concat(Tone(329.63, 0.3, 0.4)).Concat(Tone(392.0, 0.3, 0.4)).ToArray();
        AudioAnalysis.FromSamples(melody, Rate).NoteSequence().ShouldBe(["C4", "E4", "G4"]);
    }

    [Fact]
    public void FromWav_ReadsA16BitStereoFile_MixedToMono()
    {
        var tone = Tone(440, 0.5, 0.25);
        var wav = Wav(tone, channels: 2);
        var audio = AudioAnalysis.FromWav(wav);
        audio.SampleRate.ShouldBe(Rate);
        audio.Channels.ShouldBe(2);
        audio.Seconds.ShouldBe(0.5, 0.001);
        audio.PeakFrequency().ShouldBe(440, 1.0);
        audio.Rms().ShouldBe(0.25 / Math.Sqrt(2), 0.002);
        Should.Throw<InvalidDataException>(() => AudioAnalysis.FromWav("not a wav file at all, not at all, no no no"u8.ToArray()));
    }

    private static float[] Tone(double frequency, double seconds, double amplitude) =>
        Enumerable.Range(0, (int)(seconds * Rate)).Select(i => (float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / Rate))).ToArray();

    internal static byte[] Wav(float[] mono, int channels)
    {
        var data = mono.Length * channels * 2;
        var bytes = new byte[44 + data];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 36 + data);
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), Rate);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), Rate * channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(32), (short)(channels * 2));
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(34), 16);
        "data"u8.CopyTo(bytes.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), data);
        for (var i = 0; i < mono.Length; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + (i * channels + c) * 2), (short)Math.Round(mono[i] * 32767));
            }
        }
        return bytes;
    }
}
