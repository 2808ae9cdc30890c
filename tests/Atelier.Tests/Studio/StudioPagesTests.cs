using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Atelier.Tests.Messenger;

namespace Atelier.Tests.Studio;

/// <summary>The /studio page, the embed player page and a post that embeds a patch.</summary>
public abstract partial class StudioPagesTests(AtelierFactory app)
{
    [GeneratedRegex("data-patch=\"([^\"]*)\"")]
    private static partial Regex DataPatch();

    [Fact]
    public async Task TheEmbedPage_Is404ForAPrivatePatch_AndShowsAPublicOnesControls_AndMayBeFramedAnywhere()
    {
        var ann = await app.UserAsync("Ann");
        var doc = StudioApps.Simple();
        doc["controls"] = new JsonArray(
            new JsonObject { ["node"] = "flt", ["param"] = "cutoff", ["label"] = "Brightness" },
            new JsonObject { ["node"] = "osc", ["param"] = "detune" });
        var open = await ann.CreatePatchAsync("Open <b>drone</b>", doc, "public");
        var secret = await ann.CreatePatchAsync("Secret drone", doc);
        var unlisted = await ann.CreatePatchAsync("Link drone", doc, "unlisted");
        var client = app.CreateClient();

        (await client.GetAsync($"/embed/patch/{secret.GetProperty("slug").GetString()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/embed/patch/no-such-patch")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync($"/embed/patch/{unlisted.GetProperty("slug").GetString()}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var page = await client.GetAsync($"/embed/patch/{open.GetProperty("slug").GetString()}");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("/app/patch-embed.js");
        html.ShouldNotContain("<b>drone</b>");
        html.ShouldNotContain("<nav"); // no site chrome

        var data = JsonDocument.Parse(WebUtility.HtmlDecode(DataPatch().Match(html).Groups[1].Value)).RootElement;
        data.GetProperty("id").GetGuid().ShouldBe(open.GetProperty("id").GetGuid());
        data.GetProperty("name").GetString().ShouldBe("Open <b>drone</b>");
        var controls = data.GetProperty("controls");
        controls.GetArrayLength().ShouldBe(2);
        controls[0].GetProperty("label").GetString().ShouldBe("Brightness");
        controls[0].GetProperty("value").GetDouble().ShouldBe(2000);
        controls[0].GetProperty("spec").GetProperty("max").GetDouble().ShouldBe(20000);
        controls[0].GetProperty("spec").GetProperty("unit").GetString().ShouldBe("Hz");
        controls[1].GetProperty("label").GetString().ShouldBe("Detune");
        controls[1].GetProperty("value").GetDouble().ShouldBe(0); // not set on the node: the manifest's default

        page.Headers.Contains("X-Frame-Options").ShouldBeFalse();
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("frame-ancestors *");
        csp.ShouldContain("frame-src 'self'");
        page.Headers.GetValues("Permissions-Policy").Single().ShouldContain("midi=(self)");
    }

    [Fact]
    public async Task TheStudioPage_NeedsSigningIn_AndMountsTheEditorWithMidiAllowed()
    {
        var anonymous = app.CreatePageClient();
        var redirect = await anonymous.GetAsync("/studio");
        redirect.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        redirect.Headers.Location!.ToString().ShouldContain("/account/login");

        var email = $"studio-{Guid.NewGuid():N}@example.org";
        await app.MemberAsync("Studio user", email, "correct horse 1");
        var client = await app.SignedInPageClientAsync(email, "correct horse 1");
        var id = Guid.NewGuid();
        var page = await client.GetAsync($"/studio/{id}");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("id=\"studio-root\"");
        html.ShouldContain($"data-patch-id=\"{id}\"");
        html.ShouldContain("/app/studio.js");
        html.ShouldContain("data-token-url=\"/studio?handler=Token\"");
        page.Headers.GetValues("Permissions-Policy").Single().ShouldContain("midi=(self)");
        page.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");

        var token = await client.PostAsync("/studio?handler=Token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Regex.Match(html, "data-antiforgery=\"([^\"]+)\"").Groups[1].Value,
        }));
        token.StatusCode.ShouldBe(HttpStatusCode.OK);
        var accessToken = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        (await app.CreateClient(accessToken).GetAsync("/api/v1/patches?scope=mine")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task APostEmbeddingAPatch_RendersThePlayerIframe_WhichThePostPageMayFrame()
    {
        var email = $"author-{Guid.NewGuid():N}@example.org";
        await app.RegisterAuthorAsync(email);
        var author = app.CreateClient((await AtelierFactory.LoginAsync(app.CreateClient(), email, "correct horse 1")).AccessToken);
        var me = await author.GetFromJsonAsync<JsonElement>("/api/v1/me");
        var patch = await (await author.PostAsJsonAsync("/api/v1/patches", new { name = "Post drone", visibility = "public", document = StudioApps.Simple() }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var slug = patch.GetProperty("slug").GetString()!;
        me.GetProperty("id").GetGuid().ShouldBe(patch.GetProperty("owner").GetProperty("id").GetGuid());

        var created = await author.PostAsJsonAsync("/api/v1/posts", new
        {
            title = "Listen " + Guid.NewGuid().ToString("N")[..6],
            source = $"Press play:\n\n![[patch:{slug}]]\n\n<iframe src=\"https://evil.example/\"></iframe>",
            status = "Published",
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var post = await created.Content.ReadFromJsonAsync<JsonElement>();
        var expected = $"<iframe class=\"embed-patch\" src=\"/embed/patch/{slug}\" loading=\"lazy\" title=\"Studio patch {slug}\" allow=\"autoplay; midi\"></iframe>";
        post.GetProperty("html").GetString()!.ShouldContain(expected);
        post.GetProperty("html").GetString()!.ShouldNotContain("evil.example");

        var page = await app.CreateClient().GetAsync("/posts/" + post.GetProperty("slug").GetString());
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain(expected);
        // default-src 'self' covers frame-src: the post may frame our own player and nothing else.
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("default-src 'self'");
        csp.ShouldNotContain("frame-src");
        (await app.CreateClient().GetAsync($"/embed/patch/{slug}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}

public sealed class StudioPagesTests_Sqlite(StudioSqliteApp app) : StudioPagesTests(app), IClassFixture<StudioSqliteApp>;

public sealed class StudioPagesTests_Postgres(StudioPostgresApp app) : StudioPagesTests(app), IClassFixture<StudioPostgresApp>;
