using System.Text;
using System.Text.RegularExpressions;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>The HTML of resolved wikilinks and embeds. Everything written here is escaped; the sanitizer checks URLs again.</summary>
internal static partial class Embeds
{
    public static string Link(string href, string text, string cssClass = "internal-link") =>
        $"<a href=\"{Escape(href)}\" class=\"{cssClass}\">{Escape(text)}</a>";

    public static string Unresolved(string text) => $"<span class=\"unresolved-link\">{Escape(text)}</span>";

    public static string Missing(string text) => $"<span class=\"missing-embed\">{Escape(text)}</span>";

    public static string Cycle(string text) => $"<span class=\"transclusion-cycle\">{Escape(text)}</span>";

    public static string Transclusion(string innerHtml) => $"<div class=\"transclusion\">\n{innerHtml}</div>";

    /// <summary>
    /// A studio patch playing in the post: the embed player in an iframe (its own page, so the patch's code runs outside
    /// the post; the sanitizer lets exactly this shape through). The slug is percent-encoded into the path.
    /// </summary>
    public static string Patch(string slug) =>
        $"<iframe class=\"embed-patch\" src=\"/embed/patch/{Uri.EscapeDataString(slug)}\" loading=\"lazy\" title=\"{Escape("Studio patch " + slug)}\" allow=\"autoplay; midi\"></iframe>";

    /// <summary>A placeholder a later feature (albums) fills in on the page.</summary>
    public static string Placeholder(string kind, string id) => $"<div class=\"embed-{kind}\" data-{kind}=\"{Escape(id)}\"></div>";

    /// <summary>An attachment; <paramref name="options"/> is what follows the '|': "300", "300x200" or alt text, in any order.</summary>
    public static string Asset(AssetTarget asset, string written, string? options)
    {
        string? alt = null, width = null, height = null;
        foreach (var option in (options ?? string.Empty).Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var size = Size().Match(option);
            if (size.Success)
            {
                width = size.Groups["w"].Value;
                height = size.Groups["h"].Success ? size.Groups["h"].Value : null;
            }
            else
            {
                alt = option;
            }
        }

        var url = Escape(asset.Url);
        var sb = new StringBuilder();
        switch (asset.Kind)
        {
            case AssetKind.Image:
                sb.Append($"<img src=\"{url}\" loading=\"lazy\" alt=\"{Escape(alt ?? asset.Name)}\"");
                AppendSize(sb, width, height);
                sb.Append('>');
                break;
            // The players' markup (web/src/players): the native element inside works without script. An attachment is
            // not a media item, so there is no waveform or poster; a video without a poster loads its metadata to show a frame.
            case AssetKind.Audio:
                sb.Append($"<atelier-audio><audio controls preload=\"metadata\" src=\"{url}\"></audio></atelier-audio>");
                break;
            case AssetKind.Video:
                sb.Append($"<atelier-video><video controls preload=\"metadata\" playsinline src=\"{url}\"");
                AppendSize(sb, width, height);
                sb.Append("></video></atelier-video>");
                break;
            case AssetKind.Pdf:
                sb.Append($"<a href=\"{url}\" class=\"embed-pdf\">{Escape(alt ?? written)}</a>");
                break;
            case AssetKind.Model:
                sb.Append($"<atelier-model data-src=\"{url}\" data-alt=\"{Escape(alt ?? asset.Name)}\"><a href=\"{url}\" class=\"embed-model\">{Escape(alt ?? written)}</a></atelier-model>");
                break;
            default:
                sb.Append($"<a href=\"{url}\" class=\"embed-file\">{Escape(alt ?? written)}</a>");
                break;
        }

        return sb.ToString();
    }

    private static void AppendSize(StringBuilder sb, string? width, string? height)
    {
        if (width is not null)
        {
            sb.Append($" width=\"{width}\"");
        }

        if (height is not null)
        {
            sb.Append($" height=\"{height}\"");
        }
    }

    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => sb.Append("&amp;"),
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                '"' => sb.Append("&quot;"),
                '\'' => sb.Append("&#39;"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"^(?<w>\d{1,5})(?:x(?<h>\d{1,5}))?$")]
    private static partial Regex Size();
}
