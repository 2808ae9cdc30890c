using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;

namespace Atelier.Tests.Publishing;

/// <summary>Search over imported notes, through the API and the page, on both databases.</summary>
public abstract class SearchTests(AtelierFactory app) : IDisposable
{
    private readonly List<string> _folders = [];

    protected sealed record Hit(string Type, string Title, string Url, string Snippet, double Score, DateTime PublishedAt);

    private sealed record Results(List<Hit> Items);

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>A tag no other test uses: fixtures carry it, searches filter by it, so tests sharing a database do not see each other's notes.</summary>
    protected static string NewTag() => "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Writes notes (path, Markdown with front matter) into a new temporary vault folder.</summary>
    protected string Vault(params (string Path, string Text)[] notes)
    {
        var folder = Path.Combine(Path.GetTempPath(), "atelier-search-" + Guid.NewGuid().ToString("N")[..8]);
        _folders.Add(folder);
        foreach (var (path, text) in notes)
        {
            Write(folder, path, text);
        }
        return folder;
    }

    protected static void Write(string folder, string path, string text)
    {
        var file = Path.Combine(folder, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }

    protected static string Note(string tag, string body, string extra = "") => $"---\npublish: true\ntags: [{tag}]\n{extra}---\n{body}\n";

    /// <summary>Imports a folder as a vault (a new one, or again as <paramref name="vaultId"/>) the way <c>import-vault</c> does.</summary>
    protected async Task<Guid> ImportAsync(string folder, Guid? vaultId = null)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var vault = vaultId is { } id ? await db.Vaults.SingleAsync(v => v.Id == id) : null;
        if (vault is null)
        {
            vault = new Vault { Name = "search-" + Guid.NewGuid().ToString("N")[..8], SourcePath = folder, CreatedAt = DateTime.UtcNow };
            db.Vaults.Add(vault);
            await db.SaveChangesAsync();
        }
        var log = await scope.ServiceProvider.GetRequiredService<VaultImporter>().ImportAsync(vault, CancellationToken.None);
        log.Errors.Where(e => e.Path != "Broken.md").ShouldBeEmpty();
        return vault.Id;
    }

    private static readonly ConcurrentDictionary<AtelierFactory, Lazy<Task>> TestVaults = new();

    /// <summary>Imports the shared test vault into this class's database once: tests count on finding its notes among the first 20.</summary>
    protected Task EnsureTestVaultAsync() => TestVaults.GetOrAdd(app, _ => new Lazy<Task>(async () =>
    {
        var copy = TestVault.Copy();
        try
        {
            await ImportAsync(copy);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    })).Value;

    protected async Task<List<Hit>> SearchAsync(string q, string? tag = null, string? type = null, int? limit = null)
    {
        var url = "/api/v1/search?q=" + Uri.EscapeDataString(q) + (tag is null ? "" : "&tag=" + Uri.EscapeDataString(tag))
            + (type is null ? "" : "&type=" + Uri.EscapeDataString(type)) + (limit is null ? "" : $"&limit={limit}");
        var response = await app.CreateClient().GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{url}: {await response.Content.ReadAsStringAsync()}");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        return (await response.Content.ReadFromJsonAsync<Results>())!.Items;
    }

    /// <summary>What the snippet shows a reader, without the highlighting.</summary>
    private static string Unmarked(string snippet) => snippet.Replace("<mark>", "", StringComparison.Ordinal).Replace("</mark>", "", StringComparison.Ordinal);

    [Fact]
    public async Task Search_FindsANoteByAWordInItsText_WithTheWordMarkedInTheSnippet()
    {
        await EnsureTestVaultAsync();

        var hits = await SearchAsync("scales");

        var theory = hits.First(h => h.Title == "Music theory");
        theory.Type.ShouldBe("post");
        theory.Url.ShouldStartWith("/posts/music-theory");
        theory.PublishedAt.ShouldBe(new DateTime(2026, 11, 3, 0, 0, 0, DateTimeKind.Utc));
        theory.Score.ShouldBeGreaterThan(0);
        theory.Snippet.ShouldMatch("(?i)<mark>scales</mark>");
        hits.ShouldAllBe(h => h.Snippet.Contains("<mark>"), "every hit shows where it matched");
        hits.Select(h => h.Score).ShouldBeInOrder(SortDirection.Descending);
    }

    [Fact]
    public async Task TitleMatches_RankAboveMatchesInTheText()
    {
        var tag = NewTag();
        await ImportAsync(Vault(
            ("Mentions.md", Note(tag, "Notes about instruments: drums, flutes, and once a kalimba at a fair. More drums.")),
            ("Kalimba.md", Note(tag, "A small instrument with metal tines."))));

        var hits = await SearchAsync("kalimba", tag);

        hits.Select(h => h.Title).ShouldBe(["Kalimba", "Mentions"]);
        hits[0].Score.ShouldBeGreaterThan(hits[1].Score);
    }

    [Fact]
    public async Task NoteTitledWithAWord_ComesFirst_EvenWhenHundredsOfNewerNotesMentionIt()
    {
        var tag = NewTag();
        // The word past the first 200 characters, so not in the summary either (which weighs like a tag).
        var practice = string.Concat(Enumerable.Repeat("Breath, posture and long tones. ", 8));
        var notes = Enumerable.Range(0, 250)
            .Select(i => ($"Mention {i}.md", Note(tag, $"Practice log {i}. {practice}Then the ocarina.", $"date: 2026-0{1 + i % 9}-1{i % 10}\n")))
            .Append(("Ocarina.md", Note(tag, "A vessel flute, usually of clay.", "date: 2020-01-01\n")))
            .ToArray();
        await ImportAsync(Vault(notes));

        var hits = await SearchAsync("ocarina", tag);

        hits.Count.ShouldBe(20);
        hits[0].Title.ShouldBe("Ocarina");
    }

    [Fact]
    public async Task WordFarIntoALongNote_IsMarkedInTheSnippet()
    {
        var tag = NewTag();
        var filler = string.Concat(Enumerable.Repeat("Long rehearsal notes about timing and breath. ", 2800));
        await ImportAsync(Vault(("Long.md", Note(tag, filler + "At the very end: a didgeridoo."))));

        var hit = (await SearchAsync("didgeridoo", tag)).ShouldHaveSingleItem();

        hit.Snippet.ShouldContain("<mark>didgeridoo</mark>");
    }

    [Fact]
    public async Task CyrillicQuery_FindsTheRussianNote_WhateverTheCase()
    {
        await EnsureTestVaultAsync();

        (await SearchAsync("музыка")).ShouldContain(h => h.Title == "Музыка");
        var upper = await SearchAsync("МУЗЫКА синтез");
        upper.ShouldContain(h => h.Title == "Музыка");
        upper.First(h => h.Title == "Музыка").Snippet.ShouldContain("<mark>");
    }

    [Fact]
    public async Task BeginningOfAWord_FindsTheWholeWord()
    {
        var tag = NewTag();
        await ImportAsync(Vault(("Studio.md", Note(tag, "I play synthesizers and drum machines."))));

        // Typed so far: "synth" of "synthesizers", "drum mach" of "drum machines".
        (await SearchAsync("synth", tag)).ShouldHaveSingleItem().Snippet.ShouldContain("<mark>synthesizers</mark>");
        (await SearchAsync("drum mach", tag)).ShouldHaveSingleItem().Snippet.ShouldContain("<mark>machines</mark>");
        await EnsureTestVaultAsync();
        (await SearchAsync("synth")).ShouldContain(h => h.Title == "Synths");
    }

    [Fact]
    public async Task UnpublishedDraftAndScheduledNotes_NeverAppear_AndUnpublishingOrEditingANoteUpdatesTheIndex()
    {
        await EnsureTestVaultAsync();
        (await SearchAsync("secret plans")).ShouldBeEmpty(); // Private note.md: publish: false
        (await SearchAsync("ready")).ShouldNotContain(h => h.Title == "Draft"); // drafts/Draft.md: draft: true

        var tag = NewTag();
        var folder = Vault(
            ("Visible.md", Note(tag, "The quokka visits the garden.")),
            ("Private.md", "---\npublish: false\ntags: [" + tag + "]\n---\nA quokka secret.\n"),
            ("Draft.md", Note(tag, "A quokka draft.", "draft: true\n")),
            ("Scheduled.md", Note(tag, "A quokka from the future.", "date: 2099-01-01\n")));
        var vault = await ImportAsync(folder);
        (await SearchAsync("quokka", tag)).Select(h => h.Title).ShouldBe(["Visible"]);
        (await SearchAsync("quokka")).Select(h => h.Title).ShouldNotContain("Scheduled");
        using (var scope = app.Services.CreateScope())
        {
            // The scheduled post is in the index already; the date alone keeps it out of results until it comes.
            (await scope.ServiceProvider.GetRequiredService<AppDb>().Posts.CountAsync(p => p.VaultId == vault && p.Title == "Scheduled" && p.Status == PostStatus.Published)).ShouldBe(1);
        }

        Write(folder, "Visible.md", Note(tag, "The wombat visits the garden."));
        await ImportAsync(folder, vault);
        (await SearchAsync("wombat", tag)).Select(h => h.Title).ShouldBe(["Visible"]);
        (await SearchAsync("quokka", tag)).ShouldBeEmpty();

        Write(folder, "Visible.md", "---\npublish: false\ntags: [" + tag + "]\n---\nThe wombat visits the garden.\n");
        await ImportAsync(folder, vault);
        (await SearchAsync("wombat", tag)).ShouldBeEmpty();

        File.Delete(Path.Combine(folder, "Scheduled.md"));
        await ImportAsync(folder, vault);
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            (await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM search_document_tags WHERE tag = {0}", tag).SingleAsync())
                .ShouldBe(0, "an unpublished note leaves the index entirely");
        }
    }

    public static readonly TheoryData<string> SyntaxQueries =
    [
        "\"", "\"scales", "*", "scales*", "(", ")", "(scales", "NEAR(scales theory)", "NEAR", "-", "-scales", "--", ":", "title:scales",
        "scales AND OR NOT", "OR", "^scales", "'", "\\", "{}", "%", "_", ";DROP TABLE search_documents;--", "\0", "a\0b", "\u0002scales\u0003",
"🎹", "\u0301", "e\u0301tude", "日本語", "\uFEFF", "x\u200Bz", "<script>", "&amp;", "scales:*", "!scales", "scales & | !", "'scales':*", "+", "@@", "...", "\t \n",
    ];

    [Theory]
    [MemberData(nameof(SyntaxQueries))]
    public async Task QueryWithSearchSyntaxCharacters_Answers200_NeverAnError(string q)
    {
        var response = await app.CreateClient().GetAsync("/api/v1/search?q=" + Uri.EscapeDataString(q));

        var status = (int)response.StatusCode;
        // Whitespace only is not a query (400); everything else is taken as words.
        (status == 200 || (status == 400 && q.Trim().Length == 0)).ShouldBeTrue($"{q} answered {status}: {await response.Content.ReadAsStringAsync()}");
        if (status == 200)
        {
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").ValueKind.ShouldBe(JsonValueKind.Array);
        }
    }

    [Theory]
    [InlineData("scales*")]
    [InlineData("(scales)")]
    [InlineData("\"scales")]
    [InlineData("scales:*")]
    public async Task QueryWithSearchSyntaxCharacters_StillFindsTheWords(string q)
    {
        await EnsureTestVaultAsync();

        (await SearchAsync(q)).ShouldContain(h => h.Title == "Music theory");
    }

    [Fact]
    public async Task Snippet_NeverCarriesHtmlFromTheNote()
    {
        var tag = NewTag();
        await ImportAsync(Vault(("Xss.md", Note(tag,
            "The xylophone `<script>alert('xylophone')</script>` and `<img src=x onerror=alert(1)>` xylophone & \"quotes\".\n\nAnother xylophone <b>here</b>."))));
        using (var scope = app.Services.CreateScope())
        {
            // Guard: the text really holds the markup, so the snippet has something to escape.
            (await scope.ServiceProvider.GetRequiredService<AppDb>().Posts.Where(p => p.Title == "Xss" && p.Tags.Any(t => t.Tag == tag)).Select(p => p.PlainText).SingleAsync())
                .ShouldContain("<script>");
        }

        var hit = (await SearchAsync("xylophone", tag)).ShouldHaveSingleItem();

        hit.Snippet.ShouldContain("<mark>");
        hit.Snippet.ShouldNotContain("<script", Case.Insensitive);
        hit.Snippet.ShouldNotContain("<img", Case.Insensitive);
        hit.Snippet.ShouldContain("&lt;script&gt;");
        Unmarked(hit.Snippet).ShouldNotContain("<");
        Unmarked(hit.Snippet).ShouldNotContain(">");
        Regex.Matches(hit.Snippet, "<[^>]*>").Select(m => m.Value).Distinct().ShouldBeSubsetOf(["<mark>", "</mark>"]);
    }

    [Fact]
    public async Task TagAndTypeFilters_AreExact_AndLimitCapsTheResults()
    {
        var tag = NewTag();
        await ImportAsync(Vault(
            ("One.md", Note(tag, "A marimba in the hall.")),
            ("Two.md", Note(tag, "Marimba lessons.")),
            ("Three.md", Note(tag, "The marimba tuned.")),
            ("Untagged.md", "---\npublish: true\n---\nA marimba elsewhere.\n")));

        (await SearchAsync("marimba", tag)).Count.ShouldBe(3);
        (await SearchAsync("marimba", tag, "post")).Count.ShouldBe(3);
        (await SearchAsync("marimba", tag, "track")).ShouldBeEmpty();
        (await SearchAsync("marimba", tag.ToUpperInvariant())).ShouldBeEmpty();
        (await SearchAsync("marimba", tag[..^1])).ShouldBeEmpty();
        (await SearchAsync("marimba", tag, limit: 2)).Count.ShouldBe(2);
        (await SearchAsync("marimba")).Count.ShouldBeGreaterThanOrEqualTo(4);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?q=")]
    [InlineData("?q=%20%20")]
    [InlineData("?limit=5")]
    [InlineData("?q=x&limit=0")]
    [InlineData("?q=x&limit=51")]
    [InlineData("?q=x&limit=abc")]
    [InlineData("?q=x&type=" + "tttttttttttttttttttttttttttttttttttttt")]
    public async Task InvalidQuery_Is400Problem(string query)
    {
        var response = await app.CreateClient().GetAsync("/api/v1/search" + query);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task MissingOrTooLongQuery_IsAValidationProblemNamingQ()
    {
        foreach (var query in new[] { "", "?q=" + new string('a', 201) })
        {
            var response = await app.CreateClient().GetAsync("/api/v1/search" + query);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("errors").TryGetProperty("q", out _).ShouldBeTrue(problem.ToString());
        }
        (await SearchAsync(new string('a', 200))).ShouldBeEmpty();
    }

    [Fact]
    public async Task SearchPage_ShowsAFormResultsWithMarkedSnippets_AndSaysWhenNothingMatches()
    {
        await EnsureTestVaultAsync();
        var client = app.CreateClient();

        var empty = await client.GetStringAsync("/search");
        empty.ShouldContain("<form method=\"get\" action=\"/search\"");
        empty.ShouldMatch("<label for=\"search-q\"[^>]*>");
        empty.ShouldMatch("<input id=\"search-q\"[^>]* type=\"search\" name=\"q\"");
        empty.ShouldNotContain("data-testid=\"search-results\"");
        empty.ShouldNotContain("No results");

        var found = await client.GetStringAsync("/search?q=scales");
        found.ShouldContain("data-testid=\"search-results\"");
        found.ShouldMatch("<a class=\"hover:underline\" href=\"/posts/music-theory[^\"]*\">Music theory</a>");
        found.ShouldMatch("(?i)<mark>scales</mark>");
        found.ShouldContain("value=\"scales\"");
        found.ShouldContain("3 November 2026");

        var nothing = await client.GetStringAsync("/search?q=" + Uri.EscapeDataString("zzqqxx <b>"));
        nothing.ShouldContain("No results for “zzqqxx &lt;b&gt;”.");
        nothing.ShouldNotContain("data-testid=\"search-results\"");
    }

    [Fact]
    public async Task Rebuild_RestoresAnEmptiedIndexFromThePosts_EveryOneOfThem()
    {
        var tag = NewTag();
        await ImportAsync(Vault(("Ocarina.md", Note(tag, "An ocarina of clay."))));
        (await SearchAsync("ocarina", tag)).ShouldHaveSingleItem();

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        // More posts than one batch of the post source, so paging through them is exercised.
        var many = NewTag();
        for (var i = 0; i < 450; i++)
        {
            var post = new Post { Slug = $"{many}-{i}", Title = $"Bulk {i}", PlainText = "A bulk post about a theremin.", Status = PostStatus.Published, PublishedAt = DateTime.UtcNow.AddDays(-1) };
            post.Tags.Add(new PostTag { Tag = many });
            db.Posts.Add(post);
        }
        await db.SaveChangesAsync();
        await db.Database.ExecuteSqlRawAsync("DELETE FROM search_document_tags");
        await db.Database.ExecuteSqlRawAsync("DELETE FROM search_documents");
        (await SearchAsync("ocarina", tag)).ShouldBeEmpty();

        var counts = await scope.ServiceProvider.GetRequiredService<SearchIndex>().RebuildAsync(CancellationToken.None);

        counts["post"].ShouldBe(await db.Posts.CountAsync(p => p.Status == PostStatus.Published));
        (await SearchAsync("ocarina", tag)).ShouldHaveSingleItem().Title.ShouldBe("Ocarina");
        (await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM search_document_tags WHERE tag = {0}", many).SingleAsync()).ShouldBe(450);
        (await SearchAsync("theremin", many, limit: 50)).Count.ShouldBe(50);
    }
}

public sealed class SearchTests_Sqlite(SqliteApp app) : SearchTests(app), IClassFixture<SqliteApp>;

public sealed class SearchTests_Postgres(PostgresApp app) : SearchTests(app), IClassFixture<PostgresApp>
{
    [Fact]
    public async Task Stemming_FindsOtherFormsOfAWord_InEnglishAndRussian()
    {
        var tag = NewTag();
        await ImportAsync(Vault(
            ("Run.md", Note(tag, "I run along the river every morning.")),
            ("Вечер.md", Note(tag, "Вечер с музыкой и друзьями."))));
        await EnsureTestVaultAsync();

        (await SearchAsync("running", tag)).Select(h => h.Title).ShouldBe(["Run"]);
        (await SearchAsync("музыка", tag)).Select(h => h.Title).ShouldBe(["Вечер"]);
        (await SearchAsync("музыкой", tag)).ShouldHaveSingleItem().Snippet.ShouldContain("<mark>музыкой</mark>");
        (await SearchAsync("музыкой")).ShouldContain(h => h.Title == "Музыка");
    }

    [Fact]
    public async Task WebSearchSyntax_PhrasesOrAndExclusion()
    {
        var tag = NewTag();
        await ImportAsync(Vault(
            ("Cello.md", Note(tag, "A cello and a bow.")),
            ("Viola.md", Note(tag, "A viola and a bow.")),
            ("Both.md", Note(tag, "Then cello and viola, with a bow."))));

        (await SearchAsync("cello -viola", tag)).Select(h => h.Title).ShouldBe(["Cello"]);
        (await SearchAsync("cello or viola", tag)).Count.ShouldBe(3);
        (await SearchAsync("\"cello and a bow\"", tag)).Select(h => h.Title).ShouldBe(["Cello"]);
    }
}
