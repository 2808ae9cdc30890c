using Atelier.Features.Media.Processing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Atelier.Tests.Media.Processing;

public sealed class MediaToolsTests
{
    private static Task<HealthCheckResult> CheckAsync(MediaToolOptions options) =>
        new MediaToolsHealthCheck(new MediaTools(Options.Create(options)))
            .CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

    [Fact]
    public async Task AllToolsInstalled_IsHealthy()
    {
        var result = await CheckAsync(new MediaToolOptions());

        result.Status.ShouldBe(HealthStatus.Healthy);
    }

    [Fact]
    public async Task MissingFfmpeg_IsDegraded_SayingWhatUsersLose()
    {
        var result = await CheckAsync(new MediaToolOptions { Ffmpeg = "/nonexistent/ffmpeg" });

        result.Status.ShouldBe(HealthStatus.Degraded);
        result.Description.ShouldBe("ffmpeg is not installed: audio and video are served as uploaded, without waveforms, posters or streaming copies.");
        result.Data["missing"].ShouldBe(new[] { "ffmpeg" });
    }

    [Fact]
    public async Task SeveralMissing_AreAllNamed()
    {
        var result = await CheckAsync(new MediaToolOptions { Vips = "no-such-vips", Ffprobe = "/nonexistent/ffprobe" });

        result.Status.ShouldBe(HealthStatus.Degraded);
        result.Description!.ShouldStartWith("vips is not installed: images are served as uploaded");
        result.Description.ShouldContain("ffprobe is not installed");
        result.Data["missing"].ShouldBe(new[] { "vips", "ffprobe" });
    }

    [Fact]
    public void AddMediaProcessing_RegistersOneProcessorPerKind()
    {
        using var provider = new ServiceCollection().AddMediaProcessing().BuildServiceProvider();

        provider.GetServices<IMediaProcessor>().Select(p => p.Kind).ShouldBe(Enum.GetValues<MediaKind>(), ignoreOrder: true);
        provider.GetRequiredService<MediaTools>().IsAvailable(MediaTool.Vips).ShouldBeTrue();
    }
}
