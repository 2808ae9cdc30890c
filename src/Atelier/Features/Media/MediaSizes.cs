using System.Globalization;

namespace Atelier.Features.Media;

/// <summary>File sizes in words people read ("256 KB", "1.5 MB", "2 GB"), the same in error messages and on pages.</summary>
internal static class MediaSizes
{
    public static string Describe(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => Scaled(bytes / 1024.0, "KB"),
        < 1024L * 1024 * 1024 => Scaled(bytes / (1024.0 * 1024), "MB"),
        _ => Scaled(bytes / (1024.0 * 1024 * 1024), "GB"),
    };

    private static string Scaled(double value, string unit) =>
        (value < 10 ? value.ToString("0.#", CultureInfo.InvariantCulture) : value.ToString("0", CultureInfo.InvariantCulture)) + " " + unit;
}
