using System.Text.RegularExpressions;
using Atelier.Features.Publishing;

namespace Atelier.Features.Media;

/// <summary>File names made safe: no folders ever come from the client, and the extension is the detected type's.</summary>
public static partial class MediaNames
{
    /// <summary>
    /// Letters and digits of any script joined by '-' (as slugs are), at most 100 characters, plus the extension of
    /// the detected type; <paramref name="fallback"/> when nothing usable is left.
    /// </summary>
    public static string Clean(string? name, string extension, string fallback = "file")
    {
        var baseName = Path.GetFileNameWithoutExtension(LastSegment(name));
        var clean = baseName.Any(char.IsLetterOrDigit) ? Slugs.From(baseName) : fallback;
        return (clean.Length > 100 ? clean[..100].TrimEnd('-') : clean) + extension;
    }

    /// <summary>
    /// The name of a file uploaded with a glTF (a buffer or a texture): kept exactly when it is a plain name the glTF
    /// can refer to ("scene.bin", "Texture_01.png"), so references resolve; otherwise cleaned.
    /// </summary>
    public static string Companion(string? name)
    {
        var last = LastSegment(name);
        if (PlainName().IsMatch(last))
        {
            return last;
        }
        var extension = Path.GetExtension(last).ToLowerInvariant();
        return Clean(last, PlainName().IsMatch("x" + extension) ? extension : "");
    }

    private static string LastSegment(string? name) => (name ?? "").Replace('\\', '/').Split('/')[^1];

    [GeneratedRegex(@"^(?!\.)[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex PlainName();
}
