using System.Globalization;
using System.Text.Json.Nodes;
using static Atelier.Features.Media.Processing.ProcessingHelpers;

namespace Atelier.Features.Media.Processing;

/// <summary>
/// MP4/M4V/MOV and WebM/MKV: ffprobe's facts, a poster frame and a short muted H.264 preview for hover and lists.
/// The original is what plays; nothing here transcodes the whole video.
/// </summary>
internal sealed class VideoProcessor(MediaTools tools) : IMediaProcessor
{
    internal const double PreviewSeconds = 4;
    internal const int PreviewWidth = 320;
    internal const int MaxPosterWidth = 1920;

    public MediaKind Kind => MediaKind.Video;

    public async Task<ProcessingResult> ProcessAsync(ProcessingInput input, CancellationToken ct)
    {
        var metadata = new JsonObject();
        if (!tools.IsAvailable(MediaTool.Ffprobe))
        {
            return new ProcessingResult(metadata, [], [MediaTools.NotInstalled("duration, size, poster and preview", MediaTool.Ffprobe)]);
        }

        var (probe, run) = await Ffmpeg.ProbeAsync(tools, input, ct);
        if (probe is null)
        {
            return run.TimedOut
                ? ProcessingResult.Failed(TookTooLong("video", tools.Timeout))
                : ProcessingResult.Failed($"The video cannot be read: it is damaged or not in a supported format ({Detail(run, input)}).");
        }

        var video = probe.Streams.FirstOrDefault(s => s.CodecType == "video" && !s.AttachedPicture);
        if (video is null)
        {
            return ProcessingResult.Failed("The file has no video in it.");
        }

        var duration = probe.DurationOf(video);
        if (duration is { } d)
        {
            metadata["durationSeconds"] = Round(d);
        }

        var (width, height) = video.Displayed;
        metadata["width"] = width;
        metadata["height"] = height;
        metadata["codec"] = video.CodecName;
        if (video.FrameRate is { } fps)
        {
            metadata["fps"] = Round(fps, 2);
        }

        if (probe.BitRate is { } bitRate)
        {
            metadata["bitrate"] = bitRate;
        }

        metadata["hasAudio"] = probe.Streams.Any(s => s.CodecType == "audio");
        if (!tools.IsAvailable(MediaTool.Ffmpeg))
        {
            return new ProcessingResult(metadata, [], [MediaTools.NotInstalled("poster and preview", MediaTool.Ffmpeg)]);
        }

        // A tenth in, past the fade-in and titles most videos start with; 1 s when the length is unknown.
        var at = duration is > 0 ? duration.Value * 0.1 : 1;
        var poster = await PosterAsync(input, at, ct);
        if (poster.File is null && poster.Failure is null && at > 0)
        {
            // Seeking past the end (an unknown or wrong duration) gives no frame: take the first one.
            poster = await PosterAsync(input, 0, ct);
        }

        if (poster.File is null)
        {
            return ProcessingResult.Failed(poster.Failure ?? "The video has no picture that can be decoded.");
        }

        var previewFrom = duration is { } length && length - at >= PreviewSeconds ? at : 0;
        var preview = await PreviewAsync(input, previewFrom, ct);
        if (preview.File is null)
        {
            return ProcessingResult.Failed(preview.Failure!);
        }

        return new ProcessingResult(metadata, [poster.File, preview.File], []);
    }

    private async Task<(ProducedFile? File, string? Failure)> PosterAsync(ProcessingInput input, double at, CancellationToken ct)
    {
        const string name = "poster.jpg";
        var path = Path.Combine(input.WorkDir, name);
        TryDelete(path);
        var run = await tools.RunAsync(
            MediaTool.Ffmpeg,
            [.. Ffmpeg.Quiet, "-ss", Seconds(at), .. Ffmpeg.Input(input), "-map", "0:v:0", "-frames:v", "1", "-an", "-sn", "-dn",
                "-map_metadata", "-1", "-vf", $"scale='min({MaxPosterWidth},iw)':-2", "-c:v", "mjpeg", "-q:v", "3", "-f", "image2", name],
            input.WorkDir,
            ct);
        if (!run.Succeeded)
        {
            return (null, run.TimedOut ? TookTooLong("video", tools.Timeout) : $"The video cannot be decoded: the file is damaged ({Detail(run, input)}).");
        }

        // ffmpeg succeeds without writing anything when the seek lands past the last frame.
        return File.Exists(path) && ImageHeader.Read(path) is { } header
            ? (new ProducedFile(name, path, "image/jpeg", "poster", header.Width, header.Height), null)
            : (null, null);
    }

    private async Task<(ProducedFile? File, string? Failure)> PreviewAsync(ProcessingInput input, double from, CancellationToken ct)
    {
        const string name = "preview.mp4";
        var run = await tools.RunAsync(
            MediaTool.Ffmpeg,
            [.. Ffmpeg.Quiet, "-ss", Seconds(from), .. Ffmpeg.Input(input), "-t", Seconds(PreviewSeconds), "-map", "0:v:0", "-an", "-sn", "-dn",
                "-map_metadata", "-1", "-vf", $"scale='trunc(min({PreviewWidth},iw)/2)*2':-2", "-c:v", "libx264", "-preset", "veryfast",
                "-crf", "28", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", name],
            input.WorkDir,
            ct);
        if (!run.Succeeded)
        {
            return (null, run.TimedOut ? TookTooLong("video", tools.Timeout) : $"The video preview cannot be made: the file is damaged ({Detail(run, input)}).");
        }

        var path = Path.Combine(input.WorkDir, name);
        var (width, height) = await Ffmpeg.DimensionsAsync(tools, path, input.WorkDir, ct);
        return (new ProducedFile(name, path, "video/mp4", "preview", width, height), null);
    }

    private static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
