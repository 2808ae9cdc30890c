using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;

namespace Atelier.Tests.Publishing;

/// <summary>The admin post editor pages, through HTTP with the site cookie and antiforgery, as an author's browser uses them.</summary>
public abstract partial class PostEditorTests(AtelierFactory app)
{
    /// <summary>A 48×32 PNG: indigo over yellow.</summary>
    internal static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAAOUlEQVR42u3OMQ0AMAgAMEzM0l6MY2MmduGCcDSpgEbet0oICQkJCQkJCQ2Hfp1VhISEhISEhISGNVkK/4gkqz+cAAAAAElFTkSuQmCC");

    private async Task<HttpClient> AuthorAsync()
    {
        var email = $"author-{Guid.NewGuid():N}@example.org";
        await app.RegisterAuthorAsync(email);
        return await app.SignedInPageClientAsync(email, "correct horse 1");
    }

    private static Dictionary<string, string> Form(string title, string source, string publish = "Draft", string tags = "") => new()
    {
        ["Input.Title"] = title, ["Input.Source"] = source, ["Input.Publish"] = publish, ["Input.Tags"] = tags, ["Input.Kind"] = "Article",
    };

    /// <summary>Saves the form of an editor page; returns where the browser is sent.</summary>
    private static async Task<string> SaveAsync(HttpClient client, string path, Dictionary<string, string> fields)
    {
        var saved = await AtelierFactory.SubmitFormAsync(client, path, fields);
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect, await saved.Content.ReadAsStringAsync());
        return saved.Headers.Location!.OriginalString;
    }

    private static async Task<HttpResponseMessage> HandlerAsync(HttpClient client, string path, string handler, HttpContent content)
    {
        var token = AtelierFactory.AntiforgeryToken(await client.GetStringAsync(path));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{path}?handler={handler}") { Content = content };
        request.Headers.Add("RequestVerificationToken", token);
        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] bytes, string name, string type = "image/png")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(type);
        return HandlerAsync(client, "/admin/posts/new", "Upload", new MultipartFormDataContent { { file, "file", name } });
    }

    [Fact]
    public async Task Author_WritesADraft_EditsIt_AndPublishes_ThroughTheEditorForm()
    {
        var author = await AuthorAsync();
        var title = "Tape loops " + Guid.NewGuid().ToString("N")[..6];
        (await author.GetStringAsync("/admin/posts/new")).ShouldContain("New post");

        var edit = await SaveAsync(author, "/admin/posts/new", Form(title, "First ==draft==. #loops", tags: "Tape, found-sound"));
        var slug = EditPath().Match(edit).Groups[1].Value;
        slug.ShouldStartWith("tape-loops-");
        var page = await author.GetStringAsync(edit);
        page.ShouldContain("Draft saved.");
        page.ShouldContain("First ==draft==. #loops</textarea>");
        page.ShouldContain("<mark>draft</mark>", customMessage: "the preview shows the rendered text");
        page.ShouldContain("value=\"found-sound, tape\"", customMessage: "the tags field keeps the chosen tags; #loops comes from the text");
        (await app.CreateClient().GetAsync("/posts/" + slug)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var list = await author.GetStringAsync("/admin/posts");
        list.ShouldContain(title);
        list.ShouldContain("Draft");

        (await SaveAsync(author, edit, Form(title, "Second text, now public.", publish: "Now", tags: "tape"))).ShouldBe(edit);
        (await author.GetStringAsync(edit)).ShouldContain("Published.");
        var reader = await app.CreateClient().GetStringAsync("/posts/" + slug);
        reader.ShouldContain("Second text, now public.");
        reader.ShouldNotContain("#loops");
        (await app.CreateClient().GetStringAsync("/")).ShouldContain(title);
        (await author.GetStringAsync("/admin/posts")).ShouldContain($"href=\"/posts/{slug}\"");

        var withRevision = await author.GetStringAsync(edit);
        withRevision.ShouldContain("Earlier versions");
        var restore = RestoreForm().Match(withRevision);
        restore.Success.ShouldBeTrue(withRevision);
        var restored = await AtelierFactory.SubmitFormAsync(author, edit, new Dictionary<string, string>(), System.Net.WebUtility.HtmlDecode(restore.Groups[1].Value));
        restored.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await app.CreateClient().GetStringAsync("/posts/" + slug)).ShouldContain("<mark>draft</mark>");
    }

    [Fact]
    public async Task Categories_ChosenInTheEditor_FileThePost_AndStayAcrossEdits()
    {
        var author = await AuthorAsync();
        var title = "Granular " + Guid.NewGuid().ToString("N")[..6];
        var fields = Form(title, "Clouds of grains.", publish: "Now");
        fields["Input.Categories"] = "Sound/Granular synthesis\nЗвук";
        var edit = await SaveAsync(author, "/admin/posts/new", fields);
        var slug = EditPath().Match(edit).Groups[1].Value;

        var category = await app.CreateClient().GetStringAsync("/categories/sound");
        category.ShouldContain(title);
        (await author.GetStringAsync(edit)).ShouldContain("sound/granular-synthesis");

        // Saving again without touching the field keeps the categories.
        var again = Form(title, "Clouds of grains, longer.", publish: "Now");
        again["Input.Categories"] = System.Net.WebUtility.HtmlDecode(
            Regex.Match(await author.GetStringAsync(edit), @"name=""Input.Categories""[^>]*>\s*([^<]*)</textarea>").Groups[1].Value);
        await SaveAsync(author, edit, again);
        (await app.CreateClient().GetStringAsync("/categories/sound/granular-synthesis")).ShouldContain(title);
        (await app.CreateClient().GetAsync("/categories/" + Uri.EscapeDataString("звук"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var bad = Form(title, "x", publish: "Now");
        bad["Input.Categories"] = "a/b/c/d/e/f";
        var refused = await AtelierFactory.SubmitFormAsync(author, edit, bad);
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("a/b/c/d/e/f:");
        slug.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Scheduling_KeepsThePostHidden_UntilItsTime_AndTheListSaysScheduled()
    {
        var author = await AuthorAsync();
        var title = "Later " + Guid.NewGuid().ToString("N")[..6];
        var fields = Form(title, "Not yet.", publish: "Schedule");
        fields["Input.PublishAt"] = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-ddTHH:mm");
        var edit = await SaveAsync(author, "/admin/posts/new", fields);
        (await author.GetStringAsync(edit)).ShouldContain("Scheduled for ");
        (await app.CreateClient().GetAsync("/posts/" + EditPath().Match(edit).Groups[1].Value)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await author.GetStringAsync("/admin/posts")).ShouldContain("Scheduled");
    }

    [Fact]
    public async Task InvalidInput_IsShownByTheField_AndKeepsWhatTheAuthorTyped()
    {
        var author = await AuthorAsync();
        var taken = "Taken " + Guid.NewGuid().ToString("N")[..6];
        await SaveAsync(author, "/admin/posts/new", Form(taken, "First."));

        var blank = await AtelierFactory.SubmitFormAsync(author, "/admin/posts/new", Form("   ", "My long careful text."));
        blank.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await blank.Content.ReadAsStringAsync();
        html.ShouldContain("The title cannot be blank.");
        html.ShouldContain("My long careful text.</textarea>");
        html.ShouldContain("Not saved");

        var fields = Form("Another title", "Text I must not lose.", publish: "Schedule");
        fields["Input.Slug"] = taken;
        fields["Input.CoverUrl"] = "javascript:alert(1)";
        var clash = await AtelierFactory.SubmitFormAsync(author, "/admin/posts/new", fields);
        clash.StatusCode.ShouldBe(HttpStatusCode.OK);
        html = await clash.Content.ReadAsStringAsync();
        html.ShouldContain("Choose when to publish.");
        html.ShouldContain("Give a web address");
        html.ShouldContain("Text I must not lose.</textarea>");

        fields = Form("Another title", "Text I must not lose.");
        fields["Input.Slug"] = taken;
        html = await (await AtelierFactory.SubmitFormAsync(author, "/admin/posts/new", fields)).Content.ReadAsStringAsync();
        html.ShouldContain($"The slug &#x27;{Slugs.From(taken)}&#x27; is taken");
        html.ShouldContain("Text I must not lose.</textarea>");
    }

    [Fact]
    public async Task OtherAuthors_CannotOpenAPost_MembersAreDenied_AndAuthorsStayOutOfAdminPages()
    {
        var alice = await AuthorAsync();
        var edit = await SaveAsync(alice, "/admin/posts/new", Form("Alice " + Guid.NewGuid().ToString("N")[..6], "Mine."));

        var bob = await AuthorAsync();
        (await bob.GetAsync(edit)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await (await bob.GetAsync("/admin/posts")).Content.ReadAsStringAsync()).ShouldNotContain(edit);
        var token = AtelierFactory.AntiforgeryToken(await bob.GetStringAsync("/admin/posts/new"));
        var stolen = Form("Stolen", "Bob's.");
        stolen["__RequestVerificationToken"] = token;
        (await bob.PostAsync(edit, new FormUrlEncodedContent(stolen))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await alice.GetStringAsync(edit)).ShouldContain("Mine.</textarea>");
        var denied = await bob.GetAsync("/admin");
        denied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        denied.Headers.Location!.ToString().ShouldContain("/account/access-denied");

        var memberEmail = $"member-{Guid.NewGuid():N}@example.org";
        await app.RegisterConfirmedAsync(app.CreateClient(), memberEmail);
        var member = await app.SignedInPageClientAsync(memberEmail, "correct horse 1");
        foreach (var path in new[] { "/admin/posts", "/admin/posts/new", edit })
        {
            var refused = await member.GetAsync(path);
            refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            refused.Headers.Location!.ToString().ShouldContain("/account/access-denied");
        }
        var anonymous = await app.CreatePageClient().GetAsync("/admin/posts/new");
        anonymous.Headers.Location!.ToString().ShouldContain("/account/login");
    }

    [Fact]
    public async Task Upload_RefusesNonImages_AndOversizedFiles_AndServesAStoredPng()
    {
        var author = await AuthorAsync();

        var text = await UploadAsync(author, "<svg onload=alert(1)>"u8.ToArray(), "evil.png");
        text.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        text.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        var huge = new byte[PostImages.MaxBytes + 1];
        Png.CopyTo(huge, 0);
        var tooLarge = await UploadAsync(author, huge, "huge.png");
        tooLarge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        tooLarge.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        var photo = new byte[5 * 1024 * 1024]; // larger than the 1 MB other requests may send
        Png.CopyTo(photo, 0);
        (await UploadAsync(author, photo, "photo.png")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var uploaded = await UploadAsync(author, Png, "../../Screen Shot 1.PNG");
        uploaded.StatusCode.ShouldBe(HttpStatusCode.OK);
        var image = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
        var url = image.GetProperty("url").GetString()!;
        url.ShouldMatch("^/assets/[0-9a-f]{64}/screen-shot-1\\.png$");
        image.GetProperty("markdown").GetString().ShouldBe($"![screen-shot-1]({url})");
        var served = await app.CreateClient().GetAsync(url);
        served.StatusCode.ShouldBe(HttpStatusCode.OK);
        served.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        (await served.Content.ReadAsByteArrayAsync()).ShouldBe(Png);

        var again = await (await UploadAsync(author, Png, "other name.png")).Content.ReadFromJsonAsync<JsonElement>();
        again.GetProperty("url").GetString()!.Split('/')[2].ShouldBe(url.Split('/')[2], "the same bytes keep their address");

        var noToken = await author.PostAsync("/admin/posts/new?handler=Upload", new MultipartFormDataContent { { new ByteArrayContent(Png), "file", "a.png" } });
        noToken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Preview_RendersLikeThePublishedPost_AndDropsScripts()
    {
        var author = await AuthorAsync();
        var target = "Target " + Guid.NewGuid().ToString("N")[..6];
        var edit = await SaveAsync(author, "/admin/posts/new", Form(target, "Hello.", publish: "Now"));

        var preview = await HandlerAsync(author, edit, "Preview", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["source"] = $"Rain on ==tin==, see [[{target}]].\n\n<script>alert(1)</script><img src=x onerror=alert(2)>",
        }));
        preview.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await preview.Content.ReadAsStringAsync();
        html.ShouldContain("<mark>tin</mark>");
        html.ShouldContain($"href=\"/posts/{Slugs.From(target)}\"");
        html.ShouldNotContain("<script");
        html.ShouldNotContain("onerror");
        html.ShouldNotContain("alert(1)");

        var other = await AuthorAsync();
        (await HandlerAsync(other, "/admin/posts/new", "Preview", new FormUrlEncodedContent(new Dictionary<string, string> { ["source"] = "x" })))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var token = AtelierFactory.AntiforgeryToken(await other.GetStringAsync("/admin/posts/new"));
        using var foreign = new HttpRequestMessage(HttpMethod.Post, $"{edit}?handler=Preview")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["source"] = "x" }),
        };
        foreign.Headers.Add("RequestVerificationToken", token);
        (await other.SendAsync(foreign)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PostsFromAVault_AreShownReadOnly_AndCannotBeSavedHere()
    {
        var slug = "vault-note-" + Guid.NewGuid().ToString("N")[..6];
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            db.Posts.Add(new Post
            {
                Slug = slug, Title = "From the vault", Source = "Vault text.", Html = "<p>Vault text.</p>", VaultId = Guid.NewGuid(),
                VaultPath = "notes/x.md", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        var owner = await app.SignedInPageClientAsync(await OwnerEmailAsync(), "owner password 1");
        var edit = $"/admin/posts/{slug}/edit";
        var html = await owner.GetStringAsync(edit);
        html.ShouldContain("edit the note in the vault");
        html.ShouldContain("<fieldset class=\"space-y-6\" disabled=\"disabled\">");

        var saved = await AtelierFactory.SubmitFormAsync(owner, edit, Form("Changed", "Changed here."));
        saved.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await saved.Content.ReadAsStringAsync()).ShouldContain("This post comes from a vault");
        (await owner.GetStringAsync(edit)).ShouldContain("Vault text.</textarea>");
    }

    private async Task<string> OwnerEmailAsync()
    {
        await app.OwnerAsync(app.CreateClient());
        return "owner@atelier.test";
    }

    [GeneratedRegex("^/admin/posts/([^/]+)/edit$")]
    private static partial Regex EditPath();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+handler=Restore[^\"]+)\"")]
    private static partial Regex RestoreForm();
}

public sealed class PostEditorTests_Sqlite(SqliteApp app) : PostEditorTests(app), IClassFixture<SqliteApp>;

public sealed class PostEditorTests_Postgres(PostgresApp app) : PostEditorTests(app), IClassFixture<PostgresApp>;
