using System.Net.Http.Headers;
using System.Text.Json;

namespace Atelier.Tests.Publishing;

public abstract class PostsApiTests(AtelierFactory app)
{
    private async Task<HttpClient> AuthorAsync()
    {
        var email = $"author-{Guid.NewGuid():N}@example.org";
        await app.RegisterAuthorAsync(email);
        return app.CreateClient((await AtelierFactory.LoginAsync(app.CreateClient(), email, "correct horse 1")).AccessToken);
    }

    [Fact]
    public async Task Author_WritesADraft_PublishesIt_AndReadersSeeItRendered()
    {
        var author = await AuthorAsync();
        var title = "Field recording " + Guid.NewGuid().ToString("N")[..6];
        var created = await author.PostAsJsonAsync("/api/v1/posts", new
        {
            title,
            source = "# Intro\n\nRain on a ==tin roof==. #field-recording\n\n<script>alert(1)</script>",
            tags = new[] { "Sound" },
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var post = await created.Content.ReadFromJsonAsync<JsonElement>();
        var slug = post.GetProperty("slug").GetString()!;
        post.GetProperty("status").GetString().ShouldBe("Draft");
        post.GetProperty("html").GetString()!.ShouldContain("<mark>tin roof</mark>");
        post.GetProperty("html").GetString()!.ShouldNotContain("<script");
        post.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["field-recording", "sound"], ignoreOrder: true);

        (await app.CreateClient().GetAsync("/posts/" + slug)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.CreateClient().GetAsync("/api/v1/posts/" + slug)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await author.GetFromJsonAsync<JsonElement>("/api/v1/posts?status=Draft")).GetProperty("items").EnumerateArray()
            .ShouldContain(p => p.GetProperty("slug").GetString() == slug);

        var published = await author.PutAsJsonAsync("/api/v1/posts/" + slug, new { title, source = "Now public.", status = "Published" });
        published.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await app.CreateClient().GetStringAsync("/posts/" + slug);
        page.ShouldContain("Now public.");
        var found = await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/search?q=" + Uri.EscapeDataString(title));
        found.GetProperty("items").EnumerateArray().ShouldContain(i => i.GetProperty("title").GetString() == title);
        (await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/posts?limit=100")).GetProperty("items").EnumerateArray()
            .ShouldContain(p => p.GetProperty("slug").GetString() == slug);
    }

    [Fact]
    public async Task Wikilinks_InApiPosts_ResolveToOtherPosts_ByTitle()
    {
        var author = await AuthorAsync();
        var target = "Target " + Guid.NewGuid().ToString("N")[..6];
        var t = await (await author.PostAsJsonAsync("/api/v1/posts", new { title = target, source = "Hello.", status = "Published" })).Content.ReadFromJsonAsync<JsonElement>();
        var linking = await author.PostAsJsonAsync("/api/v1/posts", new { title = "Linking " + target, source = $"See [[{target}]] and [[Nowhere at all]].", status = "Published" });
        var html = (await linking.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("html").GetString()!;
        html.ShouldContain($"<a href=\"/posts/{t.GetProperty("slug").GetString()}\" class=\"internal-link\">{target}</a>");
        html.ShouldContain("<span class=\"unresolved-link\">Nowhere at all</span>");
    }

    [Fact]
    public async Task Revisions_KeepEarlierText_AndRestoreBringsItBack()
    {
        var author = await AuthorAsync();
        var title = "Revised " + Guid.NewGuid().ToString("N")[..6];
        var slug = (await (await author.PostAsJsonAsync("/api/v1/posts", new { title, source = "First text.", status = "Published" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;
        (await author.PutAsJsonAsync("/api/v1/posts/" + slug, new { title, source = "Second text.", status = "Published" })).EnsureSuccessStatusCode();

        var revisions = await author.GetFromJsonAsync<JsonElement>($"/api/v1/posts/{slug}/revisions");
        var first = revisions.EnumerateArray().ShouldHaveSingleItem();
        var restored = await author.PostAsync($"/api/v1/posts/{slug}/revisions/{first.GetProperty("id").GetGuid()}/restore", null);
        restored.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await restored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("source").GetString().ShouldBe("First text.");
        (await app.CreateClient().GetStringAsync("/posts/" + slug)).ShouldContain("First text.");
        (await author.GetFromJsonAsync<JsonElement>($"/api/v1/posts/{slug}/revisions")).GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task OnlyAuthorsWrite_AndAuthorsOnlyTheirOwnPosts()
    {
        var alice = await AuthorAsync();
        var bob = await AuthorAsync();
        var slug = (await (await alice.PostAsJsonAsync("/api/v1/posts", new { title = "Alice " + Guid.NewGuid().ToString("N")[..6], source = "Mine." }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;

        (await bob.PutAsJsonAsync("/api/v1/posts/" + slug, new { title = "Stolen", source = "Bob's." })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.DeleteAsync("/api/v1/posts/" + slug)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var member = await app.RegisterConfirmedAsync(app.CreateClient(), $"member-{Guid.NewGuid():N}@example.org");
        (await app.CreateClient(member.AccessToken).PostAsJsonAsync("/api/v1/posts", new { title = "No", source = "No." })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.CreateClient().PostAsJsonAsync("/api/v1/posts", new { title = "No", source = "No." })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await alice.DeleteAsync("/api/v1/posts/" + slug)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await app.CreateClient().GetAsync("/api/v1/posts/" + slug)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PublicPages_AreServedFromCache_UntilContentChanges()
    {
        var author = await AuthorAsync();
        var reader = app.CreateClient();
        var title = "Cached " + Guid.NewGuid().ToString("N")[..6];
        var slug = (await (await author.PostAsJsonAsync("/api/v1/posts", new { title, source = "Version one.", status = "Published" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;
        (await reader.GetStringAsync("/posts/" + slug)).ShouldContain("Version one.");
        var first = await reader.GetAsync("/posts/" + slug);
        first.Headers.Age.ShouldNotBeNull("the second read comes from the output cache");

        (await author.PutAsJsonAsync("/api/v1/posts/" + slug, new { title, source = "Version two.", status = "Published" })).EnsureSuccessStatusCode();
        (await reader.GetStringAsync("/posts/" + slug)).ShouldContain("Version two.");
    }

    [Fact]
    public async Task Categories_AreFiledWithTheirParents_ShownOnTheDtos_AndReplacedOnUpdate()
    {
        var author = await AuthorAsync();
        var top = "Sound " + Guid.NewGuid().ToString("N")[..6];
        var key = top.ToLowerInvariant().Replace(' ', '-');
        var title = "Filed " + Guid.NewGuid().ToString("N")[..6];
        var created = await author.PostAsJsonAsync("/api/v1/posts", new { title, source = "Text.", status = "Published", categories = new[] { $"{top}/Synthesis/FM", "Звук" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var post = await created.Content.ReadFromJsonAsync<JsonElement>();
        var slug = post.GetProperty("slug").GetString()!;
        Categories(post).ShouldBe([$"{key}/synthesis/fm", "звук"]);
        Categories(await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/posts/" + slug)).ShouldBe([$"{key}/synthesis/fm", "звук"]);
        Categories((await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/posts?limit=100")).GetProperty("items").EnumerateArray()
            .Single(p => p.GetProperty("slug").GetString() == slug)).ShouldBe([$"{key}/synthesis/fm", "звук"]);

        // The list filters by a category and everything below it, by name or key.
        foreach (var filter in new[] { top, key, $"{top}/Synthesis" })
        {
            var filtered = await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/posts?category=" + Uri.EscapeDataString(filter));
            filtered.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("slug").GetString()).ShouldBe([slug], customMessage: filter);
        }
        (await app.CreateClient().GetFromJsonAsync<JsonElement>($"/api/v1/posts?category={key}/elsewhere")).GetProperty("items").GetArrayLength().ShouldBe(0);
        (await app.CreateClient().GetAsync("/api/v1/posts?category=%2F%2F")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var parent = System.Net.WebUtility.HtmlDecode(await app.CreateClient().GetStringAsync($"/categories/{key}"));
        parent.ShouldContain($"<h1 class=\"text-3xl font-bold mb-6\">{top}</h1>");
        parent.ShouldContain($"href=\"/posts/{slug}\"");
        parent.ShouldContain($"href=\"/categories/{key}/synthesis\">Synthesis</a>");

        // Sending back the keys keeps the names as first written; PUT replaces the categories.
        (await author.PutAsJsonAsync("/api/v1/posts/" + slug, new { title, source = "Text.", status = "Published", categories = new[] { $"{key}/synthesis" } }))
            .EnsureSuccessStatusCode();
        Categories(await author.GetFromJsonAsync<JsonElement>("/api/v1/posts/" + slug)).ShouldBe([$"{key}/synthesis"]);
        (await app.CreateClient().GetAsync($"/categories/{key}/synthesis/fm")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        System.Net.WebUtility.HtmlDecode(await app.CreateClient().GetStringAsync("/posts/" + slug))
            .ShouldContain($"href=\"/categories/{key}\">{top}</a>");

        // A draft's categories are kept but not shown to the public.
        var draft = await (await author.PostAsJsonAsync("/api/v1/posts", new { title = title + " draft", source = "Text.", categories = new[] { top + " drafts" } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Categories(draft).ShouldBe([key + "-drafts"]);
        (await app.CreateClient().GetAsync($"/categories/{key}-drafts")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        static string[] Categories(JsonElement post) => post.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).ToArray();
    }

    [Theory]
    [InlineData("eleven paths", "maximum length of '10'")]
    [InlineData("six levels", "more than 5 levels")]
    [InlineData("201 characters", "longer than 200 characters")]
    [InlineData("a level without letters", "the level '?!' has no letters or digits")]
    [InlineData("blank", "needs a name")]
    [InlineData("null", "needs a name")]
    public async Task Categories_BeyondTheLimits_AreAValidationProblem(string what, string message)
    {
        var author = await AuthorAsync();
        string[] categories = what switch
        {
            "eleven paths" => Enumerable.Range(1, 11).Select(i => $"Topic {i}").ToArray(),
            "six levels" => ["a/b/c/d/e/f"],
            "201 characters" => [new string('a', 201)],
            "a level without letters" => ["Music/?!"],
            "null" => [null!],
            _ => [" / "],
        };

        var response = await author.PostAsJsonAsync("/api/v1/posts", new { title = "Too much " + Guid.NewGuid().ToString("N")[..6], source = "Text.", categories });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty("categories")[0].GetString()!.ShouldContain(message);
    }

    [Fact]
    public async Task ChangingTheSlug_RedirectsTheOldAddress()
    {
        var author = await AuthorAsync();
        var title = "Moving " + Guid.NewGuid().ToString("N")[..6];
        var slug = (await (await author.PostAsJsonAsync("/api/v1/posts", new { title, source = "Text.", status = "Published" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;
        (await author.PutAsJsonAsync("/api/v1/posts/" + slug, new { title, slug = slug + "-moved", source = "Text.", status = "Published" })).EnsureSuccessStatusCode();
        var redirect = await app.CreatePageClient().GetAsync("/posts/" + slug);
        redirect.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
        redirect.Headers.Location!.OriginalString.ShouldBe($"/posts/{slug}-moved");
    }
}

public sealed class PostsApiTests_Sqlite(SqliteApp app) : PostsApiTests(app), IClassFixture<SqliteApp>;

public sealed class PostsApiTests_Postgres(PostgresApp app) : PostsApiTests(app), IClassFixture<PostgresApp>;
