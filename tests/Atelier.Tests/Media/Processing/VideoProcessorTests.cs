using System.Globalization;
using System.Text.Json;
using Atelier.Features.Media.Processing;
using Microsoft.Extensions.Options;

namespace Atelier.Tests.Media.Processing;

public sealed class VideoProcessorTests
{
    private static readonly VideoProcessor Processor = new(new MediaTools(Options.Create(new MediaToolOptions())));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mp4_HasItsFacts_APoster_AndAMutedShortPreview()
    {
        var input = MediaFixtures.Input(await MediaFixtures.Mp4Async(), "video/mp4");

        var result = await Processor.ProcessAsync(input, Ct);

        result.Failure.ShouldBeNull();
        result.Skipped.ShouldBeEmpty();
        var m = result.Metadata;
        ((double)m["durationSeconds"]!).ShouldBe(5, tolerance: 0.1);
        ((int)m["width"]!).ShouldBe(640);
        ((int)m["height"]!).ShouldBe(360);
        ((string)m["codec"]!).ShouldBe("h264");
        ((double)m["fps"]!).ShouldBe(25);
        ((bool)m["hasAudio"]!).ShouldBeTrue();

        var poster = result.Files.Single(f => f.Role == "poster");
        (poster.Name, poster.ContentType, poster.Width, poster.Height).ShouldBe(("poster.jpg", "image/jpeg", 640, 360));
        ImageHeader.Read(poster.Path)!.Format.ShouldBe(ImageFormat.Jpeg);

        var preview = result.Files.Single(f => f.Role == "preview");
        (preview.Name, preview.ContentType, preview.Width, preview.Height).ShouldBe(("preview.mp4", "video/mp4", 320, 180));
        var probe = await MediaFixtures.RunAsync("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", preview.Path);
        using var report = JsonDocument.Parse(probe.StandardOutput);
        var streams = report.RootElement.GetProperty("streams").EnumerateArray().ToList();
        streams.ShouldHaveSingleItem().GetProperty("codec_name").GetString().ShouldBe("h264"); // no audio stream
        double.Parse(report.RootElement.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture)
            .ShouldBeLessThanOrEqualTo(4.1);
    }

    [Fact]
    public async Task WithoutFfmpeg_FactsAreStillRead_AndPosterIsSkipped()
    {
        var processor = new VideoProcessor(new MediaTools(Options.Create(new MediaToolOptions { Ffmpeg = "/nonexistent/ffmpeg" })));

        var result = await processor.ProcessAsync(MediaFixtures.Input(await MediaFixtures.Mp4Async(), "video/mp4"), Ct);

        result.Failure.ShouldBeNull();
        result.Files.ShouldBeEmpty();
        result.Skipped.ShouldBe(["poster and preview: ffmpeg is not installed"]);
        ((int)result.Metadata["width"]!).ShouldBe(640);
    }

    [Fact]
    public async Task AudioOnlyFile_IsNotAVideo()
    {
        var result = await Processor.ProcessAsync(MediaFixtures.Input(await MediaFixtures.FlacWithTagsAndCoverAsync(), "video/mp4"), Ct);

        // Its cover art is a picture stream, but not a video.
        result.Failure.ShouldBe("The file has no video in it.");
    }

    [Fact]
    public async Task DamagedVideo_Fails()
    {
        var bytes = await File.ReadAllBytesAsync(await MediaFixtures.Mp4Async(), Ct);
        var path = Path.Combine(Path.GetTempPath(), $"atelier-{Guid.NewGuid():n}.mp4");
        await File.WriteAllBytesAsync(path, bytes[..4096], Ct);
        try
        {
            var result = await Processor.ProcessAsync(MediaFixtures.Input(path, "video/mp4"), Ct);

            result.Failure.ShouldNotBeNull();
            result.Files.ShouldBeEmpty();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
