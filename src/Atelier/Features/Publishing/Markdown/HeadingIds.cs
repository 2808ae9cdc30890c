using System.Globalization;
using System.Text;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>
/// Heading anchors of our own rather than Markdig's auto-identifiers: those drop non-ASCII letters, and links
/// written as [[Note#Музыка и звук]] must land on the heading whatever its script.
/// </summary>
internal sealed class HeadingIds
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>Lower-case, letters/digits/marks and '_' kept, whitespace and '-' runs become one '-', other punctuation dropped.</summary>
    public static string Slug(string text)
    {
        var sb = new StringBuilder(text.Length);
        var dash = false;
        foreach (var rune in text.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsLetterOrDigit(rune) || rune.Value == '_'
                || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                if (dash && sb.Length > 0)
                {
                    sb.Append('-');
                }

                dash = false;
                sb.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else if (Rune.IsWhiteSpace(rune) || rune.Value == '-')
            {
                dash = true;
            }
        }

        return sb.Length == 0 ? "section" : sb.ToString();
    }

    /// <summary>The slug, suffixed "-1", "-2"… when an earlier heading of the document already has it.</summary>
    public string Next(string text)
    {
        var slug = Slug(text);
        var id = slug;
        for (var n = 1; !_used.Add(id); n++)
        {
            id = $"{slug}-{n}";
        }

        return id;
    }
}
