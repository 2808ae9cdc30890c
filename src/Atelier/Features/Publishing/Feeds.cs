using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using System.Xml;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Atelier.Platform;
using Atelier.Platform.Data;

namespace Atelier.Features.Publishing;

/// <summary>One entry of the feeds: a visible article or project.</summary>
internal sealed record FeedItem(
    Guid Id, string Slug, string Title, string? Summary, string Html, DateTime Published, DateTime Updated, string? CoverUrl,
    List<string> Tags, string? Author)
{
    public string Path => "/posts/" + Uri.EscapeDataString(Slug);

    /// <summary>A scheduled post appears at its date, after its last edit: the later of the two is when readers saw a change.</summary>
    public DateTime Modified => Updated > Published ? Updated : Published;

    /// <summary>Stable across renames (the URL is not): readers do not show a renamed post as new.</summary>
    public string EntryId => "urn:uuid:" + Id.ToString("D");
}

/// <param name="Items">Newest first.</param>
/// <param name="Updated">The newest change among the items (the feed's <c>updated</c>).</param>
/// <param name="LastModified">For HTTP validation: also moves when a post leaves the feed (unpublished posts are touched).</param>
internal sealed record FeedData(IReadOnlyList<FeedItem> Items, DateTime Updated, DateTime LastModified);

/// <summary>RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the newest articles and projects; the sitemap and robots.txt.</summary>
internal static partial class Feeds
{
    public const int FeedSize = 50;
    private const int SitemapLimit = 50_000; // the sitemaps.org limit for one file

    private static readonly XNamespace AtomNs = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace ContentNs = "http://purl.org/rss/1.0/modules/content/";
    private static readonly XNamespace DcNs = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace SitemapNs = "http://www.sitemaps.org/schemas/sitemap/0.9";

    // Feed validators and link checkers ask with HEAD; Kestrel sends the headers without the body.
    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    private static readonly JsonSerializerOptions JsonFeedOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    public static IEndpointRouteBuilder MapFeeds(IEndpointRouteBuilder app)
    {
        MapFeed(app, "/feed.xml", "application/rss+xml; charset=utf-8", Rss);
        MapFeed(app, "/atom.xml", "application/atom+xml; charset=utf-8", Atom);
        MapFeed(app, "/feed.json", "application/feed+json; charset=utf-8", JsonFeed);
        app.MapMethods("/sitemap.xml", GetOrHead, SitemapAsync).ExcludeFromDescription();
        app.MapMethods("/robots.txt", GetOrHead, async (IOptions<AtelierOptions> options, SiteSettingsStore settings, HttpContext http, CancellationToken ct) =>
            Respond(http, Encoding.UTF8.GetBytes(Robots(Site.From(options.Value, await settings.GetAsync(ct)))), "text/plain; charset=utf-8", null))
            .ExcludeFromDescription();
        return app;
    }

    private static void MapFeed(IEndpointRouteBuilder app, string pattern, string contentType, Func<Site, FeedData, byte[]> render) =>
        app.MapMethods(pattern, GetOrHead, async (AppDb db, TimeProvider time, IOptions<AtelierOptions> options, SiteSettingsStore settings, HttpContext http, CancellationToken ct) =>
        {
            var feed = await LoadFeedAsync(db, time.GetUtcNow().UtcDateTime, ct);
            return Respond(http, render(Site.From(options.Value, await settings.GetAsync(ct)), feed), contentType, feed.LastModified);
        }).ExcludeFromDescription();

    private static IQueryable<Post> Visible(AppDb db, DateTime now) =>
        db.Posts.AsNoTracking().VisibleAt(now);

    internal static async Task<FeedData> LoadFeedAsync(AppDb db, DateTime now, CancellationToken ct)
    {
        var items = await Visible(db, now).Where(p => p.Kind == PostKind.Article || p.Kind == PostKind.Project)
            .OrderByDescending(p => p.PublishedAt).ThenByDescending(p => p.Id).Take(FeedSize)
            .Select(p => new FeedItem(p.Id, p.Slug, p.Title, p.Summary, p.Html, p.PublishedAt!.Value, p.UpdatedAt, p.CoverUrl,
                p.Tags.OrderBy(t => t.Tag).Select(t => t.Tag).ToList(),
                db.Users.Where(u => u.Id == p.AuthorId).Select(u => u.DisplayName).FirstOrDefault()))
            .ToListAsync(ct);
        var touched = await db.Posts.MaxAsync(p => (DateTime?)p.UpdatedAt, ct);
        var updated = items.Count > 0 ? items.Max(i => i.Modified) : touched ?? DateTime.UnixEpoch;
        var lastModified = Later(updated, touched ?? DateTime.UnixEpoch);
        return new FeedData(items, updated, lastModified > now ? now : lastModified);
    }

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;

    // ---- the three feed formats ----

    internal static byte[] Rss(Site site, FeedData feed)
    {
        var channel = new XElement("channel",
            new XElement("title", site.Title),
            new XElement("link", site.BaseUrl + "/"),
            new XElement("description", site.Description ?? $"The newest posts on {site.Title}"),
            new XElement("generator", "Atelier"),
            new XElement("lastBuildDate", Rfc1123(feed.Updated)),
            new XElement(AtomNs + "link", new XAttribute("href", site.BaseUrl + "/feed.xml"), new XAttribute("rel", "self"),
                new XAttribute("type", "application/rss+xml")));
        foreach (var item in feed.Items)
        {
            var url = site.BaseUrl + item.Path;
            channel.Add(new XElement("item",
                new XElement("title", item.Title),
                new XElement("link", url),
                new XElement("guid", new XAttribute("isPermaLink", "false"), item.EntryId),
                new XElement("pubDate", Rfc1123(item.Published)),
                item.Author is { } author ? new XElement(DcNs + "creator", author) : null,
                item.Tags.Select(t => new XElement("category", t)),
                new XElement("description", item.Summary ?? ""),
                new XElement(ContentNs + "encoded", AbsoluteUrls(item.Html, site.BaseUrl, url))));
        }
        return Xml(new XElement("rss", new XAttribute("version", "2.0"),
            new XAttribute(XNamespace.Xmlns + "atom", AtomNs), new XAttribute(XNamespace.Xmlns + "content", ContentNs),
            new XAttribute(XNamespace.Xmlns + "dc", DcNs), channel));
    }

    internal static byte[] Atom(Site site, FeedData feed)
    {
        var root = new XElement(AtomNs + "feed",
            new XElement(AtomNs + "title", site.Title),
            new XElement(AtomNs + "id", site.BaseUrl + "/"),
            new XElement(AtomNs + "updated", Rfc3339(feed.Updated)),
            new XElement(AtomNs + "link", new XAttribute("rel", "self"), new XAttribute("type", "application/atom+xml"),
                new XAttribute("href", site.BaseUrl + "/atom.xml")),
            new XElement(AtomNs + "link", new XAttribute("rel", "alternate"), new XAttribute("type", "text/html"),
                new XAttribute("href", site.BaseUrl + "/")),
            // Atom needs an author for every entry: the site stands in for entries that name none.
            new XElement(AtomNs + "author", new XElement(AtomNs + "name", site.Title)),
            new XElement(AtomNs + "generator", "Atelier"));
        foreach (var item in feed.Items)
        {
            var url = site.BaseUrl + item.Path;
            root.Add(new XElement(AtomNs + "entry",
                new XElement(AtomNs + "title", item.Title),
                new XElement(AtomNs + "id", item.EntryId),
                new XElement(AtomNs + "link", new XAttribute("rel", "alternate"), new XAttribute("type", "text/html"), new XAttribute("href", url)),
                new XElement(AtomNs + "published", Rfc3339(item.Published)),
                new XElement(AtomNs + "updated", Rfc3339(item.Modified)),
                item.Author is { } author ? new XElement(AtomNs + "author", new XElement(AtomNs + "name", author)) : null,
                item.Tags.Select(t => new XElement(AtomNs + "category", new XAttribute("term", t))),
                string.IsNullOrEmpty(item.Summary) ? null : new XElement(AtomNs + "summary", new XAttribute("type", "text"), item.Summary),
                new XElement(AtomNs + "content", new XAttribute("type", "html"), AbsoluteUrls(item.Html, site.BaseUrl, url))));
        }
        return Xml(root);
    }

    private sealed record JsonFeedDocument(
        string Version, string Title, string HomePageUrl, string FeedUrl, string Description, IReadOnlyList<JsonFeedAuthor> Authors,
        IReadOnlyList<JsonFeedItem> Items);

    private sealed record JsonFeedItem(
        string Id, string Url, string Title, string? Summary, string ContentHtml, string? Image, string DatePublished, string DateModified,
        IReadOnlyList<string>? Tags, IReadOnlyList<JsonFeedAuthor>? Authors);

    private sealed record JsonFeedAuthor(string Name);

    internal static byte[] JsonFeed(Site site, FeedData feed) => JsonSerializer.SerializeToUtf8Bytes(new JsonFeedDocument(
        "https://jsonfeed.org/version/1.1", site.Title, site.BaseUrl + "/", site.BaseUrl + "/feed.json", site.Description ?? $"The newest posts on {site.Title}",
        [new JsonFeedAuthor(site.Title)],
        [.. feed.Items.Select(item =>
        {
            var url = site.BaseUrl + item.Path;
            return new JsonFeedItem(item.EntryId, url, item.Title, item.Summary, AbsoluteUrls(item.Html, site.BaseUrl, url), site.Absolute(item.CoverUrl),
                Rfc3339(item.Published), Rfc3339(item.Modified), item.Tags.Count > 0 ? item.Tags : null,
                item.Author is { } author ? [new JsonFeedAuthor(author)] : null);
        })]), JsonFeedOptions);

    // ---- sitemap and robots ----

    private static async Task<IResult> SitemapAsync(
        AppDb db, TimeProvider time, IOptions<AtelierOptions> options, SiteSettingsStore settings, HttpContext http, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var site = Site.From(options.Value, await settings.GetAsync(ct));
        var posts = await Visible(db, now).OrderByDescending(p => p.PublishedAt).ThenByDescending(p => p.Id).Take(SitemapLimit - 2)
            .Select(p => new { p.Slug, p.PublishedAt, p.UpdatedAt }).ToListAsync(ct);
        var visible = Visible(db, now);
        var tags = await db.PostTags.AsNoTracking().Where(t => visible.Any(p => p.Id == t.PostId))
            .Select(t => t.Tag).Distinct().OrderBy(t => t).Take(SitemapLimit - 2 - posts.Count).ToListAsync(ct);
        var categories = (await CategoryTree.LoadAsync(db, now, ct)).All.Select(c => c.Url).Order(StringComparer.Ordinal).ToList();
        if (categories.Count > 0)
        {
            categories.Insert(0, "/categories");
        }
        var touched = await db.Posts.MaxAsync(p => (DateTime?)p.UpdatedAt, ct);

        var newest = posts.Count > 0 ? posts.Max(p => Later(p.UpdatedAt, p.PublishedAt!.Value)) : (DateTime?)null;
        var urlset = new XElement(SitemapNs + "urlset",
            Url(site.BaseUrl + "/", newest),
            Url(site.BaseUrl + "/posts", newest),
            posts.Select(p => Url(site.BaseUrl + "/posts/" + Uri.EscapeDataString(p.Slug), Later(p.UpdatedAt, p.PublishedAt!.Value))),
            tags.Select(t => Url(site.BaseUrl + TagPath(t), null)),
            categories.Take(SitemapLimit - 2 - posts.Count - tags.Count).Select(c => Url(site.BaseUrl + c, null)));
        var lastModified = Later(newest ?? DateTime.UnixEpoch, touched ?? DateTime.UnixEpoch);
        return Respond(http, Xml(urlset), "application/xml; charset=utf-8", lastModified > now ? now : lastModified);

        static XElement Url(string loc, DateTime? lastmod) => new(SitemapNs + "url",
            new XElement(SitemapNs + "loc", loc),
            lastmod is { } m ? new XElement(SitemapNs + "lastmod", Rfc3339(m)) : null);
    }

    /// <summary>Tags may be nested ("music/theory") and in any script: each segment is percent-encoded, the slashes stay.</summary>
    internal static string TagPath(string tag) => "/tags/" + string.Join('/', tag.Split('/').Select(Uri.EscapeDataString));

    internal static string Robots(Site site) =>
        $"""
        User-agent: *
        Disallow: /admin
        Disallow: /account
        Disallow: /api/

        Sitemap: {site.BaseUrl}/sitemap.xml

        """;

    // ---- HTTP validation ----

    /// <summary>The body with an ETag (its hash), Last-Modified and five minutes of shared caching; 304 when the client has it.</summary>
    internal static IResult Respond(HttpContext http, byte[] body, string contentType, DateTime? lastModified)
    {
        var etag = Platform.Http.EntityTags.For(body);
        var modified = lastModified is { } m ? new DateTimeOffset(m.Ticks - (m.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero) : (DateTimeOffset?)null;
        var response = http.Response.GetTypedHeaders();
        response.ETag = etag;
        response.LastModified = modified;
        http.Response.Headers.CacheControl = "public, max-age=300";
        var notModified = Platform.Http.EntityTags.NotModified(http.Request, etag, modified);
        return notModified ? Results.StatusCode(StatusCodes.Status304NotModified) : Results.Bytes(body, contentType);
    }

    // ---- helpers ----

    private static string Rfc1123(DateTime utc) => utc.ToString("r", CultureInfo.InvariantCulture);

    private static string Rfc3339(DateTime utc) => PostHead.Rfc3339(utc);

    /// <summary>UTF-8 XML without BOM; characters XML cannot carry (control characters, lone surrogates) are dropped first.</summary>
    internal static byte[] Xml(XElement root)
    {
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), root);
        foreach (var text in root.DescendantNodes().OfType<XText>().ToList())
        {
            text.Value = XmlSafe(text.Value);
        }
        foreach (var attribute in root.DescendantsAndSelf().Attributes().Where(a => !a.IsNamespaceDeclaration).ToList())
        {
            attribute.Value = XmlSafe(attribute.Value);
        }
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            document.Save(writer);
        }
        return stream.ToArray();
    }

    internal static string XmlSafe(string text)
    {
        var i = 0;
        while (i < text.Length && XmlConvert.IsXmlChar(text[i]))
        {
            i++;
        }
        if (i == text.Length)
        {
            return text;
        }
        var sb = new StringBuilder(text.Length).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (XmlConvert.IsXmlChar(c))
            {
                sb.Append(c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c))
            {
                sb.Append(c).Append(text[++i]);
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Post HTML links inside the site with paths ("/posts/x", "/assets/…") and in-page anchors ("#scales"); a feed reader
    /// shows it elsewhere, so those become absolute. Only attributes of real tags change: text that looks like an attribute
    /// is escaped in sanitized HTML (&lt;) and never matches.
    /// </summary>
    internal static string AbsoluteUrls(string html, string baseUrl, string pageUrl) =>
        Tag().Replace(html, tag => UrlAttribute().Replace(tag.Value, a =>
        {
            var url = a.Groups["url"].Value;
            var absolute = url.StartsWith('#') ? pageUrl + url : url.StartsWith("//", StringComparison.Ordinal) ? url : baseUrl + url;
            return a.Groups["name"].Value + absolute;
        }));

    [GeneratedRegex("""<[a-zA-Z][a-zA-Z0-9-]*(?:\s+[^\s"'=<>/]+(?:="[^"]*"|='[^']*')?)*\s*/?>""")]
    private static partial Regex Tag();

    [GeneratedRegex("""(?<name>\s(?:href|src|poster)=")(?<url>[/#][^"]*)(?=")""")]
    private static partial Regex UrlAttribute();
}
