using System.Net.Http.Json;

namespace Atelier.Tests.Admin;

/// <summary>The admin's view of tags and categories: counts, renaming a tag on the posts written here, renaming a category.</summary>
public abstract class TagsPagesTests(AtelierFactory app)
{
    [Fact]
    public async Task Admin_RenamesATag_AndACategory_AndReadersSeeTheNewNames()
    {
        var client = app.CreateClient();
        var owner = app.CreateClient((await app.OwnerAsync(client)).AccessToken);
        var marker = Guid.NewGuid().ToString("N")[..6];
        (await owner.PostAsJsonAsync("/api/v1/posts", new
        {
            title = "Oscillators " + marker, source = "Sines and saws.", status = "Published", tags = new[] { "synth-" + marker },
            categories = new[] { $"Gear {marker}/Modules" },
        })).EnsureSuccessStatusCode();
        var pages = await app.SignedInPageClientAsync("owner@atelier.test", "owner password 1");

        var list = await pages.GetStringAsync("/admin/tags");
        list.ShouldContain($"#synth-{marker}");
        list.ShouldContain($"gear-{marker}/modules");

        var renamed = await AtelierFactory.SubmitFormAsync(pages, "/admin/tags", new Dictionary<string, string>
        {
            ["tag"] = "synth-" + marker, ["to"] = "Synths-" + marker,
        }, postPath: "/admin/tags?handler=RenameTag");
        renamed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await pages.GetStringAsync("/admin/tags")).ShouldContain($"#synth-{marker} is now #synths-{marker} on 1 post(s).");
        (await app.CreateClient().GetAsync($"/tags/synth-{marker}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.CreateClient().GetStringAsync($"/tags/synths-{marker}")).ShouldContain("Oscillators " + marker);

        var category = await AtelierFactory.SubmitFormAsync(pages, "/admin/tags", new Dictionary<string, string>
        {
            ["path"] = $"gear-{marker}", ["name"] = "Hardware",
        }, postPath: "/admin/tags?handler=RenameCategory");
        category.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await app.CreateClient().GetStringAsync($"/categories/gear-{marker}")).ShouldContain("Hardware");

        var bad = await AtelierFactory.SubmitFormAsync(pages, "/admin/tags", new Dictionary<string, string>
        {
            ["tag"] = "synths-" + marker, ["to"] = "two words",
        }, postPath: "/admin/tags?handler=RenameTag");
        bad.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("without spaces");
    }
}

public sealed class TagsPagesTests_Sqlite(SqliteApp app) : TagsPagesTests(app), IClassFixture<SqliteApp>;

public sealed class TagsPagesTests_Postgres(PostgresApp app) : TagsPagesTests(app), IClassFixture<PostgresApp>;
