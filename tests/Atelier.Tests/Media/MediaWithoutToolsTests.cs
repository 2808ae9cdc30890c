using System.Text.Json;

namespace Atelier.Tests.Media;

/// <summary>A server without vips and ffmpeg: originals are still served, items say what was skipped, health says degraded.</summary>
public sealed class MediaWithoutToolsTests(MediaWithoutToolsTests.App app) : IClassFixture<MediaWithoutToolsTests.App>
{
    public sealed class App() : MediaApp(Db.Sqlite)
    {
        protected override IDictionary<string, string?> Settings()
        {
            var s = base.Settings();
            s["Atelier:Media:Tools:Vips"] = "/nonexistent/vips";
            s["Atelier:Media:Tools:Ffmpeg"] = "/nonexistent/ffmpeg";
            s["Atelier:Media:Tools:Ffprobe"] = "/nonexistent/ffprobe";
            return s;
        }
    }

    [Fact]
    public async Task MissingTools_SkipSteps_ButTheOriginalsAreServed_AndHealthSaysDegraded()
    {
        var health = await app.CreateClient().GetAsync("/health/ready");
        health.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = await health.Content.ReadAsStringAsync();
        report.ShouldContain("Degraded");
        report.ShouldContain("ffmpeg");

        var client = app.CreateClient((await app.RegisterConfirmedAsync(app.CreateClient(), $"x-{Guid.NewGuid():N}@example.org")).AccessToken);
        foreach (var path in new[] { await MediaFixtures.Mp3WithTagsAndCoverAsync(), await MediaFixtures.PngWithAlphaAsync() })
        {
            var bytes = await File.ReadAllBytesAsync(path);
            var created = await (await MediaApp.UploadAsync(client, Path.GetFileName(path), bytes)).Content.ReadFromJsonAsync<JsonElement>();
            var item = await MediaApp.WaitUntilProcessedAsync(client, created.GetProperty("id").GetString()!);

            item.GetProperty("status").GetString().ShouldBe("Ready");
            item.GetProperty("skipped").GetArrayLength().ShouldBeGreaterThan(0);
            item.GetProperty("files").GetArrayLength().ShouldBe(1, "only the original");
            (await (await app.CreateClient().GetAsync(item.GetProperty("url").GetString())).Content.ReadAsByteArrayAsync()).ShouldBe(bytes);
        }
    }
}
