using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;

namespace Atelier.Tests.Publishing;

/// <summary>The test vault in this folder, copied to a temporary folder per test so tests can rename and delete notes.</summary>
internal static class TestVault
{
    public static string Source() => Path.Combine(Path.GetDirectoryName(ThisFile())!, "TestVault");

    private static string ThisFile([CallerFilePath] string path = "") => path;

    public static string Copy()
    {
        var target = Path.Combine(Path.GetTempPath(), "atelier-vault-" + Guid.NewGuid().ToString("N")[..8]);
        var source = Source();
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    /// <summary>
    /// Imports <paramref name="folder"/> as a new vault with a fresh name (so slugs get a per-test suffix), or again as
    /// the vault <paramref name="vaultId"/>.
    /// </summary>
    public static async Task<(ImportLog Log, Guid VaultId)> ImportAsync(AtelierFactory app, string folder, Guid? vaultId = null)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var vault = vaultId is { } id ? await db.Vaults.SingleAsync(v => v.Id == id) : null;
        if (vault is null)
        {
            vault = new Vault { Name = "test-" + Guid.NewGuid().ToString("N")[..8], SourcePath = folder, CreatedAt = DateTime.UtcNow };
            db.Vaults.Add(vault);
            await db.SaveChangesAsync();
        }
        var log = await scope.ServiceProvider.GetRequiredService<VaultImporter>().ImportAsync(vault, CancellationToken.None);
        return (log, vault.Id);
    }

    /// <summary>The slug of each imported note of a vault, by its path in the vault.</summary>
    public static async Task<Dictionary<string, string>> SlugsAsync(AtelierFactory app, Guid vaultId)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AppDb>().Posts.Where(p => p.VaultId == vaultId)
            .ToDictionaryAsync(p => p.VaultPath!, p => p.Slug);
    }
}

public abstract class VaultImportTests(AtelierFactory app) : IDisposable
{
    private readonly string _vault = TestVault.Copy();

    public void Dispose()
    {
        Directory.Delete(_vault, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Each test imports its own copy as its own vault (own name), so slugs get a per-test suffix.</summary>
    private Task<(ImportLog Log, Guid VaultId)> ImportAsync(Guid? vaultId = null) => TestVault.ImportAsync(app, _vault, vaultId);

    private Task<Dictionary<string, string>> SlugsAsync(Guid vaultId) => TestVault.SlugsAsync(app, vaultId);

    private async Task<string> PageAsync(string slug)
    {
        var response = await app.CreateClient().GetAsync("/posts/" + Uri.EscapeDataString(slug));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, slug);
        return await response.Content.ReadAsStringAsync();
    }

    private static string Body(string page) =>
        Regex.Match(page, "data-testid=\"post-body\">(.*?)</div>\\s*(<section|<nav|</div>\\s*</article)", RegexOptions.Singleline).Groups[1].Value;

    [Fact]
    public async Task Import_PublishesMarkedNotes_SkipsHiddenAndDrafts_AndReportsWhatItDid()
    {
        var (log, vaultId) = await ImportAsync();

        log.Notes.ShouldBe(10); // .obsidian/Hidden.md is never read
        log.Created.ShouldBe(7);
        log.Attachments.ShouldBe(1);
        log.Errors.ShouldHaveSingleItem().Path.ShouldBe("Broken.md");
        log.UnresolvedLinks.ShouldContain(new UnresolvedLink("Welcome.md", "Nonexistent"));
        log.UnresolvedLinks.ShouldContain(new UnresolvedLink("Welcome.md", "missing.png"));
        var slugs = await SlugsAsync(vaultId);
        slugs.Keys.ShouldBe(["Welcome.md", "notes/Synths.md", "notes/Music theory.md", "notes/Harmony.md", "other/Synths.md", "Музыка/Музыка.md", "projects/Modular.md"], ignoreOrder: true);
        slugs.Keys.ShouldNotContain("Private note.md");
        slugs.Keys.ShouldNotContain("drafts/Draft.md");
    }

    [Fact]
    public async Task RenderedNotes_ResolveWikilinksAliasesAndEmbeds_AndNeverLinkToUnpublishedNotes()
    {
        var (_, vaultId) = await ImportAsync();
        var slugs = await SlugsAsync(vaultId);
        var welcome = Body(await PageAsync(slugs["Welcome.md"]));

        // Duplicate names: from the vault root [[Synths]] means notes/Synths (shortest path, then name order).
        welcome.ShouldContain($"<a href=\"/posts/{slugs["notes/Synths.md"]}\" class=\"internal-link\">synthesizers</a>");
        welcome.ShouldContain($"<a href=\"/posts/{slugs["notes/Music theory.md"]}#scales\" class=\"internal-link\">");
        welcome.ShouldContain("<span class=\"unresolved-link\">Private note</span>");
        welcome.ShouldContain("<span class=\"unresolved-link\">Nonexistent</span>");
        welcome.ShouldNotContain("Secret plans");
        welcome.ShouldMatch("<img src=\"/assets/[0-9a-f]{64}/cover.png\" loading=\"lazy\" alt=\"cover.png\" width=\"300\">");
        welcome.ShouldContain("<span class=\"missing-embed\">missing.png</span>");
        welcome.ShouldContain("<mark>this first</mark>");
        welcome.ShouldContain("callout callout-tip");
        welcome.ShouldNotContain("never reaches a reader");
        welcome.ShouldContain("<a href=\"/tags/ideas\" class=\"tag\">#ideas</a>");
        welcome.ShouldContain("Code keeps [[not a link]] and #not-a-tag literal.");
        var music = "/posts/" + Uri.EscapeDataString(slugs["Музыка/Музыка.md"]);
        welcome.ShouldContain($"<a href=\"{music}\" class=\"internal-link\">Музыка</a>");
        welcome.ShouldContain($"<a href=\"{music}\" class=\"internal-link\">звук</a>");

        // In its own folder, [[Synths]] means the neighbour.
        Body(await PageAsync(slugs["other/Synths.md"])).ShouldContain($"<a href=\"/posts/{slugs["other/Synths.md"]}\" class=\"internal-link\">Synths</a>");
        // Transclusion of a section, and backlinks.
        var synths = await PageAsync(slugs["notes/Synths.md"]);
        Body(synths).ShouldContain("<div class=\"transclusion\">");
        Body(synths).ShouldContain("Major and minor scales.");
        Body(synths).ShouldNotContain("Dorian and friends.");
        synths.ShouldContain("data-testid=\"backlinks\"");
        synths.ShouldContain("Welcome to the atelier");
        // Series navigation and the table of contents.
        var theory = await PageAsync(slugs["notes/Music theory.md"]);
        theory.ShouldContain($"rel=\"next\" class=\"hover:underline\" href=\"/posts/{slugs["notes/Harmony.md"]}\">Harmony →</a>");
        theory.ShouldContain("href=\"#scales\">Scales</a>");
        // Cyrillic headings keep their letters in anchors.
        Body(await PageAsync(slugs["Музыка/Музыка.md"])).ShouldContain("id=\"музыка-и-звук\"");
    }

    [Fact]
    public async Task ImportingTheSameVaultTwice_ChangesNothing()
    {
        var (_, vaultId) = await ImportAsync();
        var slugs = await SlugsAsync(vaultId);
        var before = await PageAsync(slugs["Welcome.md"]);

        var (again, _) = await ImportAsync(vaultId);

        again.Created.ShouldBe(0);
        again.Updated.ShouldBe(0);
        again.Renamed.ShouldBe(0);
        again.Unpublished.ShouldBe(0);
        again.Unchanged.ShouldBe(7);
        again.Attachments.ShouldBe(0);
        (await SlugsAsync(vaultId)).ShouldBe(slugs);
        Body(await PageAsync(slugs["Welcome.md"])).ShouldBe(Body(before));
    }

    [Fact]
    public async Task EditedNote_UpdatesInPlace_KeepingItsSlug()
    {
        var (_, vaultId) = await ImportAsync();
        var slug = (await SlugsAsync(vaultId))["notes/Harmony.md"];
        await File.AppendAllTextAsync(Path.Combine(_vault, "notes", "Harmony.md"), "\nA new paragraph about voice leading.\n");

        var (log, _) = await ImportAsync(vaultId);

        log.Updated.ShouldBe(1);
        log.Unchanged.ShouldBe(6);
        (await SlugsAsync(vaultId))["notes/Harmony.md"].ShouldBe(slug);
        Body(await PageAsync(slug)).ShouldContain("voice leading");
    }

    [Fact]
    public async Task RenamedNote_MovesToItsNewSlug_AndTheOldAddressRedirects()
    {
        var (_, vaultId) = await ImportAsync();
        var oldSlug = (await SlugsAsync(vaultId))["notes/Harmony.md"];
        File.Move(Path.Combine(_vault, "notes", "Harmony.md"), Path.Combine(_vault, "notes", "Harmony and counterpoint.md"));

        var (log, _) = await ImportAsync(vaultId);

        log.Renamed.ShouldBe(1);
        log.Created.ShouldBe(0);
        log.Unpublished.ShouldBe(0);
        var newSlug = (await SlugsAsync(vaultId))["notes/Harmony and counterpoint.md"];
        newSlug.ShouldStartWith("harmony-and-counterpoint");
        var client = app.CreatePageClient();
        var redirect = await client.GetAsync("/posts/" + oldSlug);
        redirect.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
        redirect.Headers.Location!.OriginalString.ShouldBe("/posts/" + newSlug);
        (await client.GetAsync("/posts/" + newSlug)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DeletedNote_IsUnpublished_AndLinksToItBecomePlainText()
    {
        var (_, vaultId) = await ImportAsync();
        var slugs = await SlugsAsync(vaultId);
        File.Delete(Path.Combine(_vault, "notes", "Music theory.md"));

        var (log, _) = await ImportAsync(vaultId);

        log.Unpublished.ShouldBe(1);
        (await app.CreateClient().GetAsync("/posts/" + slugs["notes/Music theory.md"])).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var welcome = Body(await PageAsync(slugs["Welcome.md"]));
        welcome.ShouldNotContain("/posts/" + slugs["notes/Music theory.md"]);
        welcome.ShouldContain("<span class=\"unresolved-link\">Music theory &gt; Scales</span>");
    }

    [Fact]
    public async Task ProjectsAndArchive_ListWhatTheVaultPublished()
    {
        var (_, vaultId) = await ImportAsync();
        var slugs = await SlugsAsync(vaultId);
        var client = app.CreateClient();
        var projects = await client.GetStringAsync("/projects");
        projects.ShouldContain($"href=\"/posts/{slugs["projects/Modular.md"]}\"");
        projects.ShouldNotContain($"href=\"/posts/{slugs["notes/Harmony.md"]}\"");
        var archive = await client.GetStringAsync("/archive");
        archive.ShouldContain("<h2 id=\"y2026\"");
        archive.ShouldContain($"href=\"/posts/{slugs["notes/Harmony.md"]}\"");
    }

    [Fact]
    public async Task EveryLinkOnThePublicSite_Resolves()
    {
        await ImportAsync();
        var client = app.CreateClient();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(["/", "/posts"]);
        while (queue.Count > 0 && seen.Count < 500)
        {
            var path = queue.Dequeue();
            if (!seen.Add(path))
            {
                continue;
            }
            var response = await client.GetAsync(path);
            ((int)response.StatusCode).ShouldBeLessThan(400, $"{path} answered {(int)response.StatusCode}");
            if (response.Content.Headers.ContentType?.MediaType != "text/html")
            {
                continue;
            }
            var html = await response.Content.ReadAsStringAsync();
            foreach (Match m in Regex.Matches(html, "(?:href|src)=\"(/[^\"]*)\""))
            {
                var link = System.Net.WebUtility.HtmlDecode(m.Groups[1].Value).Split('#')[0];
                if (!link.StartsWith("/api/docs", StringComparison.Ordinal) && !link.StartsWith("/account/logout", StringComparison.Ordinal))
                {
                    queue.Enqueue(link);
                }
            }
        }
        seen.ShouldContain("/tags/ideas");
        seen.ShouldContain("/projects");
        seen.ShouldContain("/archive");
        seen.ShouldContain("/categories");
        seen.ShouldContain("/categories/music/theory/harmony");
        seen.ShouldContain("/categories/" + Uri.EscapeDataString("музыка") + "/" + Uri.EscapeDataString("синтез"));
        seen.Count(p => p.StartsWith("/posts/", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(7);
        seen.ShouldContain(p => p.StartsWith("/assets/", StringComparison.Ordinal));
    }
}

public sealed class VaultImportTests_Sqlite(SqliteApp app) : VaultImportTests(app), IClassFixture<SqliteApp>;

public sealed class VaultImportTests_Postgres(PostgresApp app) : VaultImportTests(app), IClassFixture<PostgresApp>;
