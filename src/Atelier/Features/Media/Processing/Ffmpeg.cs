using System.Globalization;
using System.Text.Json;
using Atelier.Platform.Processes;

namespace Atelier.Features.Media.Processing;

/// <summary>One stream of an ffprobe report.</summary>
internal sealed record ProbeStream(
    int Index,
    string CodecType,
    string? CodecName,
    int? Width,
    int? Height,
    int? SampleRate,
    int? Channels,
    long? BitRate,
    double? FrameRate,
    bool AttachedPicture,
    int Rotation,
    double? Duration,
    IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>Width and height as the video is shown: a 90° display rotation swaps them (ffmpeg applies it when decoding).</summary>
    public (int? Width, int? Height) Displayed => Math.Abs(Rotation) % 180 == 90 ? (Height, Width) : (Width, Height);
}

/// <summary>What ffprobe says about a file; tag keys are case-insensitive (ID3 says TITLE, Vorbis comments title).</summary>
internal sealed record Probe(string FormatName, double? Duration, long? BitRate, IReadOnlyList<ProbeStream> Streams, IReadOnlyDictionary<string, string> Tags)
{
    public double? DurationOf(ProbeStream? stream) => Duration ?? stream?.Duration;
}

/// <summary>ffmpeg and ffprobe invocations shared by the audio and video processors.</summary>
internal static class Ffmpeg
{
    /// <summary>
    /// The demuxers an upload may be read with. ffmpeg otherwise guesses the format from the content, and a text file
    /// in the shape of an HLS playlist or a concat list would make it read other files of the server.
    /// </summary>
    private const string Formats = "mov,mp4,m4a,matroska,webm,mp3,flac,ogg,wav,aac";

    /// <summary>The arguments that open the original: demuxer and protocol allow-lists, and an explicit <c>file:</c> URL.</summary>
    public static string[] Input(ProcessingInput input) =>
        ["-format_whitelist", Formats, "-protocol_whitelist", "file", "-i", "file:" + Path.GetFullPath(input.FilePath)];

    /// <summary>Arguments every ffmpeg run starts with: no prompts, no banner, only errors on standard error.</summary>
    public static readonly string[] Quiet = ["-nostdin", "-hide_banner", "-v", "error", "-y"];

    public static async Task<(Probe? Probe, ExternalToolResult Run)> ProbeAsync(MediaTools tools, ProcessingInput input, CancellationToken ct)
    {
        var run = await tools.RunAsync(
            MediaTool.Ffprobe,
            ["-hide_banner", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", .. Input(input)],
            input.WorkDir,
            ct);
        if (!run.Succeeded)
        {
            return (null, run);
        }

        try
        {
            return (Parse(run.StandardOutput), run);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return (null, run with { ExitCode = 1, StandardError = "ffprobe's report could not be read" });
        }
    }

    /// <summary>Width and height of the first video stream of a file we wrote ourselves.</summary>
    public static async Task<(int? Width, int? Height)> DimensionsAsync(MediaTools tools, string path, string workDir, CancellationToken ct)
    {
        var run = await tools.RunAsync(
            MediaTool.Ffprobe,
            ["-hide_banner", "-v", "error", "-print_format", "json", "-show_streams", "-select_streams", "v:0", "file:" + Path.GetFullPath(path)],
            workDir,
            ct);
        if (!run.Succeeded)
        {
            return (null, null);
        }

        try
        {
            return Parse(run.StandardOutput).Streams.FirstOrDefault() is { } s ? s.Displayed : (null, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return (null, null);
        }
    }

    internal static Probe Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var streams = new List<ProbeStream>();
        if (root.TryGetProperty("streams", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in list.EnumerateArray())
            {
                var rotation = 0;
                if (s.TryGetProperty("side_data_list", out var sideData) && sideData.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in sideData.EnumerateArray())
                    {
                        rotation = (int?)Number(item, "rotation") ?? rotation;
                    }
                }

                var tags = Tags(s);
                if (rotation == 0 && tags.TryGetValue("rotate", out var rotate) && int.TryParse(rotate, CultureInfo.InvariantCulture, out var r))
                {
                    rotation = r;
                }

                streams.Add(new ProbeStream(
                    (int?)Number(s, "index") ?? streams.Count,
                    Text(s, "codec_type") ?? "unknown",
                    Text(s, "codec_name"),
                    (int?)Number(s, "width"),
                    (int?)Number(s, "height"),
                    (int?)Number(s, "sample_rate"),
                    (int?)Number(s, "channels"),
                    (long?)Number(s, "bit_rate"),
                    Rate(Text(s, "avg_frame_rate")) ?? Rate(Text(s, "r_frame_rate")),
                    s.TryGetProperty("disposition", out var disposition) && Number(disposition, "attached_pic") == 1,
                    rotation,
                    Number(s, "duration"),
                    tags));
            }
        }

        var format = root.TryGetProperty("format", out var f) ? f : default;
        return format.ValueKind == JsonValueKind.Object
            ? new Probe(Text(format, "format_name") ?? "", Number(format, "duration"), (long?)Number(format, "bit_rate"), streams, Tags(format))
            : new Probe("", null, null, streams, new Dictionary<string, string>());
    }

    private static Dictionary<string, string> Tags(JsonElement element)
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (element.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in t.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(p.Value.GetString()))
                {
                    tags.TryAdd(p.Name, p.Value.GetString()!.Trim());
                }
            }
        }

        return tags;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>ffprobe writes some numbers as JSON numbers and others (durations, bit rates) as strings; "N/A" is none.</summary>
    private static double? Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var v))
        {
            return null;
        }

        double value;
        if (v.ValueKind == JsonValueKind.Number)
        {
            value = v.GetDouble();
        }
        else if (v.ValueKind != JsonValueKind.String || !double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return null;
        }

        return double.IsFinite(value) ? value : null;
    }

    private static double? Rate(string? fraction)
    {
        var parts = fraction?.Split('/');
        return parts is { Length: 2 }
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && n > 0 && d > 0
            ? n / d
            : null;
    }
}
