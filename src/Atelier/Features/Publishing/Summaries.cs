using Atelier.Features.Publishing.Markdown;

namespace Atelier.Features.Publishing;

internal static class Summaries
{
    /// <summary>The first ~200 characters of a post's text, without its leading title heading, cut at a word.</summary>
    public static string From(RenderResult result)
    {
        var text = result.PlainText;
        if (result.Headings is [{ Level: 1 } first, ..] && text.StartsWith(first.Text, StringComparison.Ordinal))
        {
            text = text[first.Text.Length..].TrimStart();
        }
        if (text.Length <= 200)
        {
            return text;
        }
        var cut = text.LastIndexOf(' ', 200);
        return text[..(cut > 100 ? cut : 200)] + "…";
    }
}
