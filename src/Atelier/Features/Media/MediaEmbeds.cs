using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Media.Processing;
using Atelier.Platform.Data;
using static Atelier.Features.Publishing.Markdown.Embeds;

namespace Atelier.Features.Media;

/// <summary>
/// What a picture needs to be responsive: the fallback <see cref="Src"/> (the 640 px JPEG/PNG variant, or the original
/// before processing made any), the WebP <see cref="Srcset"/>, its size, the largest variant for a lightbox
/// (<see cref="Full"/>), the original, and the dominant colour as a placeholder.
/// </summary>
internal sealed record PictureSources(string Src, string? Srcset, int? Width, int? Height, string Full, string Original, string? Color)
{
    public string? Style => Color is null ? null : "background-color:" + Color;
}

/// <summary>
/// The markup of media on public pages, the contract of the front end's web components (web/src/players):
/// <c>&lt;atelier-audio&gt;</c>, <c>&lt;atelier-video&gt;</c>, <c>&lt;atelier-model&gt;</c> around the native element or
/// link that works without script, and responsive images. Uses the variants processing made and falls back to the
/// original while there are none. Every value written is escaped.
/// </summary>
internal static partial class MediaMarkup
{
    /// <summary>Gallery thumbnails: a third of the width on wide screens, the full width on phones.</summary>
    public const string GallerySizes = "(min-width: 768px) 33vw, 100vw";

    /// <summary>A picture in a post: the article column is about 70 characters (≈ 720 px) wide.</summary>
    public const string PostSizes = "(min-width: 768px) 720px, 100vw";

    private const int FallbackWidth = 640;

    public static string OriginalUrl(MediaItem item) =>
        item.Files.FirstOrDefault(f => f.Role == MediaFile.Original) is { } original
            ? MediaUrls.Of(item.Id, original)
            : MediaUrls.Of(item.Id, item.FileName, item.Sha256);

    public static PictureSources Picture(MediaItem item)
    {
        var original = OriginalUrl(item);
        var metadata = Metadata(item);
        var color = Color(Text(metadata, "dominantColor"));
        var variants = item.Files.Where(f => f.Role == "image" && f.Width is > 0).ToList();
        if (variants.Count == 0 || Flag(metadata, "animated"))
        {
            // Before processing, or an animation (the still variants would stop it): the original itself.
            return new(original, null, item.Width, item.Height, original, original, color);
        }
        var webp = variants.Where(IsWebp).OrderBy(f => f.Width).ToList();
        var fallbacks = variants.Where(f => !IsWebp(f)).ToList() is { Count: > 0 } plain ? plain : webp;
        var fallback = fallbacks.Where(f => f.Width <= FallbackWidth).MaxBy(f => f.Width) ?? fallbacks.MinBy(f => f.Width)!;
        var full = variants.OrderByDescending(f => f.Width).ThenBy(f => IsWebp(f) ? 0 : 1).First();
        var srcset = webp.Count == 0 ? null : string.Join(", ", webp.Select(f => $"{MediaUrls.Of(item.Id, f)} {f.Width}w"));
        return new(MediaUrls.Of(item.Id, fallback), srcset, fallback.Width, fallback.Height, MediaUrls.Of(item.Id, full), original, color);
    }

    /// <summary>A picture for link previews (Open Graph): a JPEG/PNG variant up to 1280 px, a poster or cover art, else the original image.</summary>
    public static string? PreviewImage(MediaItem item)
    {
        var plain = item.Files.Where(f => f.Role == "image" && f.Width is > 0 && !IsWebp(f)).ToList();
        if ((plain.Where(f => f.Width <= 1280).MaxBy(f => f.Width) ?? plain.MinBy(f => f.Width)) is { } variant)
        {
            return MediaUrls.Of(item.Id, variant);
        }
        if (item.Files.FirstOrDefault(f => f.Role is "poster" or "cover") is { } still)
        {
            return MediaUrls.Of(item.Id, still);
        }
        return item.Kind == MediaKind.Image && item.ContentType != "image/svg+xml" ? OriginalUrl(item) : null;
    }

    /// <summary>The player (or picture, or link) of an item as it appears inside a post or a gallery.</summary>
    public static string Player(MediaItem item, string? alt = null, string sizes = PostSizes) => item.Kind switch
    {
        MediaKind.Image => Image(item, alt, sizes),
        MediaKind.Audio => Audio(item),
        MediaKind.Video => Video(item),
        MediaKind.Model => Model(item, alt),
        _ => $"<a href=\"{Escape(OriginalUrl(item))}\" class=\"embed-file\">{Escape(item.Title ?? item.FileName)}</a>",
    };

    public static string Image(MediaItem item, string? alt, string sizes)
    {
        var picture = Picture(item);
        var sb = new StringBuilder();
        sb.Append($"<img src=\"{Escape(picture.Src)}\"");
        if (picture.Srcset is { } srcset)
        {
            sb.Append($" srcset=\"{Escape(srcset)}\" sizes=\"{Escape(sizes)}\"");
        }
        AppendSize(sb, picture.Width, picture.Height);
        sb.Append($" loading=\"lazy\" alt=\"{Escape(AltOf(item, alt))}\"");
        if (picture.Style is { } style)
        {
            sb.Append($" style=\"{style}\"");
        }
        return sb.Append('>').ToString();
    }

    /// <summary><c>&lt;atelier-audio&gt;</c> with the waveform, the tags and the cover art processing found; plays the streaming copy when there is one.</summary>
    public static string Audio(MediaItem item)
    {
        var metadata = Metadata(item);
        var sb = new StringBuilder("<atelier-audio");
        AppendData(sb, "waveform", FileUrl(item, "waveform"));
        AppendData(sb, "title", item.Title ?? Text(metadata, "title"));
        AppendData(sb, "artist", Text(metadata, "artist"));
        AppendData(sb, "album", Text(metadata, "album"));
        AppendData(sb, "cover", FileUrl(item, "cover"));
        var src = FileUrl(item, "stream") ?? OriginalUrl(item);
        return sb.Append($"><audio controls preload=\"metadata\" src=\"{Escape(src)}\"></audio></atelier-audio>").ToString();
    }

    /// <summary><c>&lt;atelier-video&gt;</c>: loads nothing until played, shows the poster frame, keeps its aspect ratio.</summary>
    public static string Video(MediaItem item)
    {
        var poster = item.Files.FirstOrDefault(f => f.Role == "poster");
        var sb = new StringBuilder("<atelier-video><video controls preload=\"none\" playsinline");
        if (poster is not null)
        {
            sb.Append($" poster=\"{Escape(MediaUrls.Of(item.Id, poster))}\"");
        }
        sb.Append($" src=\"{Escape(OriginalUrl(item))}\"");
        AppendSize(sb, item.Width ?? poster?.Width, item.Height ?? poster?.Height);
        return sb.Append("></video></atelier-video>").ToString();
    }

    /// <summary><c>&lt;atelier-model&gt;</c>: a download link until the viewer loads (a glTF's buffers and textures are served beside it).</summary>
    public static string Model(MediaItem item, string? alt)
    {
        var url = Escape(OriginalUrl(item));
        return $"<atelier-model data-src=\"{url}\" data-alt=\"{Escape(AltOf(item, alt))}\"><a href=\"{url}\">{Escape(item.FileName)}</a></atelier-model>";
    }

    /// <summary>The alt text written in the post, else the item's, else its title.</summary>
    public static string AltOf(MediaItem item, string? written = null) =>
        !string.IsNullOrWhiteSpace(written) ? written : item.Alt ?? item.Title ?? "";

    private static string? FileUrl(MediaItem item, string role) =>
        item.Files.FirstOrDefault(f => f.Role == role) is { } file ? MediaUrls.Of(item.Id, file) : null;

    private static bool IsWebp(MediaFile file) => file.ContentType == "image/webp";

    private static void AppendData(StringBuilder sb, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            sb.Append($" data-{name}=\"{Escape(value)}\"");
        }
    }

    private static void AppendSize(StringBuilder sb, int? width, int? height)
    {
        if (width is > 0 && height is > 0)
        {
            sb.Append($" width=\"{width}\" height=\"{height}\"");
        }
    }

    private static JsonElement Metadata(MediaItem item)
    {
        try
        {
            using var document = JsonDocument.Parse(item.Metadata);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string? Text(JsonElement metadata, string key) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static bool Flag(JsonElement metadata, string key) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>Only a plain "#rrggbb" goes into a style attribute.</summary>
    private static string? Color(string? value) => value is not null && HexColor().IsMatch(value) ? value.ToLowerInvariant() : null;

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex HexColor();
}

/// <summary>A piece of a post's body: HTML as it is, or an album to show as a gallery in its place.</summary>
internal sealed record PostPart(string Html, GalleryView? Gallery = null);

/// <summary>
/// Media in a post, filled in when the page is rendered (not at import, so a post shows the album and the items as
/// they are now): <c>![[album:slug]]</c> placeholders become the album's gallery, and pictures, audio and video that
/// point at a public media item (<c>/media/{id}/…</c>) become its responsive picture or player. Works on the
/// sanitizer's output, whose form is fixed (double-quoted, escaped attributes; no '&gt;' inside a tag; no comments).
/// </summary>
internal sealed partial class MediaEmbeds(AppDb db, Galleries galleries)
{
    public async Task<IReadOnlyList<PostPart>> RenderAsync(string html, CancellationToken ct)
    {
        if (!html.Contains("/media/", StringComparison.Ordinal) && !html.Contains("embed-album", StringComparison.Ordinal))
        {
            return [new(html)];
        }
        var matches = Embedded().Matches(html);
        var slugs = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<Guid>();
        foreach (Match m in matches)
        {
            if (m.Groups["album"].Success)
            {
                slugs.Add(AlbumStore.SlugOf(WebUtility.HtmlDecode(m.Groups["album"].Value)));
            }
            else if (MediaId(m) is { } id)
            {
                ids.Add(id);
            }
        }
        var albums = await galleries.GetManyAsync(slugs, ct);
        var items = ids.Count == 0 ? [] : await db.Media.AsNoTracking().Include(m => m.Files)
            .Where(m => ids.Contains(m.Id) && m.Visibility == MediaVisibility.Public && m.Status == MediaStatus.Ready)
            .AsSplitQuery().ToDictionaryAsync(m => m.Id, ct);

        var parts = new List<PostPart>();
        var sb = new StringBuilder(html.Length + 1024);
        var at = 0;
        foreach (Match m in matches)
        {
            if (m.Groups["album"].Success)
            {
                if (!albums.TryGetValue(AlbumStore.SlugOf(WebUtility.HtmlDecode(m.Groups["album"].Value)), out var gallery))
                {
                    continue; // unknown or private: the empty placeholder stays
                }
                sb.Append(html, at, m.Index - at);
                parts.Add(new(sb.ToString()));
                parts.Add(new("", gallery));
                sb.Clear();
            }
            else if (MediaId(m) is { } id && items.TryGetValue(id, out var item) && Replacement(m, item) is { } replacement)
            {
                sb.Append(html, at, m.Index - at).Append(replacement);
            }
            else
            {
                continue;
            }
            at = m.Index + m.Length;
        }
        sb.Append(html, at, html.Length - at);
        parts.Add(new(sb.ToString()));
        return parts;
    }

    /// <summary>The id of the media item an image, audio or video element points at (its src, or its first source's).</summary>
    private static Guid? MediaId(Match m)
    {
        string? src = null;
        if (m.Groups["img"].Success)
        {
            src = Attribute(m.Groups["img"].Value, "src");
        }
        else if (m.Groups["wrapped"].Success && Attributes().Matches(m.Groups["wattrs"].Value).Any(a => a.Groups[1].Value is not ("data-src" or "data-alt")))
        {
            return null; // a player written by hand, with its own data: left as written
        }
        else if (m.Groups["wrapped"].Value is "audio" or "video")
        {
            src = PlayerTag().Match(m.Groups["winner"].Value) is { Success: true } inner ? Attribute(inner.Groups[1].Value, "src") : null;
        }
        else if (m.Groups["wrapped"].Value == "model")
        {
            src = Attribute(m.Groups["wattrs"].Value, "data-src");
        }
        else if (m.Groups["player"].Success)
        {
            src = Attribute(m.Groups["attrs"].Value, "src") ?? (SourceTag().Match(m.Groups["inner"].Value) is { Success: true } s ? Attribute(s.Groups[1].Value, "src") : null);
        }
        return src is not null && MediaPath().Match(WebUtility.HtmlDecode(src)) is { Success: true } path && Guid.TryParse(path.Groups[1].Value, out var id)
            ? id
            : null;
    }

    private static string? Replacement(Match m, MediaItem item)
    {
        var alt = m.Groups["img"].Success && Attribute(m.Groups["img"].Value, "alt") is { } written ? WebUtility.HtmlDecode(written) : null;
        return (m.Groups["img"].Success, item.Kind) switch
        {
            (_, MediaKind.Audio or MediaKind.Video or MediaKind.Model) => MediaMarkup.Player(item, alt),
            (true, MediaKind.Image) => MediaMarkup.Image(item, alt, MediaMarkup.PostSizes),
            (true, MediaKind.Document) => MediaMarkup.Player(item), // a picture of a PDF cannot show: a link to it
            _ => null, // an <audio> or <video> pointing at a picture or a document: left as written
        };
    }

    private static string? Attribute(string attributes, string name) =>
        Attributes().Matches(attributes).FirstOrDefault(a => a.Groups[1].Value == name) is { } found ? found.Groups[2].Value : null;

    /// <summary>
    /// In the sanitizer's output: an element already wrapped as a player (a gallery, or a player written by hand with
    /// data of its own, is left alone; a bare one of a library item, as <c>![[song.mp3]]</c> makes, is drawn anew with
    /// what processing found), an album placeholder, an image,
    /// or an audio/video element with its content.
    /// </summary>
    [GeneratedRegex("""<atelier-(?<wrapped>audio|video|model|gallery)\b(?<wattrs>[^>]*)>(?<winner>.*?)</atelier-\k<wrapped>>|<div class="embed-album" data-album="(?<album>[^"]*)"></div>|<img\b(?<img>[^>]*)>|<(?<player>audio|video)\b(?<attrs>[^>]*)>(?<inner>.*?)</\k<player>>""",
        RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 5000)]
    private static partial Regex Embedded();

    [GeneratedRegex("""\s([a-z0-9-]+)(?:="([^"]*)")?""", RegexOptions.CultureInvariant)]
    private static partial Regex Attributes();

    [GeneratedRegex("""<(?:audio|video)\b([^>]*)>""", RegexOptions.CultureInvariant)]
    private static partial Regex PlayerTag();

    [GeneratedRegex("""<source\b([^>]*)>""", RegexOptions.CultureInvariant)]
    private static partial Regex SourceTag();

    [GeneratedRegex("^/media/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/[^/?#]+(?:[?#].*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaPath();
}
