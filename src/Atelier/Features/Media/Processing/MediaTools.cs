using Atelier.Platform.Processes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Atelier.Features.Media.Processing;

/// <summary>The <c>Media:Tools</c> configuration section: where the external media programs are.</summary>
internal sealed class MediaToolOptions
{
    public const string Section = "Atelier:Media:Tools";

    /// <summary>libvips' command line (Debian: libvips-tools). A bare name is looked up on PATH.</summary>
    public string Vips { get; set; } = "vips";

    /// <summary>
    /// libvips' thumbnailer. The processors call <c>vips thumbnail</c>, the same operation, so only <see cref="Vips"/>
    /// is required; this is kept so that a configuration naming it stays valid.
    /// </summary>
    public string VipsThumbnail { get; set; } = "vipsthumbnail";

    public string Ffmpeg { get; set; } = "ffmpeg";

    public string Ffprobe { get; set; } = "ffprobe";

    /// <summary>Longest run of one program; the process tree is killed after it and the item fails.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);
}

internal enum MediaTool { Vips, Ffmpeg, Ffprobe }

/// <summary>
/// The external programs the processors run, each resolved once (on first use) and cached: installing one needs a
/// restart, as the health check says.
/// </summary>
internal sealed class MediaTools
{
    private readonly MediaToolOptions _options;
    private readonly Lazy<Dictionary<MediaTool, string?>> _resolved;

    public MediaTools(IOptions<MediaToolOptions> options)
    {
        _options = options.Value;
        _resolved = new Lazy<Dictionary<MediaTool, string?>>(
            () => Enum.GetValues<MediaTool>().ToDictionary(t => t, t => ExternalTool.Resolve(ConfiguredPath(t))));
    }

    public TimeSpan Timeout => _options.Timeout;

    public bool IsAvailable(MediaTool tool) => _resolved.Value[tool] is not null;

    /// <summary>The tools that were not found, in a stable order.</summary>
    public IReadOnlyList<MediaTool> Missing => [.. Enum.GetValues<MediaTool>().Where(t => !IsAvailable(t))];

    public static string Name(MediaTool tool) => tool switch
    {
        MediaTool.Vips => "vips",
        MediaTool.Ffmpeg => "ffmpeg",
        _ => "ffprobe",
    };

    /// <summary>The line for <see cref="ProcessingResult.Skipped"/> when <paramref name="tool"/> is missing.</summary>
    public static string NotInstalled(string step, MediaTool tool) => $"{step}: {Name(tool)} is not installed";

    /// <summary>
    /// Runs a tool with the configured timeout, in <paramref name="workDir"/> so that outputs can be named relatively
    /// (libvips reads save options from a trailing [...] of a file name: the names we pass are our own).
    /// Throws <see cref="ExternalToolNotFoundException"/> when the tool is missing.
    /// </summary>
    public Task<ExternalToolResult> RunAsync(
        MediaTool tool, IEnumerable<string> arguments, string? workDir, CancellationToken ct, Func<Stream, CancellationToken, Task>? standardOutput = null)
    {
        var path = _resolved.Value[tool] ?? throw new ExternalToolNotFoundException(ConfiguredPath(tool));
        var run = new ExternalToolRun
        {
            Timeout = _options.Timeout,
            StandardOutput = standardOutput,
            WorkingDirectory = workDir,
            // libvips refuses its loaders that are not meant for untrusted input (ImageMagick, MATLAB, FITS...).
            Environment = tool == MediaTool.Vips ? VipsEnvironment : null,
        };
        return ExternalTool.RunAsync(path, arguments, run, ct);
    }

    private static readonly Dictionary<string, string?> VipsEnvironment = new() { ["VIPS_BLOCK_UNTRUSTED"] = "1", ["VIPS_WARNING"] = "0" };

    private string ConfiguredPath(MediaTool tool) => tool switch
    {
        MediaTool.Vips => _options.Vips,
        MediaTool.Ffmpeg => _options.Ffmpeg,
        _ => _options.Ffprobe,
    };
}

/// <summary>Degraded while a media tool is missing: uploads still work, but without the derived files it makes.</summary>
internal sealed class MediaToolsHealthCheck(MediaTools tools) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var missing = tools.Missing;
        if (missing.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("vips, ffmpeg and ffprobe are installed."));
        }

        var data = new Dictionary<string, object> { ["missing"] = missing.Select(MediaTools.Name).ToArray() };
        var description = string.Join(" ", missing.Select(Consequence));
        return Task.FromResult(HealthCheckResult.Degraded(description, data: data));
    }

    private static string Consequence(MediaTool tool) => tool switch
    {
        MediaTool.Vips => "vips is not installed: images are served as uploaded, without resized variants or a dominant colour.",
        MediaTool.Ffmpeg => "ffmpeg is not installed: audio and video are served as uploaded, without waveforms, posters or streaming copies.",
        _ => "ffprobe is not installed: audio and video are served as uploaded, without their duration, tags, waveforms, posters or streaming copies.",
    };
}
