using System.Text.Json;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;

namespace Atelier.Tests.Media;

/// <summary>
/// Real files through the front door: upload, the background job runs vips/ffmpeg/the glTF checks, and the item and its
/// files are what a creator expects to see and serve.
/// </summary>
public abstract class MediaProcessingTests(MediaApp app)
{
    private async Task<HttpClient> UserAsync()
    {
        var tokens = await app.RegisterConfirmedAsync(app.CreateClient(), $"maker-{Guid.NewGuid():N}@example.org");
        return app.CreateClient(tokens.AccessToken);
    }

    private async Task<(HttpClient Client, JsonElement Item)> UploadAndProcessAsync(string path, string? name = null, params (string Name, byte[] Bytes)[] companions)
    {
        var client = await UserAsync();
        var response = await MediaApp.UploadAsync(client, name ?? Path.GetFileName(path), await System.IO.File.ReadAllBytesAsync(path), null, companions);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (client, await MediaApp.WaitUntilProcessedAsync(client, created.GetProperty("id").GetString()!));
    }

    private static JsonElement File(JsonElement item, string name) =>
        item.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);

    private static string[] FileNames(JsonElement item) =>
        [.. item.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()!)];

    private static void ShouldBeReady(JsonElement item)
    {
        item.GetProperty("status").GetString().ShouldBe("Ready", item.GetProperty("failureReason").ToString());
        item.GetProperty("skipped").GetArrayLength().ShouldBe(0);
    }

    private async Task<byte[]> FetchAsync(JsonElement file)
    {
        var response = await app.CreateClient().GetAsync(file.GetProperty("url").GetString());
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe(file.GetProperty("contentType").GetString());
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task APhotoWithGpsAndRotation_GetsUprightResponsiveVariants_WithoutItsLocation()
    {
        var (_, item) = await UploadAndProcessAsync(await MediaFixtures.JpegWithGpsAndRotationAsync(), "IMG_0001.JPG");

        ShouldBeReady(item);
        item.GetProperty("width").GetInt32().ShouldBe(1200, "shown upright: the EXIF rotation is applied");
        item.GetProperty("height").GetInt32().ShouldBe(1600);
        var metadata = item.GetProperty("metadata");
        metadata.GetProperty("camera").GetString()!.ShouldContain("Test Camera");
        metadata.GetProperty("hasGps").GetBoolean().ShouldBeTrue();
        metadata.ToString().ShouldNotContain("48.85", customMessage: "the coordinates are never shown");
        FileNames(item).ShouldBe(["img-0001.jpg", "w320.jpg", "w320.webp", "w640.jpg", "w640.webp"], ignoreOrder: true);
        item.GetProperty("thumbnailUrl").GetString()!.ShouldContain("/w320.webp?v=");
        item.GetProperty("metadata").GetProperty("dominantColor").GetString()!.ShouldMatch("^#[0-9a-f]{6}$");

        foreach (var name in new[] { "w640.jpg", "w640.webp", "w320.webp" })
        {
            var file = File(item, name);
            file.GetProperty("width").GetInt32().ShouldBeLessThanOrEqualTo(1200, "never upscaled");
            var bytes = await FetchAsync(file);
            var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(bytes));
            directories.OfType<GpsDirectory>().ShouldBeEmpty($"{name} must not carry GPS");
        }
        File(item, "w640.jpg").GetProperty("height").GetInt32().ShouldBeGreaterThan(File(item, "w640.jpg").GetProperty("width").GetInt32());
    }

    [Fact]
    public async Task APngWithAlpha_KeepsItsTransparencyInPngFallbacks()
    {
        var (_, item) = await UploadAndProcessAsync(await MediaFixtures.PngWithAlphaAsync());
        ShouldBeReady(item);
        FileNames(item).ShouldContain("w320.png");
        FileNames(item).ShouldNotContain("w320.jpg");
        FileNames(item).ShouldNotContain("w640.png", "the original is 500 px wide");
    }

    [Theory]
    [InlineData("gif")]
    [InlineData("webp")]
    public async Task GifAndWebp_AreProcessed(string format)
    {
        var path = format == "gif" ? await MediaFixtures.AnimatedGifAsync() : await MediaFixtures.WebpAsync();
        var (_, item) = await UploadAndProcessAsync(path);
        ShouldBeReady(item);
        item.GetProperty("metadata").GetProperty("animated").GetBoolean().ShouldBe(format == "gif");
        item.GetProperty("thumbnailUrl").GetString()!.ShouldContain(".webp?v=");
    }

    [Fact]
    public async Task AnMp3_ShowsItsTags_ItsCover_AndAWaveformForThePlayer()
    {
        var (_, item) = await UploadAndProcessAsync(await MediaFixtures.Mp3WithTagsAndCoverAsync());
        ShouldBeReady(item);
        var metadata = item.GetProperty("metadata");
        metadata.GetProperty("title").GetString().ShouldBe("Test Tone");
        metadata.GetProperty("artist").GetString().ShouldBe("Atelier Band");
        metadata.GetProperty("album").GetString().ShouldBe("Fixtures");
        metadata.GetProperty("trackNumber").GetInt32().ShouldBe(3);
        metadata.GetProperty("year").GetInt32().ShouldBe(2024);
        item.GetProperty("durationSeconds").GetDouble().ShouldBe(3, 0.2);
        FileNames(item).ShouldContain("cover.jpg");
        FileNames(item).ShouldNotContain("stream.m4a", "a 128 kbit/s MP3 streams as it is");

        var waveform = JsonDocument.Parse(await FetchAsync(File(item, "waveform.json"))).RootElement;
        var peaks = waveform.GetProperty("peaks").EnumerateArray().Select(p => p.GetDouble()).ToList();
        peaks.ShouldAllBe(p => p >= 0 && p <= 1);
        peaks.Max().ShouldBeGreaterThan(0.3, "the tone is audible");
        peaks.Take(5).Average().ShouldBeLessThan(peaks.TakeLast(5).Average(), "it fades in");
    }

    [Fact]
    public async Task ALosslessFlac_GetsAStreamingCopy()
    {
        var (_, item) = await UploadAndProcessAsync(await MediaFixtures.FlacWithTagsAndCoverAsync());
        ShouldBeReady(item);
        item.GetProperty("metadata").GetProperty("title").GetString().ShouldBe("Test Tone");
        var stream = File(item, "stream.m4a");
        stream.GetProperty("contentType").GetString().ShouldBe("audio/mp4");
        (await FetchAsync(stream)).Length.ShouldBeGreaterThan(1000);
        FileNames(item).ShouldContain("cover.jpg");
    }

    [Fact]
    public async Task AVideo_GetsAPosterAndAPreview()
    {
        var (_, item) = await UploadAndProcessAsync(await MediaFixtures.Mp4Async());
        ShouldBeReady(item);
        item.GetProperty("width").GetInt32().ShouldBe(640);
        item.GetProperty("height").GetInt32().ShouldBe(360);
        item.GetProperty("durationSeconds").GetDouble().ShouldBe(5, 0.2);
        item.GetProperty("metadata").GetProperty("codec").GetString().ShouldBe("h264");
        var poster = await FetchAsync(File(item, "poster.jpg"));
        poster[..3].ShouldBe(new byte[] { 0xFF, 0xD8, 0xFF });
        File(item, "preview.mp4").GetProperty("contentType").GetString().ShouldBe("video/mp4");

        // A player asks for byte ranges of the real file (here from the store: local disk or S3).
        var original = await System.IO.File.ReadAllBytesAsync(await MediaFixtures.Mp4Async());
        var request = new HttpRequestMessage(HttpMethod.Get, item.GetProperty("url").GetString());
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(4096, 70_000);
        var part = await app.CreateClient().SendAsync(request);
        part.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await part.Content.ReadAsByteArrayAsync()).ShouldBe(original[4096..70_001]);
        item.GetProperty("thumbnailUrl").GetString()!.ShouldContain("/poster.jpg?v=");
    }

    [Fact]
    public async Task AGlbModel_IsCounted_AndAGltfResolvesItsBufferFromTheSameUpload()
    {
        var (_, glb) = await UploadAndProcessAsync(await MediaFixtures.GlbAsync());
        ShouldBeReady(glb);
        glb.GetProperty("metadata").GetProperty("meshes").GetInt32().ShouldBe(1);
        glb.GetProperty("metadata").GetProperty("size").EnumerateArray().Select(v => v.GetDouble()).ShouldBe([2, 1, 0.5], 0.001);

        var (gltf, bin) = await MediaFixtures.GltfWithExternalBufferAsync();
        var (_, whole) = await UploadAndProcessAsync(gltf, "scene.gltf", ("scene.bin", await System.IO.File.ReadAllBytesAsync(bin)));
        ShouldBeReady(whole);
        (await FetchAsync(File(whole, "scene.bin"))).ShouldBe(await System.IO.File.ReadAllBytesAsync(bin), "served next to the .gltf under the name it refers to");

        var (_, alone) = await UploadAndProcessAsync(gltf, "scene.gltf");
        alone.GetProperty("status").GetString().ShouldBe("Failed");
        alone.GetProperty("failureReason").GetString()!.ShouldContain("scene.bin");
    }

    [Fact]
    public async Task APdf_IsReady_WithItsPageCount()
    {
        var (_, item) = await UploadAndProcessAsync(await MediaFixtures.PdfAsync());
        ShouldBeReady(item);
        item.GetProperty("kind").GetString().ShouldBe("Document");
        item.GetProperty("metadata").GetProperty("pages").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task DamagedAndHostileImages_FailWithAReason_NeverA500()
    {
        var (_, truncated) = await UploadAndProcessAsync(await MediaFixtures.TruncatedJpegAsync(), "cut.jpg");
        truncated.GetProperty("status").GetString().ShouldBe("Failed");
        truncated.GetProperty("failureReason").GetString()!.ShouldContain("truncated", Case.Insensitive);

        var (_, huge) = await UploadAndProcessAsync(await MediaFixtures.HugeDimensionsPngAsync(), "bomb.png");
        huge.GetProperty("status").GetString().ShouldBe("Failed");
        huge.GetProperty("failureReason").GetString()!.ShouldContain("100,000 × 100,000");

        var client = await UserAsync();
        var exe = await MediaApp.UploadAsync(client, "photo.jpg", await System.IO.File.ReadAllBytesAsync(await MediaFixtures.ExeRenamedJpgAsync()));
        exe.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task AnSvgWithAScript_IsStoredWithoutIt()
    {
        var client = await UserAsync();
        var response = await MediaApp.UploadAsync(client, "logo.svg", await System.IO.File.ReadAllBytesAsync(await MediaFixtures.SvgWithScriptAsync()));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var item = await response.Content.ReadFromJsonAsync<JsonElement>();
        var served = await app.CreateClient().GetAsync(item.GetProperty("url").GetString());
        var text = await served.Content.ReadAsStringAsync();
        text.ShouldContain("<svg");
        text.ShouldNotContain("<script", Case.Insensitive);
        text.ShouldNotContain("onload", Case.Insensitive);
        served.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("sandbox");

        var broken = await MediaApp.UploadAsync(client, "broken.svg", "<svg><g></svg>"u8.ToArray());
        broken.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }
}

public sealed class MediaProcessingTests_Sqlite(MediaSqliteApp app) : MediaProcessingTests(app), IClassFixture<MediaSqliteApp>;

/// <summary>With S3 storage, processing reads the originals from the bucket and writes its variants back to it.</summary>
public sealed class MediaProcessingTests_S3(MediaS3App app) : MediaProcessingTests(app), IClassFixture<MediaS3App>;
