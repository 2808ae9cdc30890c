using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Atelier.Platform;

namespace Atelier.Features.Publishing;

/// <summary>The site's public identity: its absolute address and its name, as feeds and page heads show them.</summary>
internal sealed record Site(string BaseUrl, string Title, string? Description = null)
{
    public const string DefaultTitle = "Atelier";

    /// <summary>The public address from the configuration; the name and description from the site settings.</summary>
    public static Site From(AtelierOptions options, SiteSettings settings) =>
        new(options.PublicUrl.TrimEnd('/'), settings.Title, settings.Description);

    /// <summary>A site path ("/posts/x") or an absolute http(s) URL made absolute; null for anything else.</summary>
    public string? Absolute(string? url) => url switch
    {
        null or "" => null,
        ['/', '/', ..] => null,
        ['/', ..] => BaseUrl + url,
        _ => Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) ? url : null,
    };
}

/// <summary>What a post page puts in its head for link previews (Open Graph, Twitter) and search engines (JSON-LD).</summary>
internal sealed record PostHead(
    string SiteName, string Title, string? Description, string Url, string? Image, DateTime Published, DateTime Modified, IReadOnlyList<string> Tags)
{
    // Keeps letters of every script readable while still escaping <, >, & and quotes: "</script>" cannot appear in the output.
    private static readonly JsonSerializerOptions JsonLdOptions = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static PostHead For(PostView post, Site site, string canonicalUrl) => new(
        site.Title,
        post.SeoTitle ?? post.Card.Title,
        post.SeoDescription ?? post.Card.Summary,
        canonicalUrl,
        site.Absolute(post.Card.CoverUrl),
        post.Card.PublishedAt,
        post.UpdatedAt > post.Card.PublishedAt ? post.UpdatedAt : post.Card.PublishedAt,
        post.Card.Tags);

    public string TwitterCard => Image is null ? "summary" : "summary_large_image";

    public string PublishedIso => Rfc3339(Published);

    public string ModifiedIso => Rfc3339(Modified);

    /// <summary>A schema.org <c>BlogPosting</c>, safe to write raw inside <c>&lt;script type="application/ld+json"&gt;</c>.</summary>
    public string JsonLd()
    {
        var json = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "BlogPosting",
            ["headline"] = Title,
            ["url"] = Url,
            ["mainEntityOfPage"] = new JsonObject { ["@type"] = "WebPage", ["@id"] = Url },
            ["datePublished"] = PublishedIso,
            ["dateModified"] = ModifiedIso,
            ["publisher"] = new JsonObject { ["@type"] = "Organization", ["name"] = SiteName },
        };
        if (!string.IsNullOrEmpty(Description))
        {
            json["description"] = Description;
        }
        if (Image is not null)
        {
            json["image"] = Image;
        }
        if (Tags.Count > 0)
        {
            json["keywords"] = new JsonArray([.. Tags.Select(t => JsonValue.Create(t))]);
        }
        return json.ToJsonString(JsonLdOptions);
    }

    internal static string Rfc3339(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
