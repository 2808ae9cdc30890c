using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Atelier.Tests.Admin;

/// <summary>The owner names the site, describes it and sets its menu and social links; every page and feed follows.</summary>
public abstract class SiteSettingsPagesTests(AtelierFactory app)
{
    private async Task<HttpClient> OwnerPagesAsync()
    {
        await app.OwnerAsync(app.CreateClient(), "owner@atelier.test", "owner password 1");
        return await app.SignedInPageClientAsync("owner@atelier.test", "owner password 1");
    }

    private static string TitleOf(string html) => System.Net.WebUtility.HtmlDecode(Regex.Match(html, "<title>([^<]*)</title>").Groups[1].Value);

    [Fact]
    public async Task Owner_RenamesTheSite_AndSetsItsMenuAndSocialLinks_EveryPageAndFeedFollows()
    {
        var owner = await OwnerPagesAsync();
        (await owner.GetStringAsync("/admin/settings")).ShouldContain("Posts | /posts");

        var saved = await AtelierFactory.SubmitFormAsync(owner, "/admin/settings", new Dictionary<string, string>
        {
            ["Input.Title"] = "Nightingale Studio",
            ["Input.Description"] = "Field recordings & modular patches from the north.",
            ["Input.Menu"] = "Writing | /posts\nSounds | /tags/sound\nShop | https://shop.example.org/",
            ["Input.Social"] = "Mastodon | https://mastodon.social/@nightingale\nMail | mailto:hello@example.org",
        });
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await owner.GetStringAsync("/admin/settings")).ShouldContain("Settings saved.");

        var home = await app.CreateClient().GetStringAsync("/");
        TitleOf(home).ShouldBe("Nightingale Studio");
        home.ShouldContain("<meta name=\"description\" content=\"Field recordings &amp; modular patches from the north.\">");
        home.ShouldContain("<a href=\"/tags/sound\" class=\"text-sm hover:underline\">Sounds</a>");
        home.ShouldContain("<a href=\"https://shop.example.org/\" class=\"text-sm hover:underline\">Shop</a>");
        home.ShouldNotContain(">Archive</a>");
        home.ShouldContain("<a href=\"https://mastodon.social/@nightingale\" rel=\"me\"");
        home.ShouldContain("href=\"mailto:hello@example.org\" rel=\"me\"");
        TitleOf(await app.CreateClient().GetStringAsync("/archive")).ShouldBe("Archive · Nightingale Studio");

        var rss = XDocument.Parse(await app.CreateClient().GetStringAsync("/feed.xml"));
        rss.Root!.Element("channel")!.Element("title")!.Value.ShouldBe("Nightingale Studio");
        rss.Root!.Element("channel")!.Element("description")!.Value.ShouldBe("Field recordings & modular patches from the north.");
    }

    [Theory]
    [InlineData("Input.Menu", "Evil | javascript:alert(1)", "is not a path on this site")]
    [InlineData("Input.Menu", "Protocol relative | //evil.example/", "is not a path on this site")]
    [InlineData("Input.Social", "just a line without an address", "write a label")]
    [InlineData("Input.Title", "   ", "The site needs a name.")]
    public async Task BadSettings_AreRefusedWithAReason_AndNothingChanges(string field, string value, string reason)
    {
        var owner = await OwnerPagesAsync();
        var before = TitleOf(await app.CreateClient().GetStringAsync("/"));
        var fields = new Dictionary<string, string> { ["Input.Title"] = "Changed " + Guid.NewGuid().ToString("N")[..4], ["Input.Menu"] = "Posts | /posts" };
        fields[field] = value;

        var response = await AtelierFactory.SubmitFormAsync(owner, "/admin/settings", fields);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        page.ShouldContain(reason);
        page.ShouldContain(value.Trim().Length > 0 ? value : fields["Input.Menu"]);
        TitleOf(await app.CreateClient().GetStringAsync("/")).ShouldBe(before);
    }

    [Fact]
    public async Task Members_AndAuthors_CannotChangeTheSettings()
    {
        await app.RegisterAuthorAsync("writer@example.org");
        var author = await app.SignedInPageClientAsync("writer@example.org", "correct horse 1");
        var denied = await author.GetAsync("/admin/settings");
        denied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        denied.Headers.Location!.ToString().ShouldContain("/account/access-denied");
    }
}

public sealed class SiteSettingsPagesTests_Sqlite(SqliteApp app) : SiteSettingsPagesTests(app), IClassFixture<SqliteApp>;

public sealed class SiteSettingsPagesTests_Postgres(PostgresApp app) : SiteSettingsPagesTests(app), IClassFixture<PostgresApp>;
