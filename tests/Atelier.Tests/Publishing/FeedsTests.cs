using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;

namespace Atelier.Tests.Publishing;

/// <summary>The test vault imported once per test class (the database is the class's), with a cover given to the project note.</summary>
internal sealed record ImportedVault(Guid VaultId, IReadOnlyDictionary<string, (string Slug, string Title, PostKind Kind)> Posts)
{
    private static readonly ConditionalWeakTable<AtelierFactory, Task<ImportedVault>> Imports = new();

    public static Task<ImportedVault> OnceAsync(AtelierFactory app) => Imports.GetValue(app, ImportAsync);

    public string Url(string vaultPath) => AtelierFactory.PublicUrl + "/posts/" + Uri.EscapeDataString(Posts[vaultPath].Slug);

    private static async Task<ImportedVault> ImportAsync(AtelierFactory app)
    {
        var folder = TestVault.Copy();
        try
        {
            var modular = Path.Combine(folder, "projects", "Modular.md");
            await File.WriteAllTextAsync(modular, (await File.ReadAllTextAsync(modular)).Replace("publish: true\n", "publish: true\ncover: cover.png\n", StringComparison.Ordinal));
            using var scope = app.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            var vault = new Vault { Name = "feeds-" + Guid.NewGuid().ToString("N")[..8], SourcePath = folder, CreatedAt = DateTime.UtcNow };
            db.Vaults.Add(vault);
            await db.SaveChangesAsync();
            await scope.ServiceProvider.GetRequiredService<VaultImporter>().ImportAsync(vault, CancellationToken.None);
            var posts = await db.Posts.AsNoTracking().Where(p => p.VaultId == vault.Id && p.Status == PostStatus.Published)
                .ToDictionaryAsync(p => p.VaultPath!, p => (p.Slug, p.Title, p.Kind));
            return new ImportedVault(vault.Id, posts);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

public abstract class FeedsTests(AtelierFactory app)
{
    private static readonly string[] Published =
        ["Welcome.md", "notes/Synths.md", "notes/Music theory.md", "notes/Harmony.md", "other/Synths.md", "Музыка/Музыка.md", "projects/Modular.md"];

    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    private static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";

    private async Task<(HttpResponseMessage Response, string Body)> GetAsync(string path)
    {
        var response = await app.CreateClient().GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A post written straight to the database (not from the vault): for kinds and values the vault has none of.</summary>
    private async Task<string> AddPostAsync(PostKind kind, string title, DateTime publishedAt, string html = "<p>Body</p>", string? tag = null)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var post = new Post
        {
            Kind = kind,
            Slug = "direct-" + Guid.NewGuid().ToString("N")[..8],
            Title = title,
            Summary = "Summary of " + title,
            Html = html,
            Status = PostStatus.Published,
            PublishedAt = publishedAt,
            CreatedAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow,
        };
        if (tag is not null)
        {
            post.Tags.Add(new PostTag { PostId = post.Id, Tag = tag });
        }
        db.Posts.Add(post);
        await db.SaveChangesAsync();
        return post.Slug;
    }

    /// <summary>Follows an absolute link of the site through the test client (the host is the configured public URL).</summary>
    private async Task ShouldResolveAsync(string absoluteUrl)
    {
        absoluteUrl.ShouldStartWith(AtelierFactory.PublicUrl + "/");
        var response = await app.CreateClient().GetAsync(absoluteUrl[AtelierFactory.PublicUrl.Length..]);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, absoluteUrl);
    }

    private static void ContentShouldHaveOnlyAbsoluteSiteUrls(string html)
    {
        html.ShouldNotMatch("(?:href|src|poster)=\"[/#]");
        html.ShouldMatch("src=\"http://atelier\\.test/assets/[0-9a-f]{64}/cover\\.png\"");
    }

    [Fact]
    public async Task Rss_ListsEveryPublishedArticleAndProject_WithAbsoluteLinksThatResolve()
    {
        var vault = await ImportedVault.OnceAsync(app);

        var (response, body) = await GetAsync("/feed.xml");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/rss+xml");
        response.Content.Headers.ContentType.CharSet.ShouldBe("utf-8");
        var channel = XDocument.Parse(body).Root!.Element("channel")!;
        channel.Element("title")!.Value.ShouldBe("Atelier");
        channel.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "self").Attribute("href")!.Value.ShouldBe("http://atelier.test/feed.xml");
        DateTime.Parse(channel.Element("lastBuildDate")!.Value, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(DateTime.UnixEpoch);
        var items = channel.Elements("item").ToList();
        items.Count.ShouldBeLessThanOrEqualTo(50);
        foreach (var path in Published)
        {
            var item = items.SingleOrDefault(i => i.Element("link")!.Value == vault.Url(path));
            item.ShouldNotBeNull($"{path} is missing from the RSS feed");
            item.Element("title")!.Value.ShouldBe(vault.Posts[path].Title);
            item.Element("pubDate")!.Value.ShouldEndWith(" GMT");
            await ShouldResolveAsync(item.Element("link")!.Value);
        }
        var welcome = items.Single(i => i.Element("link")!.Value == vault.Url("Welcome.md"));
        welcome.Element("description")!.Value.ShouldBe("Where everything begins.");
        welcome.Elements("category").Select(c => c.Value).ShouldBe(["intro", "studio", "ideas"], ignoreOrder: true);
        ContentShouldHaveOnlyAbsoluteSiteUrls(welcome.Element(Content + "encoded")!.Value);
    }

    [Fact]
    public async Task Atom_ListsEveryPublishedArticleAndProject_WithAbsoluteLinksThatResolve()
    {
        var vault = await ImportedVault.OnceAsync(app);

        var (response, body) = await GetAsync("/atom.xml");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/atom+xml");
        var feed = XDocument.Parse(body).Root!;
        feed.Name.ShouldBe(Atom + "feed");
        feed.Element(Atom + "title")!.Value.ShouldBe("Atelier");
        feed.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "self").Attribute("href")!.Value.ShouldBe("http://atelier.test/atom.xml");
        feed.Element(Atom + "updated")!.Value.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
        var entries = feed.Elements(Atom + "entry").ToList();
        foreach (var path in Published)
        {
            var entry = entries.SingleOrDefault(e => e.Element(Atom + "link")!.Attribute("href")!.Value == vault.Url(path));
            entry.ShouldNotBeNull($"{path} is missing from the Atom feed");
            entry.Element(Atom + "title")!.Value.ShouldBe(vault.Posts[path].Title);
            entry.Element(Atom + "published")!.Value.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
            entry.Element(Atom + "updated").ShouldNotBeNull();
            entry.Element(Atom + "id")!.Value.ShouldStartWith("urn:uuid:");
            await ShouldResolveAsync(entry.Element(Atom + "link")!.Attribute("href")!.Value);
        }
        var welcome = entries.Single(e => e.Element(Atom + "link")!.Attribute("href")!.Value == vault.Url("Welcome.md"));
        welcome.Element(Atom + "published")!.Value.ShouldBe("2026-11-01T00:00:00Z");
        var content = welcome.Element(Atom + "content")!;
        content.Attribute("type")!.Value.ShouldBe("html");
        ContentShouldHaveOnlyAbsoluteSiteUrls(content.Value);
        welcome.Elements(Atom + "category").Select(c => c.Attribute("term")!.Value).ShouldContain("studio");
    }

    [Fact]
    public async Task JsonFeed_ListsEveryPublishedArticleAndProject_WithAbsoluteLinksThatResolve()
    {
        var vault = await ImportedVault.OnceAsync(app);

        var (response, body) = await GetAsync("/feed.json");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/feed+json");
        using var json = JsonDocument.Parse(body);
        var feed = json.RootElement;
        feed.GetProperty("version").GetString().ShouldBe("https://jsonfeed.org/version/1.1");
        feed.GetProperty("title").GetString().ShouldBe("Atelier");
        feed.GetProperty("feed_url").GetString().ShouldBe("http://atelier.test/feed.json");
        var items = feed.GetProperty("items").EnumerateArray().ToList();
        foreach (var path in Published)
        {
            var item = items.SingleOrDefault(i => i.GetProperty("url").GetString() == vault.Url(path));
            item.ValueKind.ShouldBe(JsonValueKind.Object, $"{path} is missing from the JSON feed");
            item.GetProperty("title").GetString().ShouldBe(vault.Posts[path].Title);
            item.GetProperty("date_published").GetString()!.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
            item.GetProperty("date_modified").GetString().ShouldNotBeNullOrEmpty();
            await ShouldResolveAsync(item.GetProperty("url").GetString()!);
        }
        var welcome = items.Single(i => i.GetProperty("url").GetString() == vault.Url("Welcome.md"));
        ContentShouldHaveOnlyAbsoluteSiteUrls(welcome.GetProperty("content_html").GetString()!);
        welcome.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldContain("intro");
        var music = items.Single(i => i.GetProperty("url").GetString() == vault.Url("Музыка/Музыка.md"));
        music.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldContain("музыка");
        var modular = items.Single(i => i.GetProperty("url").GetString() == vault.Url("projects/Modular.md"));
        await ShouldResolveAsync(modular.GetProperty("image").GetString()!);
    }

    [Fact]
    public async Task Feeds_LeaveOutPagesAndScheduledPosts_WhileTheSitemapListsPagesToo()
    {
        await ImportedVault.OnceAsync(app);
        var page = await AddPostAsync(PostKind.Page, "About this site", DateTime.UtcNow.AddMinutes(-1));
        var scheduled = await AddPostAsync(PostKind.Article, "Not yet", DateTime.UtcNow.AddDays(1));

        foreach (var path in new[] { "/feed.xml", "/atom.xml", "/feed.json" })
        {
            var (_, body) = await GetAsync(path);
            body.ShouldNotContain(page, customMessage: path);
            body.ShouldNotContain(scheduled, customMessage: path);
            body.ShouldNotContain("Not yet", customMessage: path);
        }
        var (_, sitemap) = await GetAsync("/sitemap.xml");
        sitemap.ShouldContain($"<loc>http://atelier.test/posts/{page}</loc>");
        sitemap.ShouldNotContain(scheduled);
    }

    [Fact]
    public async Task Sitemap_ListsEveryVisiblePostAndTag_AndEveryLocAnswers()
    {
        var vault = await ImportedVault.OnceAsync(app);
        var nested = await AddPostAsync(PostKind.Article, "Nested tag", DateTime.UtcNow.AddMinutes(-1), tag: "музыка/теория");

        var (response, body) = await GetAsync("/sitemap.xml");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/xml");
        var urls = XDocument.Parse(body).Root!.Elements(Sitemap + "url").ToList();
        var locs = urls.Select(u => u.Element(Sitemap + "loc")!.Value).ToList();
        locs.ShouldContain("http://atelier.test/");
        locs.ShouldContain("http://atelier.test/posts");
        foreach (var path in Published)
        {
            locs.ShouldContain(vault.Url(path));
            urls.Single(u => u.Element(Sitemap + "loc")!.Value == vault.Url(path)).Element(Sitemap + "lastmod")!.Value
                .ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
        }
        locs.ShouldContain("http://atelier.test/posts/" + nested);
        locs.ShouldContain("http://atelier.test/tags/ideas");
        locs.ShouldContain("http://atelier.test/tags/%D0%BC%D1%83%D0%B7%D1%8B%D0%BA%D0%B0"); // музыка
        locs.ShouldContain("http://atelier.test/tags/%D0%BC%D1%83%D0%B7%D1%8B%D0%BA%D0%B0/%D1%82%D0%B5%D0%BE%D1%80%D0%B8%D1%8F");
        locs.ShouldContain("http://atelier.test/categories");
        locs.ShouldContain("http://atelier.test/categories/music");
        locs.ShouldContain("http://atelier.test/categories/music/synthesis/modular");
        locs.ShouldContain("http://atelier.test/categories/%D0%BC%D1%83%D0%B7%D1%8B%D0%BA%D0%B0/%D1%81%D0%B8%D0%BD%D1%82%D0%B5%D0%B7"); // музыка/синтез
        locs.ShouldNotContain("http://atelier.test/categories/unfinished"); // only a draft is filed there
        locs.ShouldAllBe(l => Regex.IsMatch(l, "^[!-~]+$")); // percent-encoded: ASCII only
        foreach (var loc in locs)
        {
            await ShouldResolveAsync(loc);
        }
    }

    [Fact]
    public async Task RobotsTxt_KeepsCrawlersOutOfPrivateAreas_AndPointsToTheSitemap()
    {
        var (response, body) = await GetAsync("/robots.txt");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var lines = body.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldBe(["User-agent: *", "Disallow: /admin", "Disallow: /account", "Disallow: /api/", "Sitemap: http://atelier.test/sitemap.xml"]);
    }

    [Theory]
    [InlineData("/feed.xml")]
    [InlineData("/atom.xml")]
    [InlineData("/feed.json")]
    [InlineData("/sitemap.xml")]
    public async Task FeedsAndSitemap_AreCacheable_AndAnswerNotModifiedWhenTheClientHasThem(string path)
    {
        await ImportedVault.OnceAsync(app);
        var client = app.CreateClient();
        var (first, body) = await GetAsync(path);
        first.Headers.CacheControl!.Public.ShouldBeTrue();
        first.Headers.CacheControl.MaxAge.ShouldBe(TimeSpan.FromMinutes(5));
        var etag = first.Headers.ETag.ShouldNotBeNull();
        var lastModified = first.Content.Headers.LastModified.ShouldNotBeNull();

        using (var head = new HttpRequestMessage(HttpMethod.Head, path))
        {
            var response = await client.SendAsync(head);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Headers.ETag.ShouldBe(etag);
        }
        using (var same = new HttpRequestMessage(HttpMethod.Get, path))
        {
            same.Headers.IfNoneMatch.Add(etag);
            var response = await client.SendAsync(same);
            response.StatusCode.ShouldBe(HttpStatusCode.NotModified);
            response.Headers.ETag.ShouldBe(etag);
            (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        }
        using (var weak = new HttpRequestMessage(HttpMethod.Get, path))
        {
            // What a compressing proxy hands back.
            weak.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag, isWeak: true));
            (await client.SendAsync(weak)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
        }
        using (var other = new HttpRequestMessage(HttpMethod.Get, path))
        {
            other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
            other.Headers.IfModifiedSince = lastModified; // ignored when If-None-Match is sent
            var response = await client.SendAsync(other);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).ShouldBe(body);
        }
        using (var since = new HttpRequestMessage(HttpMethod.Get, path))
        {
            since.Headers.IfModifiedSince = lastModified;
            (await client.SendAsync(since)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
        }
        using (var before = new HttpRequestMessage(HttpMethod.Get, path))
        {
            before.Headers.IfModifiedSince = lastModified.AddSeconds(-1);
            (await client.SendAsync(before)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task ANewPost_ChangesTheFeedsETag()
    {
        await ImportedVault.OnceAsync(app);
        var (before, _) = await GetAsync("/feed.xml");

        await AddPostAsync(PostKind.Article, "Fresh", DateTime.UtcNow.AddSeconds(-1));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/feed.xml");
        request.Headers.IfNoneMatch.Add(before.Headers.ETag!);
        var after = await app.CreateClient().SendAsync(request);
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
        after.Headers.ETag.ShouldNotBe(before.Headers.ETag);
        (await after.Content.ReadAsStringAsync()).ShouldContain("Fresh");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/posts")]
    [InlineData("/archive")]
    [InlineData("/tags/intro")]
    public async Task PublicPages_CarryAnETag_AnswerNotModified_AndChangeTheirTagWithTheContent(string path)
    {
        await ImportedVault.OnceAsync(app);
        var client = app.CreateClient();
        var (first, _) = await GetAsync(path);
        var etag = first.Headers.ETag.ShouldNotBeNull(path);
        (await GetAsync(path)).Response.Headers.ETag.ShouldBe(etag, "the same page, served again (from the cache), keeps its tag");

        using (var again = new HttpRequestMessage(HttpMethod.Get, path))
        {
            again.Headers.IfNoneMatch.Add(etag);
            var notModified = await client.SendAsync(again);
            notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified, path);
            (await notModified.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        }

        var title = "Breaking " + Guid.NewGuid().ToString("N")[..6];
        await AddPostAsync(PostKind.Article, title, DateTime.UtcNow.AddSeconds(-1), tag: "intro");
        await app.Services.GetRequiredService<ContentChanges>().PublishedAsync(CancellationToken.None);
        using var afterChange = new HttpRequestMessage(HttpMethod.Get, path);
        afterChange.Headers.IfNoneMatch.Add(etag);
        var changed = await client.SendAsync(afterChange);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        changed.Headers.ETag.ShouldNotBe(etag);
        (await changed.Content.ReadAsStringAsync()).ShouldContain(title);
    }

    [Fact]
    public async Task PostPage_DescribesItselfToLinkPreviewsAndSearchEngines()
    {
        var vault = await ImportedVault.OnceAsync(app);

        var (_, html) = await GetAsync("/posts/" + Uri.EscapeDataString(vault.Posts["Welcome.md"].Slug));

        var canonical = Attribute(html, "link", "rel", "canonical", "href");
        canonical.ShouldBe(vault.Url("Welcome.md"));
        Meta(html, "og:url").ShouldBe(canonical);
        Meta(html, "og:title").ShouldBe("Welcome to the atelier");
        Meta(html, "og:type").ShouldBe("article");
        Meta(html, "og:site_name").ShouldBe("Atelier");
        Meta(html, "og:description").ShouldBe("Where everything begins.");
        Meta(html, "og:image").ShouldBeNull();
        Meta(html, "article:published_time").ShouldBe("2026-11-01T00:00:00Z");
        Meta(html, "article:modified_time").ShouldNotBeNull();
        Attribute(html, "meta", "name", "twitter:card", "content").ShouldBe("summary");

        using var ld = JsonDocument.Parse(JsonLd(html));
        var posting = ld.RootElement;
        posting.GetProperty("@context").GetString().ShouldBe("https://schema.org");
        posting.GetProperty("@type").GetString().ShouldBe("BlogPosting");
        posting.GetProperty("headline").GetString().ShouldBe("Welcome to the atelier");
        posting.GetProperty("url").GetString().ShouldBe(canonical);
        posting.GetProperty("mainEntityOfPage").GetProperty("@id").GetString().ShouldBe(canonical);
        posting.GetProperty("datePublished").GetString().ShouldBe("2026-11-01T00:00:00Z");
        posting.GetProperty("dateModified").GetString().ShouldNotBeNullOrEmpty();
        posting.GetProperty("description").GetString().ShouldBe("Where everything begins.");
        posting.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()).ShouldBe(["ideas", "intro", "studio"], ignoreOrder: true);
        posting.TryGetProperty("image", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task PostPageWithACover_AdvertisesItsAbsoluteImage_WithALargeCard()
    {
        var vault = await ImportedVault.OnceAsync(app);

        var (_, html) = await GetAsync("/posts/" + Uri.EscapeDataString(vault.Posts["projects/Modular.md"].Slug));

        var image = Meta(html, "og:image").ShouldNotBeNull();
        image.ShouldMatch("^http://atelier\\.test/assets/[0-9a-f]{64}/cover\\.png$");
        await ShouldResolveAsync(image);
        Attribute(html, "meta", "name", "twitter:card", "content").ShouldBe("summary_large_image");
        Attribute(html, "meta", "name", "twitter:image", "content").ShouldBe(image);
        using var ld = JsonDocument.Parse(JsonLd(html));
        ld.RootElement.GetProperty("image").GetString().ShouldBe(image);
        ld.RootElement.GetProperty("headline").GetString().ShouldBe("Modular rig");
    }

    [Fact]
    public async Task HostileTitlesAndControlCharacters_CannotBreakTheFeedsOrTheJsonLd()
    {
        await ImportedVault.OnceAsync(app);
        const string title = "Tricky </script><script>alert(1)</script> <!-- \u0001bell\u0007 & ]]>";
        var slug = await AddPostAsync(PostKind.Article, title, DateTime.UtcNow.AddMinutes(-1),
            html: "<p>form\ffeed <code>&lt;a href=\"/x\"&gt;</code> <a href=\"#part\">part</a></p>");
        const string clean = "Tricky </script><script>alert(1)</script> <!-- bell & ]]>";

        var rss = XDocument.Parse((await GetAsync("/feed.xml")).Body).Root!.Element("channel")!.Elements("item")
            .Single(i => i.Element("link")!.Value.EndsWith(slug, StringComparison.Ordinal));
        rss.Element("title")!.Value.ShouldBe(clean);
        var content = rss.Element(Content + "encoded")!.Value;
        content.ShouldBe($"<p>formfeed <code>&lt;a href=\"/x\"&gt;</code> <a href=\"http://atelier.test/posts/{slug}#part\">part</a></p>");
        var atom = XDocument.Parse((await GetAsync("/atom.xml")).Body).Root!.Elements(Atom + "entry")
            .Single(e => e.Element(Atom + "link")!.Attribute("href")!.Value.EndsWith(slug, StringComparison.Ordinal));
        atom.Element(Atom + "title")!.Value.ShouldBe(clean);
        using (var json = JsonDocument.Parse((await GetAsync("/feed.json")).Body))
        {
            json.RootElement.GetProperty("items").EnumerateArray().ShouldContain(i => i.GetProperty("url").GetString()!.EndsWith(slug, StringComparison.Ordinal));
        }

        var (_, page) = await GetAsync("/posts/" + slug);
        var block = JsonLd(page);
        block.ShouldNotContain("<");
        using var ld = JsonDocument.Parse(block);
        ld.RootElement.GetProperty("headline").GetString()!.ShouldStartWith("Tricky </script><script>alert(1)</script> <!-- ");
        Regex.Matches(page, "<script").Count.ShouldBe(Regex.Matches(page, "</script>").Count);
    }

    [Fact]
    public async Task EveryPage_AdvertisesTheThreeFeeds()
    {
        var (_, html) = await GetAsync("/");

        Attribute(html, "link", "type", "application/rss+xml", "href").ShouldBe("/feed.xml");
        Attribute(html, "link", "type", "application/atom+xml", "href").ShouldBe("/atom.xml");
        Attribute(html, "link", "type", "application/feed+json", "href").ShouldBe("/feed.json");
    }

    [Theory]
    [InlineData("/", "A home for a creator and their community")]
    [InlineData("/posts", "Every post published on this site, newest first.")]
    [InlineData("/archive", "Every post published on this site, by year.")]
    [InlineData("/projects", "The projects on this site.")]
    [InlineData("/tags/studio", "Posts tagged #studio, newest first.")]
    [InlineData("/search?q=drones", "Search the posts on this site.")]
    [InlineData("/categories", "The categories of the posts on this site.")]
    [InlineData("/categories/music/theory", "Posts filed under Music / Theory, newest first.")]
    public async Task PublicPages_DescribeThemselvesToSearchEngines(string path, string description)
    {
        await ImportedVault.OnceAsync(app);

        var (_, html) = await GetAsync(path);

        Attribute(html, "meta", "name", "description", "content").ShouldStartWith(description);
    }

    private static string? Meta(string html, string property) => Attribute(html, "meta", "property", property, "content");

    /// <summary>The value of <paramref name="wanted"/> on the first <paramref name="element"/> whose <paramref name="key"/> is <paramref name="value"/>.</summary>
    private static string? Attribute(string html, string element, string key, string value, string wanted)
    {
        foreach (Match tag in Regex.Matches(html, $"<{element}\\s[^>]*>"))
        {
            var attributes = Regex.Matches(tag.Value, "([a-z:-]+)=\"([^\"]*)\"").ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
            if (attributes.GetValueOrDefault(key) == value)
            {
                return attributes.GetValueOrDefault(wanted);
            }
        }
        return null;
    }

    private static string JsonLd(string html)
    {
        var blocks = Regex.Matches(html, "<script type=\"application/ld\\+json\">(.*?)</script>", RegexOptions.Singleline);
        blocks.Count.ShouldBe(1, "one JSON-LD block in the page's head");
        return blocks[0].Groups[1].Value;
    }
}

public sealed class FeedsTests_Sqlite(SqliteApp app) : FeedsTests(app), IClassFixture<SqliteApp>;

public sealed class FeedsTests_Postgres(PostgresApp app) : FeedsTests(app), IClassFixture<PostgresApp>;

/// <summary>The pure parts: URL rewriting and XML hygiene.</summary>
public sealed class FeedsFormatTests
{
    [Fact]
    public void AbsoluteUrls_RewritesSitePathsAndAnchorsInTags_ButNotTextOrOtherHosts()
    {
        const string html = "<p><a href=\"/posts/a\" class=\"internal-link\">a</a> <img src=\"/assets/x/c.png\" alt=\"a&gt;b\">"
            + "<video src=\"/assets/v.mp4\" poster=\"/assets/p.png\" controls></video> <a href=\"#h\">h</a> <a href=\"https://example.org/x\">x</a>"
            + " <a href=\"//cdn.example/x\">cdn</a> <code>href=\"/not-a-tag\"</code></p>";

        Feeds.AbsoluteUrls(html, "https://blog.example", "https://blog.example/posts/p").ShouldBe(
            "<p><a href=\"https://blog.example/posts/a\" class=\"internal-link\">a</a> <img src=\"https://blog.example/assets/x/c.png\" alt=\"a&gt;b\">"
            + "<video src=\"https://blog.example/assets/v.mp4\" poster=\"https://blog.example/assets/p.png\" controls></video>"
            + " <a href=\"https://blog.example/posts/p#h\">h</a> <a href=\"https://example.org/x\">x</a>"
            + " <a href=\"//cdn.example/x\">cdn</a> <code>href=\"/not-a-tag\"</code></p>");
    }

    [Fact]
    public void XmlSafe_DropsWhatXmlCannotCarry_AndKeepsEverythingElse()
    {
        Feeds.XmlSafe("plain Музыка 🎹").ShouldBe("plain Музыка 🎹");
        Feeds.XmlSafe("a\u0000b\u0008c\td\ne\u000Bf\uFFFEg\uD800h\uDC00i").ShouldBe("abc\td\nefghi");
    }

    [Fact]
    public void TagPath_EncodesEachSegment_AndKeepsTheSlashes()
    {
        Feeds.TagPath("музыка/теория").ShouldBe("/tags/%D0%BC%D1%83%D0%B7%D1%8B%D0%BA%D0%B0/%D1%82%D0%B5%D0%BE%D1%80%D0%B8%D1%8F");
        Feeds.TagPath("c#").ShouldBe("/tags/c%23");
    }
}
