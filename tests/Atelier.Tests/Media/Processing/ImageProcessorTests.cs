using System.Diagnostics;
using System.Text.Json;
using Atelier.Features.Media.Processing;
using Atelier.Platform.Processes;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using Microsoft.Extensions.Options;

namespace Atelier.Tests.Media.Processing;

public sealed class ImageProcessorTests
{
    private static readonly ImageProcessor Processor = new(new MediaTools(Options.Create(new MediaToolOptions())));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RotatedJpeg_VariantsAreUprightAndCarryNoLocation()
    {
        var input = MediaFixtures.Input(await MediaFixtures.JpegWithGpsAndRotationAsync(), "image/jpeg");

        var result = await Processor.ProcessAsync(input, Ct);

        result.Failure.ShouldBeNull();
        result.Skipped.ShouldBeEmpty();
        var m = result.Metadata;
        ((int)m["width"]!).ShouldBe(1200);
        ((int)m["height"]!).ShouldBe(1600);
        ((string)m["camera"]!).ShouldBe("Atelier Test Camera");
        ((string)m["lens"]!).ShouldBe("Test Lens");
        ((string)m["takenAt"]!).ShouldBe("2024-05-06T07:08:09");
        ((string)m["exposure"]!).ShouldBe("1/125");
        ((double)m["fNumber"]!).ShouldBe(2.8);
        ((int)m["iso"]!).ShouldBe(200);
        ((double)m["focalLength"]!).ShouldBe(35);
        ((int)m["orientation"]!).ShouldBe(6);
        ((bool)m["hasGps"]!).ShouldBeTrue();
        ((bool)m["animated"]!).ShouldBeFalse();
        ((string)m["dominantColor"]!).ShouldMatch("^#[0-9a-f]{6}$");

        // The coordinates are nowhere in what the API shows.
        var json = m.ToJsonString();
        json.ShouldNotContain("48.85");
        json.ShouldNotContain("2.29");
        json.ShouldNotContain("lat", Case.Insensitive);

        // Shown 1200 wide: 320 and 640 are made, 1280 and 2048 would be upscaled.
        result.Files.Select(f => f.Name).ShouldBe(["w320.webp", "w320.jpg", "w640.webp", "w640.jpg"], ignoreOrder: true);
        foreach (var file in result.Files)
        {
            file.Role.ShouldBe("image");
            File.Exists(file.Path).ShouldBeTrue();
            Path.GetDirectoryName(file.Path).ShouldBe(input.WorkDir);
            file.ContentType.ShouldBe(file.Name.EndsWith(".webp", StringComparison.Ordinal) ? "image/webp" : "image/jpeg");
            file.Width.ShouldBe(int.Parse(file.Name[1..file.Name.IndexOf('.', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture));
            Math.Abs(file.Height!.Value - file.Width!.Value * 4 / 3.0).ShouldBeLessThanOrEqualTo(1); // portrait: rotated upright
            await ShouldHaveNoGpsAsync(file.Path);
        }
    }

    [Fact]
    public async Task PngWithAlpha_FallbackKeepsTransparency()
    {
        var input = MediaFixtures.Input(await MediaFixtures.PngWithAlphaAsync(), "image/png");

        var result = await Processor.ProcessAsync(input, Ct);

        result.Failure.ShouldBeNull();
        ((int)result.Metadata["width"]!).ShouldBe(500);
        ((int)result.Metadata["height"]!).ShouldBe(300);
        ((bool)result.Metadata["hasGps"]!).ShouldBeFalse();
        result.Files.Select(f => (f.Name, f.ContentType, f.Width, f.Height))
            .ShouldBe([("w320.webp", "image/webp", 320, 192), ("w320.png", "image/png", 320, 192)], ignoreOrder: true);
        ImageHeader.Read(result.Files.Single(f => f.Name == "w320.webp").Path)!.HasAlpha.ShouldBeTrue();
        ImageHeader.Read(result.Files.Single(f => f.Name == "w320.png").Path)!.HasAlpha.ShouldBeTrue();
    }

    [Fact]
    public async Task AnimatedGif_IsMarkedAnimated_AndGetsStillVariantsAtItsOwnWidth()
    {
        var input = MediaFixtures.Input(await MediaFixtures.AnimatedGifAsync(), "image/gif");

        var result = await Processor.ProcessAsync(input, Ct);

        result.Failure.ShouldBeNull();
        ((bool)result.Metadata["animated"]!).ShouldBeTrue();
        ((int)result.Metadata["frames"]!).ShouldBe(5);
        ((int)result.Metadata["width"]!).ShouldBe(200);

        // Narrower than 320: one variant at its own width, never upscaled; the still is the first frame.
        result.Files.Select(f => f.Name).ShouldBe(["w200.webp", "w200.png"], ignoreOrder: true);
        result.Files.ShouldAllBe(f => f.Width == 200 && f.Height == 150);
        ImageHeader.Read(result.Files[0].Path)!.Frames.ShouldBe(1);
    }

    [Fact]
    public async Task AnimatedWebP_IsMarkedAnimated()
    {
        var result = await Processor.ProcessAsync(MediaFixtures.Input(await MediaFixtures.AnimatedWebpAsync(), "image/webp"), Ct);

        result.Failure.ShouldBeNull();
        ((bool)result.Metadata["animated"]!).ShouldBeTrue();
        ((int)result.Metadata["frames"]!).ShouldBe(5);
        result.Files.Select(f => (f.Name, f.Width, f.Height)).ShouldContain(("w160.webp", 160, 120));
        ImageHeader.Read(result.Files.Single(f => f.Name == "w160.webp").Path)!.Frames.ShouldBe(1);
    }

    [Fact]
    public async Task WebP_GetsSmallerVariantsOnly()
    {
        var input = MediaFixtures.Input(await MediaFixtures.WebpAsync(), "image/webp");

        var result = await Processor.ProcessAsync(input, Ct);

        result.Failure.ShouldBeNull();
        ((string)result.Metadata["format"]!).ShouldBe("webp");
        ((int)result.Metadata["width"]!).ShouldBe(800);
        result.Files.Select(f => f.Name).ShouldBe(["w320.webp", "w320.jpg", "w640.webp", "w640.jpg"], ignoreOrder: true);
        result.Files.ShouldAllBe(f => f.Width < 800);
        ((string)result.Metadata["dominantColor"]!).ShouldMatch("^#[0-9a-f]{6}$");
    }

    [Fact]
    public async Task TruncatedJpeg_Fails()
    {
        var input = MediaFixtures.Input(await MediaFixtures.TruncatedJpegAsync(), "image/jpeg");

        var result = await Processor.ProcessAsync(input, Ct);

        result.Failure.ShouldNotBeNull();
        result.Failure.ShouldStartWith("The image is damaged or truncated");
        result.Failure.ShouldNotContain(input.WorkDir);
        result.Files.ShouldBeEmpty();
    }

    [Fact]
    public async Task HugeDeclaredDimensions_FailBeforeDecoding()
    {
        var input = MediaFixtures.Input(await MediaFixtures.HugeDimensionsPngAsync(), "image/png");
        var stopwatch = Stopwatch.StartNew();

        var result = await Processor.ProcessAsync(input, Ct);

        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
        result.Failure.ShouldNotBeNull();
        result.Failure.ShouldContain("100,000 × 100,000");
        result.Failure.ShouldContain("zip-bomb");
        System.IO.Directory.EnumerateFileSystemEntries(input.WorkDir).ShouldBeEmpty();
    }

    [Fact]
    public async Task ExecutableNamedJpg_Fails()
    {
        var input = MediaFixtures.Input(await MediaFixtures.ExeRenamedJpgAsync(), "image/jpeg");

        var result = await Processor.ProcessAsync(input, Ct);

        result.Failure.ShouldNotBeNull();
        result.Failure.ShouldContain("header cannot be read");
    }

    [Fact]
    public async Task WithoutVips_MetadataIsStillRead_AndVariantsAreSkipped()
    {
        var processor = new ImageProcessor(new MediaTools(Options.Create(new MediaToolOptions { Vips = "/nonexistent/vips" })));
        var input = MediaFixtures.Input(await MediaFixtures.JpegWithGpsAndRotationAsync(), "image/jpeg");

        var result = await processor.ProcessAsync(input, Ct);

        result.Failure.ShouldBeNull();
        result.Files.ShouldBeEmpty();
        result.Skipped.ShouldBe(["variants and dominant colour: vips is not installed"]);
        ((string)result.Metadata["camera"]!).ShouldBe("Atelier Test Camera");
        ((int)result.Metadata["width"]!).ShouldBe(1200);
        result.Metadata.ContainsKey("dominantColor").ShouldBeFalse();
    }

    [Fact]
    public async Task PathWithBrackets_IsNotReadAsVipsOptions()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"atelier-brackets-{Guid.NewGuid():n}");
        System.IO.Directory.CreateDirectory(folder);
        try
        {
            var path = Path.Combine(folder, "photo[shrink=8].webp");
            File.Copy(await MediaFixtures.WebpAsync(), path);
            var input = MediaFixtures.Input(path, "image/webp");

            var result = await Processor.ProcessAsync(input, Ct);

            result.Failure.ShouldBeNull();
            result.Files.Single(f => f.Name == "w640.webp").Width.ShouldBe(640);
            result.Files.ShouldAllBe(f => !f.Name.StartsWith('.'));
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task SanitizedSvg_ReportsItsSize_WithoutVariants()
    {
        var path = Path.Combine(Path.GetTempPath(), $"atelier-{Guid.NewGuid():n}.svg");
        await File.WriteAllTextAsync(path, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10cm\" viewBox=\"0 0 200 100\"><rect width=\"5\" height=\"5\"/></svg>", Ct);
        try
        {
            var result = await Processor.ProcessAsync(MediaFixtures.Input(path, "image/svg+xml"), Ct);

            result.Failure.ShouldBeNull();
            result.Files.ShouldBeEmpty();
            ((string)result.Metadata["format"]!).ShouldBe("svg");
            ((int)result.Metadata["width"]!).ShouldBe(378); // 10 cm at 96 dpi
            ((int)result.Metadata["height"]!).ShouldBe(189); // the viewBox's proportions
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("120", "80", null, 120, 80)]
    [InlineData("120px", "80px", "0 0 10 10", 120, 80)]
    [InlineData(null, null, "0 0 300 150", 300, 150)]
    [InlineData("100%", "100%", "0,0,64,32", 64, 32)]
    [InlineData(null, "50", "0 0 200 100", 100, 50)]
    [InlineData("1in", "72pt", null, 96, 96)]
    public void SvgSize_ComesFromAttributesOrViewBox(string? width, string? height, string? viewBox, int expectedWidth, int expectedHeight) =>
        ImageProcessor.SvgSize(width, height, viewBox).ShouldBe((expectedWidth, expectedHeight));

    private static async Task ShouldHaveNoGpsAsync(string path)
    {
        ImageMetadataReader.ReadMetadata(path).OfType<GpsDirectory>().ShouldBeEmpty($"{Path.GetFileName(path)} has a GPS directory");
        var exif = await MediaFixtures.RunAsync("exiftool", "-json", "-a", "-G1", "-n", path);
        using var report = JsonDocument.Parse(exif.StandardOutput);
        var tags = report.RootElement[0].EnumerateObject().Select(p => p.Name).ToList();
        tags.ShouldNotContain(t => t.Contains("GPS", StringComparison.OrdinalIgnoreCase), $"{Path.GetFileName(path)}: {string.Join(", ", tags)}");
        tags.ShouldNotContain(t => t.Contains("Make", StringComparison.Ordinal) || t.Contains("Model", StringComparison.Ordinal));
    }
}
