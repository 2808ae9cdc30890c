using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;

namespace Atelier.Tests.Publishing;

/// <summary>
/// Categories from vault notes and the /categories pages. Categories are site-wide, so every test of a class files its
/// own import of the test vault under the same categories: tests look for their own posts, not for counts.
/// </summary>
public abstract class CategoriesTests(AtelierFactory app) : IDisposable
{
    private readonly string _vault = TestVault.Copy();

    public void Dispose()
    {
        Directory.Delete(_vault, recursive: true);
        GC.SuppressFinalize(this);
    }

    private Task<(ImportLog Log, Guid VaultId)> ImportAsync(Guid? vaultId = null, string? folder = null) =>
        TestVault.ImportAsync(app, folder ?? _vault, vaultId);

    private Task<Dictionary<string, string>> SlugsAsync(Guid vaultId) => TestVault.SlugsAsync(app, vaultId);

    /// <summary>The page's HTML with character references decoded (Razor writes Cyrillic as "&amp;#x41C;").</summary>
    private async Task<string> PageAsync(string path)
    {
        var response = await app.CreateClient().GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        return System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The page, or "" when it answers 404 (a category nothing visible is filed under).</summary>
    private async Task<string> PageOrNothingAsync(string path)
    {
        var response = await app.CreateClient().GetAsync(path);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return "";
        }
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        return System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static string PostList(string page) =>
        Regex.Match(page, "data-testid=\"post-list\">(.*?)</ul>", RegexOptions.Singleline).Groups[1].Value;

    private static string Breadcrumbs(string page) =>
        Regex.Match(page, "data-testid=\"breadcrumbs\">(.*?)</ol>", RegexOptions.Singleline).Groups[1].Value;

    private static string Link(string slug) => $"href=\"/posts/{Uri.EscapeDataString(slug)}\"";

    private static string Note(string frontMatter, string body = "Text.") => $"---\npublish: true\n{frontMatter}\n---\n{body}\n";

    [Fact]
    public async Task ImportedNotes_AreFiledUnderTheirCategories_AndAParentListsThePostsOfItsChildren()
    {
        var (log, vaultId) = await ImportAsync();
        log.Errors.ShouldHaveSingleItem().Path.ShouldBe("Broken.md");
        var slugs = await SlugsAsync(vaultId);

        var music = PostList(await PageAsync("/categories/music"));
        foreach (var path in new[] { "notes/Synths.md", "notes/Music theory.md", "notes/Harmony.md", "projects/Modular.md" })
        {
            music.ShouldContain(Link(slugs[path]), customMessage: path);
        }
        music.ShouldNotContain(Link(slugs["Welcome.md"]));
        // Newest first: Harmony (4 Nov) before Music theory (3 Nov) before Synths (2 Nov).
        music.IndexOf(Link(slugs["notes/Harmony.md"]), StringComparison.Ordinal)
            .ShouldBeLessThan(music.IndexOf(Link(slugs["notes/Music theory.md"]), StringComparison.Ordinal));

        var synthesis = await PageAsync("/categories/music/synthesis");
        PostList(synthesis).ShouldContain(Link(slugs["projects/Modular.md"]));
        PostList(synthesis).ShouldNotContain(Link(slugs["notes/Music theory.md"]));
        synthesis.ShouldContain("<a class=\"hover:underline\" href=\"/categories/music/synthesis/modular\">Modular</a>");

        PostList(await PageAsync("/categories/studio")).ShouldContain(Link(slugs["Welcome.md"])); // "category:" as one string
        PostList(await PageAsync("/categories/gear")).ShouldContain(Link(slugs["notes/Synths.md"])); // the second of a list

        var harmony = await PageAsync("/categories/music/theory/harmony"); // written "Music / Theory / Harmony"
        harmony.ShouldContain("<h1 class=\"text-3xl font-bold mb-6\">Harmony</h1>");
        var crumbs = Breadcrumbs(harmony);
        crumbs.ShouldContain("href=\"/categories\">Categories</a>");
        crumbs.ShouldContain("href=\"/categories/music\">Music</a>");
        crumbs.ShouldContain("href=\"/categories/music/theory\">Theory</a>");
        crumbs.ShouldContain("<span aria-current=\"page\">Harmony</span>");

        var cyrillic = "/categories/" + Uri.EscapeDataString("музыка") + "/" + Uri.EscapeDataString("синтез");
        var russian = await PageAsync("/categories/музыка/синтез");
        russian.ShouldContain("<h1 class=\"text-3xl font-bold mb-6\">Синтез</h1>");
        PostList(russian).ShouldContain(Link(slugs["Музыка/Музыка.md"]));
        Breadcrumbs(russian).ShouldContain($"href=\"/categories/{Uri.EscapeDataString("музыка")}\">Музыка</a>");

        var index = await PageAsync("/categories");
        index.ShouldContain("href=\"/categories/music\">Music</a>");
        index.ShouldContain($"href=\"{cyrillic}\">Синтез</a>");
        index.ShouldNotContain("/categories/unfinished"); // drafts/Draft.md
        index.ShouldNotContain("/categories/secret"); // Private note.md

        // The post page shows its categories, each as a trail from the top.
        var synths = await PageAsync("/posts/" + slugs["notes/Synths.md"]);
        var filed = Regex.Match(synths, "data-testid=\"post-categories\">(.*?)</ul>", RegexOptions.Singleline).Groups[1].Value;
        filed.ShouldContain("href=\"/categories/gear\">Gear</a>");
        filed.ShouldMatch("href=\"/categories/music\">Music</a>\\s*<span aria-hidden=\"true\">›</span>\\s*<a class=\"hover:underline\" href=\"/categories/music/synthesis\">Synthesis</a>");
    }

    [Fact]
    public async Task Counts_CountEachVisiblePostOnce_UnderEveryLevelAboveIt()
    {
        var folder = Path.Combine(Path.GetTempPath(), "atelier-categories-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var top = "Counted " + Guid.NewGuid().ToString("N")[..6];
            await File.WriteAllTextAsync(Path.Combine(folder, "One.md"), Note($"categories: [{top}/A, {top}/B]"));
            await File.WriteAllTextAsync(Path.Combine(folder, "Two.md"), Note($"category: {top}/A/Deep"));
            await File.WriteAllTextAsync(Path.Combine(folder, "Later.md"), Note($"category: {top}/A\ndate: 2999-01-01"));
            await ImportAsync(folder: folder);

            var key = Slug(top);
            var index = await PageAsync("/categories");
            index.ShouldMatch($"href=\"/categories/{key}\">{top}</a>\\s*<span[^>]*>\\(2\\)</span>");
            index.ShouldMatch($"href=\"/categories/{key}/a\">A</a>\\s*<span[^>]*>\\(2\\)</span>"); // the scheduled note is not counted
            index.ShouldMatch($"href=\"/categories/{key}/a/deep\">Deep</a>\\s*<span[^>]*>\\(1\\)</span>");
            index.ShouldMatch($"href=\"/categories/{key}/b\">B</a>\\s*<span[^>]*>\\(1\\)</span>");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        static string Slug(string text) => text.ToLowerInvariant().Replace(' ', '-');
    }

    [Fact]
    public async Task ReImport_MovesAPostToItsChangedCategory_AndDropsRemovedAndUnpublishedOnes()
    {
        var (_, vaultId) = await ImportAsync();
        var slugs = await SlugsAsync(vaultId);
        PostList(await PageAsync("/categories/music/theory/harmony")).ShouldContain(Link(slugs["notes/Harmony.md"]));
        PostList(await PageAsync("/categories/studio")).ShouldContain(Link(slugs["Welcome.md"]));
        var cached = await app.CreateClient().GetAsync("/categories/studio");
        cached.Headers.Age.ShouldNotBeNull("the second read comes from the output cache");

        await Rewrite("notes/Harmony.md", "category: Music / Theory / Harmony", "category: Music/Counterpoint");
        await Rewrite("Welcome.md", "category: Studio\n", "");
        await Rewrite("notes/Synths.md", "publish: true", "publish: false");
        var (log, _) = await ImportAsync(vaultId);

        log.Updated.ShouldBe(2);
        log.Unpublished.ShouldBe(1);
        PostList(await PageAsync("/categories/music/counterpoint")).ShouldContain(Link(slugs["notes/Harmony.md"]));
        PostList(await PageOrNothingAsync("/categories/music/theory/harmony")).ShouldNotContain(Link(slugs["notes/Harmony.md"]));
        PostList(await PageAsync("/categories/music")).ShouldContain(Link(slugs["notes/Harmony.md"]));
        PostList(await PageOrNothingAsync("/categories/studio")).ShouldNotContain(Link(slugs["Welcome.md"]));
        PostList(await PageOrNothingAsync("/categories/gear")).ShouldNotContain(Link(slugs["notes/Synths.md"]));
        PostList(await PageAsync("/categories/music")).ShouldNotContain(Link(slugs["notes/Synths.md"]));
        (await PageAsync("/posts/" + slugs["notes/Harmony.md"])).ShouldContain("href=\"/categories/music/counterpoint\">Counterpoint</a>");

        async Task Rewrite(string note, string from, string to)
        {
            var file = Path.Combine(_vault, note);
            var text = await File.ReadAllTextAsync(file);
            text.ShouldContain(from);
            await File.WriteAllTextAsync(file, text.Replace(from, to, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task DraftScheduledAndUnknownCategories_Answer404_AndBadCategoriesAreReported()
    {
        var folder = Path.Combine(Path.GetTempPath(), "atelier-categories-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var suffix = Guid.NewGuid().ToString("N")[..6];
            await File.WriteAllTextAsync(Path.Combine(folder, "Draft.md"), Note($"draft: true\ncategory: Drafted {suffix}"));
            await File.WriteAllTextAsync(Path.Combine(folder, "Later.md"), Note($"date: 2999-01-01\ncategory: Scheduled {suffix}"));
            await File.WriteAllTextAsync(Path.Combine(folder, "Now.md"), Note($"categories: [Visible {suffix}, \"?!/x\", a/b/c/d/e/f]"));
            var (log, _) = await ImportAsync(folder: folder);

            log.Errors.Select(e => e.Path).ShouldBe(["Now.md", "Now.md"]);
            log.Errors.ShouldContain(e => e.Message.Contains("no letters or digits", StringComparison.Ordinal));
            log.Errors.ShouldContain(e => e.Message.Contains("more than 5 levels", StringComparison.Ordinal));
            (await app.CreateClient().GetAsync($"/categories/visible-{suffix}")).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await app.CreateClient().GetAsync($"/categories/Visible {suffix}")).StatusCode.ShouldBe(HttpStatusCode.OK); // as written
            (await app.CreateClient().GetAsync($"/categories/drafted-{suffix}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await app.CreateClient().GetAsync($"/categories/scheduled-{suffix}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await app.CreateClient().GetAsync("/categories/no/such/category")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await app.CreateClient().GetAsync("/categories/%3F%21")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await app.CreateClient().GetAsync($"/categories/visible-{suffix}?cursor=nonsense")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var index = await PageAsync("/categories");
            index.ShouldContain($"visible-{suffix}");
            index.ShouldNotContain($"drafted-{suffix}");
            index.ShouldNotContain($"scheduled-{suffix}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ALongCategory_IsPagedNewestFirst()
    {
        var folder = Path.Combine(Path.GetTempPath(), "atelier-categories-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var category = "paged-" + Guid.NewGuid().ToString("N")[..6];
            for (var day = 1; day <= 25; day++)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"Day {day:00}.md"), Note($"category: Paged/{category}\ndate: 2026-10-{day:00}"));
            }
            var (_, vaultId) = await ImportAsync(folder: folder);
            var slugs = await SlugsAsync(vaultId);

            var first = await PageAsync($"/categories/paged/{category}");
            var next = Regex.Match(first, "rel=\"next\" href=\"(\\?cursor=[^\"]+)\"").Groups[1].Value;
            next.ShouldNotBeEmpty();
            var second = await PageAsync($"/categories/paged/{category}" + next);
            var order = Regex.Matches(PostList(first) + PostList(second), "href=\"/posts/([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
            order.ShouldBe(Enumerable.Range(1, 25).Reverse().Select(day => slugs[$"Day {day:00}.md"]).ToList());
            Regex.Matches(PostList(first), "<li").Count.ShouldBe(20);
            second.ShouldNotContain("rel=\"next\"");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

public sealed class CategoriesTests_Sqlite(SqliteApp app) : CategoriesTests(app), IClassFixture<SqliteApp>;

public sealed class CategoriesTests_Postgres(PostgresApp app) : CategoriesTests(app), IClassFixture<PostgresApp>;
