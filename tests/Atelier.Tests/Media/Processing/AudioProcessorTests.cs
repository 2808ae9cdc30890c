using System.Buffers.Binary;
using System.Text.Json;
using Atelier.Features.Media.Processing;
using Microsoft.Extensions.Options;

namespace Atelier.Tests.Media.Processing;

public sealed class AudioProcessorTests
{
    private static readonly AudioProcessor Processor = new(new MediaTools(Options.Create(new MediaToolOptions())));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mp3_HasItsTagsCoverAndWaveform_ButNoStreamingCopy()
    {
        var input = MediaFixtures.Input(await MediaFixtures.Mp3WithTagsAndCoverAsync(), "audio/mpeg");

        var result = await Processor.ProcessAsync(input, Ct);

        result.Failure.ShouldBeNull();
        result.Skipped.ShouldBeEmpty();
        var m = result.Metadata;
        ((string)m["title"]!).ShouldBe("Test Tone");
        ((string)m["artist"]!).ShouldBe("Atelier Band");
        ((string)m["album"]!).ShouldBe("Fixtures");
        ((string)m["genre"]!).ShouldBe("Ambient");
        ((int)m["trackNumber"]!).ShouldBe(3);
        ((int)m["year"]!).ShouldBe(2024);
        ((string)m["codec"]!).ShouldBe("mp3");
        ((double)m["durationSeconds"]!).ShouldBe(3, tolerance: 0.1);
        ((long)m["bitrate"]!).ShouldBeInRange(120_000, 136_000);
        ((int)m["sampleRate"]!).ShouldBe(44100);
        ((int)m["channels"]!).ShouldBe(1);

        result.Files.Select(f => f.Name).ShouldBe(["cover.jpg", "waveform.json"], ignoreOrder: true);
        var cover = result.Files.Single(f => f.Role == "cover");
        (cover.ContentType, cover.Width, cover.Height).ShouldBe(("image/jpeg", 300, 300));
        ImageHeader.Read(cover.Path)!.Format.ShouldBe(ImageFormat.Jpeg);
        await ShouldBeAWaveformAsync(result.Files.Single(f => f.Role == "waveform"), 3);
    }

    [Fact]
    public async Task Flac_GetsAStreamingCopy()
    {
        var input = MediaFixtures.Input(await MediaFixtures.FlacWithTagsAndCoverAsync(), "audio/flac");

        var result = await Processor.ProcessAsync(input, Ct);

        result.Failure.ShouldBeNull();
        ((string)result.Metadata["codec"]!).ShouldBe("flac");
        ((string)result.Metadata["title"]!).ShouldBe("Test Tone"); // read from TITLE
        ((string)result.Metadata["album"]!).ShouldBe("Fixtures");
        ((int)result.Metadata["trackNumber"]!).ShouldBe(3);
        ((int)result.Metadata["year"]!).ShouldBe(2024);
        result.Files.Select(f => f.Role).ShouldBe(["cover", "waveform", "stream"], ignoreOrder: true);
        var stream = result.Files.Single(f => f.Role == "stream");
        (stream.Name, stream.ContentType).ShouldBe(("stream.m4a", "audio/mp4"));

        var probe = await MediaFixtures.RunAsync("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", stream.Path);
        using var report = JsonDocument.Parse(probe.StandardOutput);
        var audio = report.RootElement.GetProperty("streams").EnumerateArray().Single();
        audio.GetProperty("codec_name").GetString().ShouldBe("aac");
        double.Parse(report.RootElement.GetProperty("format").GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBe(3, tolerance: 0.1);
        await ShouldBeAWaveformAsync(result.Files.Single(f => f.Role == "waveform"), 3);
    }

    [Fact]
    public async Task WithoutFfmpegAndFfprobe_StepsAreSkipped_NotFailed()
    {
        var processor = new AudioProcessor(new MediaTools(Options.Create(new MediaToolOptions { Ffmpeg = "/nonexistent/ffmpeg", Ffprobe = "/nonexistent/ffprobe" })));

        var result = await processor.ProcessAsync(MediaFixtures.Input(await MediaFixtures.Mp3WithTagsAndCoverAsync(), "audio/mpeg"), Ct);

        result.Failure.ShouldBeNull();
        result.Files.ShouldBeEmpty();
        result.Skipped.ShouldBe(["duration, tags, cover, waveform and streaming copy: ffprobe is not installed"]);
    }

    [Fact]
    public async Task WithoutFfmpeg_TagsAreStillRead()
    {
        var processor = new AudioProcessor(new MediaTools(Options.Create(new MediaToolOptions { Ffmpeg = "/nonexistent/ffmpeg" })));

        var result = await processor.ProcessAsync(MediaFixtures.Input(await MediaFixtures.FlacWithTagsAndCoverAsync(), "audio/flac"), Ct);

        result.Failure.ShouldBeNull();
        result.Files.ShouldBeEmpty();
        result.Skipped.ShouldBe(["cover, waveform and streaming copy: ffmpeg is not installed"]);
        ((string)result.Metadata["artist"]!).ShouldBe("Atelier Band");
    }

    [Fact]
    public async Task UnreadableFile_Fails()
    {
        var input = MediaFixtures.Input(await MediaFixtures.PdfAsync(), "audio/mpeg");

        var result = await Processor.ProcessAsync(input, Ct);

        result.Failure.ShouldNotBeNull();
        result.Failure.ShouldStartWith("The audio file cannot be read");
        result.Failure.ShouldNotContain(Path.GetDirectoryName(input.FilePath)!);
    }

    [Fact]
    public async Task PlaylistPretendingToBeAudio_DoesNotMakeFfmpegReadOtherFiles()
    {
        var path = Path.Combine(Path.GetTempPath(), $"atelier-{Guid.NewGuid():n}.mp3");
        await File.WriteAllTextAsync(path, "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n", Ct);
        try
        {
            var result = await Processor.ProcessAsync(MediaFixtures.Input(path, "audio/mpeg"), Ct);

            result.Failure.ShouldNotBeNull();
            result.Failure.ShouldNotContain("root");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Peaks_AreOnePerSample_ForShortSounds()
    {
        var collector = new AudioProcessor.PeakCollector();
        collector.Add(Pcm(0, 16384, -32768, 100));

        collector.Peaks(1000).ShouldBe([0, 0.5, 1, 100 / 32768.0]);
    }

    [Fact]
    public void Peaks_OfALongSound_AreExactlyOneThousand_AndFindTheLoudMoment()
    {
        // 100 s at 8 kHz: silence with one loud click at 75 %.
        var samples = new short[800_000];
        samples[600_000] = -30000;
        var collector = new AudioProcessor.PeakCollector();
        collector.Add(Pcm(samples));

        var peaks = collector.Peaks(1000);

        peaks.Count.ShouldBe(1000);
        peaks.Count(p => p > 0).ShouldBe(1);
        peaks.ToList().FindIndex(p => p > 0).ShouldBeInRange(749, 751);
        peaks.Max().ShouldBe(30000 / 32768.0, tolerance: 0.0001);
    }

    [Fact]
    public async Task Waveform_HasTheShapeTheFrontEndReads()
    {
        using var output = new MemoryStream();

        await AudioProcessor.WriteWaveformAsync(output, 12.3456, [0, 0.12345, 1], Ct);

        System.Text.Encoding.UTF8.GetString(output.ToArray()).ShouldBe("{\"durationSeconds\":12.346,\"peaks\":[0,0.123,1]}");
    }

    [Theory]
    [InlineData("3/12", 3)]
    [InlineData("07", 7)]
    [InlineData(" 2024-05-06", 2024)]
    [InlineData("side A", null)]
    public void TagNumbers_TakeTheLeadingNumber(string value, int? expected) =>
        AudioProcessor.FirstNumber(new Dictionary<string, string> { ["track"] = value }, "track").ShouldBe(expected);

    private static async Task ShouldBeAWaveformAsync(ProducedFile file, double duration)
    {
        (file.Name, file.ContentType).ShouldBe(("waveform.json", "application/json"));
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(file.Path));
        json.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(["durationSeconds", "peaks"]);
        json.RootElement.GetProperty("durationSeconds").GetDouble().ShouldBe(duration, tolerance: 0.1);
        var peaks = json.RootElement.GetProperty("peaks").EnumerateArray().Select(p => p.GetDouble()).ToList();
        peaks.Count.ShouldBe(1000);
        peaks.ShouldAllBe(p => p >= 0 && p <= 1 && Math.Round(p, 3) == p);

        // The fixture fades in over 2 s, then plays at about 0.6: quiet at the start, loud at the end.
        peaks.Max().ShouldBeGreaterThan(0.4);
        peaks.Take(50).Average().ShouldBeLessThan(0.1);
        peaks.TakeLast(100).Average().ShouldBeGreaterThan(0.4);
    }

    private static byte[] Pcm(params short[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), samples[i]);
        }

        return bytes;
    }
}
