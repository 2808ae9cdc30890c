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
