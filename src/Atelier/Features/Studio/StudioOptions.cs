using Microsoft.Extensions.Options;

namespace Atelier.Features.Studio;

/// <summary><c>Atelier:Studio</c>: where the node packs of plugins live.</summary>
public sealed class StudioOptions
{
    public const string Section = "Atelier:Studio";

    /// <summary>
    /// The folder of plugin node packs (one sub-folder per pack with its <c>pack.json</c>). Relative paths resolve
    /// against the working directory. Empty: <c>plugins</c> next to the server (content root or the binaries), or the
    /// <c>plugins</c> folder of the source checkout the server runs from (so <c>dotnet run</c> and the tests find the
    /// repository's example pack).
    /// </summary>
    public string? PluginsPath { get; set; }

    /// <summary>The plugins folder in use, or null when none was configured and none exists.</summary>
    internal static string? ResolvePluginsPath(StudioOptions options, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(options.PluginsPath))
        {
            return Path.GetFullPath(options.PluginsPath);
        }
        foreach (var start in new[] { contentRoot, AppContext.BaseDirectory })
        {
            if (Path.Combine(start, "plugins") is var beside && Directory.Exists(beside))
            {
                return Path.GetFullPath(beside);
            }
        }
        // A source checkout: src/Atelier is the content root; the repository root holds Atelier.slnx and plugins/.
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Atelier.slnx")))
            {
                var plugins = Path.Combine(dir.FullName, "plugins");
                return Directory.Exists(plugins) ? plugins : null;
            }
        }
        return null;
    }
}

/// <summary>Start-up checks of <c>Atelier:Studio</c>, naming the key to fix.</summary>
internal sealed class StudioOptionsValidator : IValidateOptions<StudioOptions>
{
    public ValidateOptionsResult Validate(string? name, StudioOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.PluginsPath))
        {
            return ValidateOptionsResult.Success;
        }
        if (o.PluginsPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            return ValidateOptionsResult.Fail($"Atelier:Studio:PluginsPath is not a valid path: '{o.PluginsPath}'.");
        }
        // A configured folder that does not exist is a typo more often than a wish for no plugins.
        return Directory.Exists(Path.GetFullPath(o.PluginsPath))
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Atelier:Studio:PluginsPath '{o.PluginsPath}' does not exist (leave it empty for the default).");
    }
}
