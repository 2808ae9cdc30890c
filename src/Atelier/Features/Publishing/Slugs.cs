using System.Globalization;
using System.Text;

namespace Atelier.Features.Publishing;

internal static class Slugs
{
    /// <summary>
    /// A URL slug from a title or file name: lower-case letters and digits of any script (Cyrillic stays Cyrillic; browsers
    /// show it and percent-encode it on the wire), words joined by '-'.
    /// </summary>
    public static string From(string text)
    {
        var sb = new StringBuilder(text.Length);
        var dash = false;
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            if (char.IsLetterOrDigit(c))
            {
                if (dash && sb.Length > 0)
                {
                    sb.Append('-');
                }
                sb.Append(char.ToLower(c, CultureInfo.InvariantCulture));
                dash = false;
            }
            else
            {
                dash = true;
            }
        }
        var slug = sb.ToString();
        if (slug.Length > 120)
        {
            slug = slug[..120].TrimEnd('-');
        }
        return slug.Length == 0 ? "note" : slug;
    }
}
