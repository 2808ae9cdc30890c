using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Atelier.Platform.Processes;
using static Atelier.Features.Media.Processing.ProcessingHelpers;

namespace Atelier.Features.Media.Processing;

/// <summary>
/// MP3, FLAC, Ogg/Opus, WAV, M4A/AAC: ffprobe's tags and stream facts, the embedded cover art, waveform peaks for the
/// player, and an AAC streaming copy of lossless or very high bit-rate originals.
/// </summary>
internal sealed class AudioProcessor(MediaTools tools) : IMediaProcessor
{
    /// <summary>Above this the original is too heavy to stream to a phone; a copy is made.</summary>
    internal const long MaxStreamedBitRate = 320_000;

    internal const int WaveformPeaks = 1000;

    /// <summary>The waveform is computed from this mono rate: plenty for 1000 peaks, cheap to decode.</summary>
    internal const int WaveformSampleRate = 8000;

    private static readonly HashSet<string> LosslessCodecs = new(StringComparer.OrdinalIgnoreCase)
    {
        "flac", "alac", "wavpack", "ape", "tta", "mlp", "truehd", "shorten", "tak",
    };

    public MediaKind Kind => MediaKind.Audio;

    public async Task<ProcessingResult> ProcessAsync(ProcessingInput input, CancellationToken ct)
    {
        var metadata = new JsonObject();
        if (!tools.IsAvailable(MediaTool.Ffprobe))
        {
            return new ProcessingResult(metadata, [], [MediaTools.NotInstalled("duration, tags, cover, waveform and streaming copy", MediaTool.Ffprobe)]);
        }

        var (probe, run) = await Ffmpeg.ProbeAsync(tools, input, ct);
        if (probe is null)
        {
            return run.TimedOut
                ? ProcessingResult.Failed(TookTooLong("audio file", tools.Timeout))
                : ProcessingResult.Failed($"The audio file cannot be read: it is damaged or not in a supported format ({Detail(run, input)}).");
        }

        var audio = probe.Streams.FirstOrDefault(s => s.CodecType == "audio");
        if (audio is null)
        {
            return ProcessingResult.Failed("The file has no audio in it.");
        }

        Describe(probe, audio, metadata);
        if (!tools.IsAvailable(MediaTool.Ffmpeg))
        {
            return new ProcessingResult(metadata, [], [MediaTools.NotInstalled("cover, waveform and streaming copy", MediaTool.Ffmpeg)]);
        }

        var files = new List<ProducedFile>();
        var cover = probe.Streams.FirstOrDefault(s => s.AttachedPicture);
        if (cover is not null && await ExtractCoverAsync(input, cover, ct) is { } coverFile)
        {
            files.Add(coverFile);
        }

        var (waveform, failure) = await WaveformAsync(input, probe.DurationOf(audio), ct);
        if (waveform is null)
        {
            return ProcessingResult.Failed(failure!);
        }

        files.Add(waveform);
        if (NeedsStreamingCopy(probe, audio))
        {
            var stream = await StreamingCopyAsync(input, audio, ct);
            if (stream.Failure is not null)
            {
                return ProcessingResult.Failed(stream.Failure);
            }

            files.Add(stream.File!);
        }

        return new ProcessingResult(metadata, files, []);
    }

    private static void Describe(Probe probe, ProbeStream audio, JsonObject metadata)
    {
        if (probe.DurationOf(audio) is { } duration)
        {
            metadata["durationSeconds"] = Round(duration);
        }

        if ((audio.BitRate ?? probe.BitRate) is { } bitRate)
        {
            metadata["bitrate"] = bitRate;
        }

        metadata["codec"] = audio.CodecName;
        if (audio.SampleRate is { } sampleRate)
        {
            metadata["sampleRate"] = sampleRate;
        }

        if (audio.Channels is { } channels)
        {
            metadata["channels"] = channels;
        }

        // Containers keep tags in different places: MP3 and FLAC on the file, Ogg on the stream.
        var tags = new Dictionary<string, string>(probe.Tags, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in audio.Tags)
        {
            tags.TryAdd(key, value);
        }

        AddText(metadata, "title", tags, "title");
        AddText(metadata, "artist", tags, "artist", "album_artist", "albumartist", "performer");
        AddText(metadata, "album", tags, "album");
        AddText(metadata, "genre", tags, "genre");
        if (FirstNumber(tags, "track", "tracknumber") is { } track)
        {
            metadata["trackNumber"] = track;
        }

        if (FirstNumber(tags, "date", "year", "originaldate", "tdor", "tdrc") is { } year && year is >= 1000 and <= 9999)
        {
            metadata["year"] = year;
        }
    }

    private static void AddText(JsonObject metadata, string key, Dictionary<string, string> tags, params string[] names)
    {
        foreach (var name in names)
        {
            if (tags.TryGetValue(name, out var value) && value.Length > 0)
            {
                metadata[key] = value.Length > 500 ? value[..500] : value;
                return;
            }
        }
    }

    /// <summary>The leading number of a tag: "3/12" is track 3, "2024-05-06" is the year 2024.</summary>
    internal static int? FirstNumber(IReadOnlyDictionary<string, string> tags, params string[] names)
    {
        foreach (var name in names)
        {
            if (!tags.TryGetValue(name, out var value))
            {
                continue;
            }

            var digits = value.TrimStart().TakeWhile(char.IsAsciiDigit).Take(9).ToArray();
            if (digits.Length > 0 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }
        }

        return null;
    }

    internal static bool NeedsStreamingCopy(Probe probe, ProbeStream audio) =>
        audio.CodecName is { } codec && (LosslessCodecs.Contains(codec) || codec.StartsWith("pcm_", StringComparison.OrdinalIgnoreCase))
        || (audio.BitRate ?? probe.BitRate) > MaxStreamedBitRate;

    /// <summary>The attached picture re-encoded as a JPEG (no metadata, at most 1200 px wide); none when it cannot be decoded.</summary>
    private async Task<ProducedFile?> ExtractCoverAsync(ProcessingInput input, ProbeStream cover, CancellationToken ct)
    {
        const string name = "cover.jpg";
        var run = await tools.RunAsync(
            MediaTool.Ffmpeg,
            [.. Ffmpeg.Quiet, .. Ffmpeg.Input(input), "-map", $"0:{cover.Index}", "-frames:v", "1", "-an", "-map_metadata", "-1",
                "-vf", "scale='min(1200,iw)':-2", "-c:v", "mjpeg", "-q:v", "3", "-f", "image2", name],
            input.WorkDir,
            ct);
        var path = Path.Combine(input.WorkDir, name);

        // A cover that does not decode is not worth failing the track for: the player shows a placeholder.
        if (!run.Succeeded || !File.Exists(path) || ImageHeader.Read(path) is not { } header)
        {
            TryDelete(path);
            return null;
        }

        return new ProducedFile(name, path, "image/jpeg", "cover", header.Width, header.Height);
    }

    /// <summary>
    /// Peaks of the absolute amplitude in up to <see cref="WaveformPeaks"/> buckets, from a mono decode streamed
    /// through a fixed amount of memory: whatever the length of the track, no more than a few thousand fine buckets
    /// are kept, pairs of them merged whenever the list fills up.
    /// </summary>
    private async Task<(ProducedFile? File, string? Failure)> WaveformAsync(ProcessingInput input, double? duration, CancellationToken ct)
    {
        var peaks = new PeakCollector();
        var run = await tools.RunAsync(
            MediaTool.Ffmpeg,
            [.. Ffmpeg.Quiet, .. Ffmpeg.Input(input), "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1",
                "-ar", WaveformSampleRate.ToString(CultureInfo.InvariantCulture), "-c:a", "pcm_s16le", "-f", "s16le", "pipe:1"],
            input.WorkDir,
            ct,
            peaks.ReadAsync);
        if (!run.Succeeded)
        {
            return (null, run.TimedOut
                ? TookTooLong("audio file", tools.Timeout)
                : $"The audio cannot be decoded: the file is damaged ({Detail(run, input)}).");
        }

        const string name = "waveform.json";
        var path = Path.Combine(input.WorkDir, name);
        await using (var file = File.Create(path))
        {
            await WriteWaveformAsync(file, duration ?? (double)peaks.Samples / WaveformSampleRate, peaks.Peaks(WaveformPeaks), ct);
        }

        return (new ProducedFile(name, path, "application/json", "waveform"), null);
    }

    /// <summary>The front end reads exactly this shape: <c>{"durationSeconds": 12.34, "peaks": [0.0 .. 1.0, …]}</c>.</summary>
    internal static async Task WriteWaveformAsync(Stream output, double durationSeconds, IReadOnlyList<double> peaks, CancellationToken ct)
    {
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteNumber("durationSeconds", Round(durationSeconds));
        json.WriteStartArray("peaks");
        foreach (var peak in peaks)
        {
            json.WriteNumberValue(Round(peak));
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }

    private async Task<(ProducedFile? File, string? Failure)> StreamingCopyAsync(ProcessingInput input, ProbeStream audio, CancellationToken ct)
    {
        const string name = "stream.m4a";
        var run = await tools.RunAsync(
            MediaTool.Ffmpeg,
            [.. Ffmpeg.Quiet, .. Ffmpeg.Input(input), "-map", "0:a:0", "-vn", "-sn", "-dn",
                .. audio.Channels > 2 ? new[] { "-ac", "2" } : [],
                "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", "-f", "mp4", name],
            input.WorkDir,
            ct);
        if (!run.Succeeded)
        {
            return (null, run.TimedOut
                ? TookTooLong("audio file", tools.Timeout)
                : $"The audio cannot be converted for streaming: the file is damaged ({Detail(run, input)}).");
        }

        return (new ProducedFile(name, Path.Combine(input.WorkDir, name), "audio/mp4", "stream"), null);
    }

    /// <summary>Folds a stream of signed 16-bit little-endian samples into peak buckets in bounded memory.</summary>
    internal sealed class PeakCollector
    {
        private const int MaxFine = 8192;
        private readonly List<int> _fine = new(MaxFine);
        private long _bucketSize = 1;
        private int _current;
        private long _inCurrent;

        public long Samples { get; private set; }

        public async Task ReadAsync(Stream pcm, CancellationToken ct)
        {
            var buffer = new byte[64 * 1024];
            var carry = 0;
            int read;
            while ((read = await pcm.ReadAsync(buffer.AsMemory(carry), ct)) > 0)
            {
                var available = carry + read;
                var whole = available & ~1;
                Add(buffer.AsSpan(0, whole));
                carry = available - whole;
                if (carry == 1)
                {
                    buffer[0] = buffer[whole];
                }
            }
        }

        public void Add(ReadOnlySpan<byte> pcm)
        {
            for (var i = 0; i + 1 < pcm.Length; i += 2)
            {
                var sample = Math.Abs((int)BinaryPrimitives.ReadInt16LittleEndian(pcm[i..]));
                if (sample > _current)
                {
                    _current = sample;
                }

                Samples++;
                if (++_inCurrent == _bucketSize)
                {
                    Push();
                }
            }
        }

        private void Push()
        {
            _fine.Add(_current);
            _current = 0;
            _inCurrent = 0;
            if (_fine.Count < MaxFine)
            {
                return;
            }

            for (var i = 0; i < MaxFine / 2; i++)
            {
                _fine[i] = Math.Max(_fine[2 * i], _fine[2 * i + 1]);
            }

            _fine.RemoveRange(MaxFine / 2, MaxFine / 2);
            _bucketSize *= 2;
        }

        /// <summary>min(<paramref name="count"/>, samples) peaks in 0..1, each the loudest fine bucket of its span.</summary>
        public IReadOnlyList<double> Peaks(int count)
        {
            var fine = new List<int>(_fine);
            if (_inCurrent > 0)
            {
                fine.Add(_current);
            }

            var n = (int)Math.Min(count, Samples);
            var peaks = new double[n];
            if (n == 0)
            {
                return peaks;
            }

            // While fewer samples than MaxFine arrived, each fine bucket is one sample, so n <= fine.Count always.
            for (var j = 0; j < n; j++)
            {
                var from = (int)((long)j * fine.Count / n);
                var to = Math.Max(from + 1, (int)((long)(j + 1) * fine.Count / n));
                var peak = 0;
                for (var i = from; i < to; i++)
                {
                    peak = Math.Max(peak, fine[i]);
                }

                peaks[j] = Math.Min(1.0, peak / 32768.0);
            }

            return peaks;
        }
    }
}
