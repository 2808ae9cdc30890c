using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Atelier.Features.Media;
using Atelier.Features.Media.Processing;
using Atelier.Platform.Data;

namespace Atelier.Tests.Media;

/// <summary>Authors and admins manage the media library in the admin: upload, browse, filter, edit and act on several items.</summary>
public abstract partial class MediaPagesTests(MediaApp app)
{
    /// <summary>A real 500×300 PNG, which processing turns into variants.</summary>
    private static async Task<byte[]> Png() => await File.ReadAllBytesAsync(await MediaFixtures.PngWithAlphaAsync());

    private static async Task<byte[]> Pdf() => await File.ReadAllBytesAsync(await MediaFixtures.PdfAsync());

    private sealed record Author(HttpClient Pages, HttpClient Api, Guid Id);

    private async Task<Author> AuthorAsync()
    {
        var email = $"author-{Guid.NewGuid():N}@example.org";
        await app.RegisterAuthorAsync(email);
        var api = app.CreateClient((await AtelierFactory.LoginAsync(app.CreateClient(), email, "correct horse 1")).AccessToken);
        var id = (await api.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetGuid();
        return new Author(await app.SignedInPageClientAsync(email, "correct horse 1"), api, id);
    }

    private static async Task<HttpResponseMessage> PostUploadAsync(
        HttpClient pages, string fileName, byte[] bytes, string? tags = null, bool withToken = true, Guid? albumId = null)
    {
        var token = AtelierFactory.AntiforgeryToken(await pages.GetStringAsync("/admin/media"));
        using var form = new MultipartFormDataContent();
        if (tags is not null)
        {
            form.Add(new StringContent(tags), "tags");
        }
        if (albumId is not null)
        {
            form.Add(new StringContent(albumId.Value.ToString()), "albumId");
        }
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/media?handler=Upload") { Content = form };
        if (withToken)
        {
            request.Headers.Add("RequestVerificationToken", token);
        }
        return await pages.SendAsync(request);
    }

    private static async Task<Guid> UploadAsync(HttpClient pages, string fileName, byte[] bytes, string? tags = null, Guid? albumId = null)
    {
        var response = await PostUploadAsync(pages, fileName, bytes, tags, albumId: albumId);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>The names shown in the grid, in order.</summary>
    private static List<string> Names(string page) =>
        [.. NameInGrid().Matches(page).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    [GeneratedRegex("data-testid=\"media-name\">([^<]*)</span>")]
    private static partial Regex NameInGrid();

    private static Task WaitUntilProcessedAsync(HttpClient api, Guid id) => MediaApp.WaitUntilProcessedAsync(api, id.ToString());

    /// <summary>Posts the bulk form of the grid at <paramref name="listUrl"/> and follows the redirect back to it (the page's text, decoded).</summary>
    private static async Task<string> BulkAsync(HttpClient pages, string listUrl, string action, IEnumerable<Guid> ids, params (string Name, string Value)[] extra)
    {
        var page = await pages.GetStringAsync(listUrl);
        var formAction = WebUtility.HtmlDecode(Regex.Match(page, "<form id=\"bulk\" method=\"post\" action=\"([^\"]+)\"").Groups[1].Value);
        formAction.ShouldStartWith("/admin/media?handler=Bulk");
        var fields = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", AtelierFactory.AntiforgeryToken(page)), new("bulk", action) };
        fields.AddRange(ids.Select(id => new KeyValuePair<string, string>("ids", id.ToString())));
        fields.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Name, e.Value)));
        var response = await pages.PostAsync(formAction, new FormUrlEncodedContent(fields));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return WebUtility.HtmlDecode(await pages.GetStringAsync(response.Headers.Location!.OriginalString));
    }

    [Fact]
    public async Task UploadingThroughThePage_Answers201WithTheItem_AndTheItemAppearsInTheGrid()
    {
        var author = await AuthorAsync();
        var response = await PostUploadAsync(author.Pages, "Sunset over the bay.png", await Png());

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        response.Headers.Location!.OriginalString.ShouldBe($"/admin/media/{id}");
        body.GetProperty("fileName").GetString().ShouldBe("sunset-over-the-bay.png");
        body.GetProperty("kind").GetString().ShouldBe("Image");
        body.GetProperty("status").GetString().ShouldBeOneOf("Processing", "Ready");
        body.GetProperty("url").GetString()!.ShouldStartWith($"/media/{id}/sunset-over-the-bay.png?v=");
        body.TryGetProperty("thumbnailUrl", out _).ShouldBeTrue();

        var grid = await author.Pages.GetStringAsync("/admin/media");
        Names(grid).ShouldBe(["sunset-over-the-bay.png"]);
        grid.ShouldContain($"href=\"/admin/media/{id}\"");
        grid.ShouldContain("data-media-upload data-upload-url=\"/admin/media?handler=Upload\"");
        grid.ShouldContain("<script type=\"module\" src=\"/admin/media?handler=Script\"></script>");
        var script = await author.Pages.GetAsync("/admin/media?handler=Script");
        script.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        (await script.Content.ReadAsStringAsync()).ShouldContain("'media-uploaded'");

        await WaitUntilProcessedAsync(author.Api, id);
        var ready = await author.Pages.GetStringAsync("/admin/media");
        ready.ShouldContain("data-testid=\"status\">ready</span>");
        ready.ShouldContain($"<img src=\"/media/{id}/w320.webp?v=", customMessage: "the grid shows the smallest variant processing made");
        ready.ShouldNotContain("data-testid=\"processing-notice\"");
        (await author.Pages.GetAsync(body.GetProperty("url").GetString())).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnUploadLargerThanTheSiteWideBodyCap_IsStreamedIn()
    {
        var author = await AuthorAsync();
        var big = new byte[3 * 1024 * 1024];
        (await Png()).CopyTo(big, 0);
        var response = await PostUploadAsync(author.Pages, "big-panorama.png", big);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var grid = await author.Pages.GetStringAsync("/admin/media");
        Names(grid).ShouldBe(["big-panorama.png"]);
        grid.ShouldContain("Image · 3 MB");
    }

    [Fact]
    public async Task AnUploadWithoutTheAntiforgeryToken_IsRefused_AndStoresNothing()
    {
        var author = await AuthorAsync();
        var response = await PostUploadAsync(author.Pages, "sneaky.png", await Png(), withToken: false);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await author.Api.GetFromJsonAsync<JsonElement>("/api/v1/media")).GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task AnExecutableNamedLikeAPhoto_IsRefusedWith415_AndNeverShown()
    {
        var author = await AuthorAsync();
        var exe = new byte[2048];
        "MZ"u8.CopyTo(exe);
        var response = await PostUploadAsync(author.Pages, "holiday.jpg", exe);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().ShouldBe("This file type is not supported.");
        problem.GetProperty("detail").GetString()!.ShouldContain("holiday.jpg");
        var grid = await author.Pages.GetStringAsync("/admin/media");
        Names(grid).ShouldBeEmpty();
        grid.ShouldContain("No media yet.");
    }

    [Fact]
    public async Task AFileOverItsKindsLimit_IsRefusedWith413_SayingTheLimit()
    {
        var author = await AuthorAsync();
        var pdf = new byte[MediaApp.SmallDocumentLimit + 1];
        "%PDF-1.4\n"u8.CopyTo(pdf);
        var response = await PostUploadAsync(author.Pages, "huge-manual.pdf", pdf);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().ShouldBe("The file is too large.");
        problem.GetProperty("detail").GetString().ShouldBe("'huge-manual.pdf' is larger than the document limit of 256 KB.");
        Names(await author.Pages.GetStringAsync("/admin/media")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Filters_NarrowTheGrid_ByKindTextTagAndStatus()
    {
        var author = await AuthorAsync();
        var fox = await UploadAsync(author.Pages, "red-fox.png", await Png(), tags: "wildlife, autumn");
        var notes = await UploadAsync(author.Pages, "field-notes.pdf", await Pdf());
        await WaitUntilProcessedAsync(author.Api, fox);
        await WaitUntilProcessedAsync(author.Api, notes);

        Names(await author.Pages.GetStringAsync("/admin/media")).ShouldBe(["field-notes.pdf", "red-fox.png"]);
        Names(await author.Pages.GetStringAsync("/admin/media?kind=Document")).ShouldBe(["field-notes.pdf"]);
        Names(await author.Pages.GetStringAsync("/admin/media?kind=Image")).ShouldBe(["red-fox.png"]);
        Names(await author.Pages.GetStringAsync("/admin/media?q=FOX")).ShouldBe(["red-fox.png"]);
        Names(await author.Pages.GetStringAsync("/admin/media?tag=wildlife")).ShouldBe(["red-fox.png"]);
        Names(await author.Pages.GetStringAsync("/admin/media?status=Ready")).ShouldBe(["field-notes.pdf", "red-fox.png"]);
        var failed = await author.Pages.GetStringAsync("/admin/media?status=Failed&q=notes");
        Names(failed).ShouldBeEmpty();
        failed.ShouldContain("Nothing matches these filters.");
        failed.ShouldContain("<option value=\"Failed\" selected=\"selected\">");
        failed.ShouldContain("value=\"notes\"");

        (await author.Pages.GetAsync("/admin/media?kind=Spreadsheet")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task TheGrid_PagesWithMore_WithoutRepeatingOrSkippingItems()
    {
        var author = await AuthorAsync();
        foreach (var name in new[] { "one.png", "two.png", "three.png" })
        {
            await UploadAsync(author.Pages, name, await Png());
        }
        var first = await author.Pages.GetStringAsync("/admin/media?limit=2");
        Names(first).ShouldBe(["three.png", "two.png"]);
        var more = WebUtility.HtmlDecode(Regex.Match(first, "href=\"([^\"]+)\" data-testid=\"more\"").Groups[1].Value);
        more.ShouldStartWith("/admin/media?limit=2&cursor=");

        var second = await author.Pages.GetStringAsync(more);
        Names(second).ShouldBe(["one.png"]);
        second.ShouldNotContain("data-testid=\"more\"");
    }

    [Fact]
    public async Task AnAuthor_SeesOnlyTheirOwnItems_AndCannotOpenOrDeleteAnotherAuthorsItem()
    {
        var alice = await AuthorAsync();
        var bob = await AuthorAsync();
        var hers = await UploadAsync(alice.Pages, "alices-drawing.png", await Png());
        await UploadAsync(bob.Pages, "bobs-photo.png", await Png());

        Names(await bob.Pages.GetStringAsync("/admin/media")).ShouldBe(["bobs-photo.png"]);
        (await bob.Pages.GetAsync($"/admin/media/{hers}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var afterBulk = await BulkAsync(bob.Pages, "/admin/media", "delete", [hers], ("force", "true"));
        afterBulk.ShouldContain("Deleted 0 items.");
        (await alice.Pages.GetAsync($"/admin/media/{hers}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The owner (an admin) sees and opens everyone's items.
        await app.OwnerAsync(app.CreateClient());
        var owner = await app.SignedInPageClientAsync("owner@atelier.test", "owner password 1");
        Names(await owner.GetStringAsync("/admin/media?q=alices-drawing")).ShouldBe(["alices-drawing.png"]);
        Names(await owner.GetStringAsync("/admin/media?q=bobs-photo")).ShouldBe(["bobs-photo.png"]);
        (await owner.GetAsync($"/admin/media/{hers}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Members_CannotOpenTheLibrary()
    {
        var email = $"reader-{Guid.NewGuid():N}@example.org";
        await app.RegisterConfirmedAsync(app.CreateClient(), email, "member password");
        var member = await app.SignedInPageClientAsync(email, "member password");
        var denied = await member.GetAsync("/admin/media");
        denied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        denied.Headers.Location!.ToString().ShouldContain("/account/access-denied");
    }

    [Fact]
    public async Task EditingTheAltText_OnTheItemPage_ShowsUpInTheApi_AndInTheMarkdownToCopy()
    {
        var author = await AuthorAsync();
        var id = await UploadAsync(author.Pages, "heron.png", await Png(), tags: "birds");
        await WaitUntilProcessedAsync(author.Api, id);
        var page = await author.Pages.GetStringAsync($"/admin/media/{id}");
        page.ShouldContain($"<img src=\"/media/{id}/w320.webp?v=", customMessage: "the largest variant (the original is only 500 px wide)");
        page.ShouldContain("<dd class=\"break-all\">500</dd>");
        page.ShouldContain($"value=\"![](/media/{id}/heron.png)\"");
        page.ShouldContain("value=\"birds\"");

        var saved = await AtelierFactory.SubmitFormAsync(author.Pages, $"/admin/media/{id}", new Dictionary<string, string>
        {
            ["Input.Title"] = "Grey heron", ["Input.Alt"] = "A grey heron standing in shallow water", ["Input.Caption"] = "",
            ["Input.Tags"] = "birds, River Life", ["Input.Visibility"] = "Private",
        });
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await author.Pages.GetStringAsync(saved.Headers.Location!.OriginalString);
        after.ShouldContain("Saved.");
        after.ShouldContain($"value=\"![A grey heron standing in shallow water](/media/{id}/heron.png)\"");

        var dto = await author.Api.GetFromJsonAsync<JsonElement>($"/api/v1/media/{id}");
        dto.GetProperty("alt").GetString().ShouldBe("A grey heron standing in shallow water");
        dto.GetProperty("title").GetString().ShouldBe("Grey heron");
        dto.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["birds", "river-life"]);
        dto.GetProperty("visibility").GetString().ShouldBe("Private");
        (await app.CreateClient().GetAsync(dto.GetProperty("url").GetString())).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The copied line, pasted into a post, shows the picture with its alt text; the item page then lists the post.
        var markdown = WebUtility.HtmlDecode(Regex.Match(after, "id=\"markdown\" readonly value=\"([^\"]+)\"").Groups[1].Value);
        var post = await author.Api.PostAsJsonAsync("/api/v1/posts", new { title = "Herons " + Guid.NewGuid().ToString("N")[..6], source = markdown, status = "Published" });
        var created = await post.Content.ReadFromJsonAsync<JsonElement>();
        created.GetProperty("html").GetString()!.ShouldContain($"src=\"/media/{id}/heron.png\" alt=\"A grey heron standing in shallow water\"");
        (await author.Pages.GetStringAsync($"/admin/media/{id}")).ShouldContain($">{created.GetProperty("slug").GetString()}</a>");
    }

    [Fact]
    public async Task ATooLongTitle_IsRefused_WithTheReason_AndTheFormKeepsWhatWasTyped()
    {
        var author = await AuthorAsync();
        var id = await UploadAsync(author.Pages, "kestrel.png", await Png());
        var response = await AtelierFactory.SubmitFormAsync(author.Pages, $"/admin/media/{id}", new Dictionary<string, string>
        {
            ["Input.Title"] = new string('k', 301), ["Input.Alt"] = "A kestrel hovering", ["Input.Visibility"] = "Public",
        });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await response.Content.ReadAsStringAsync();
        page.ShouldContain("The title is too long. title may be up to 300 characters.");
        page.ShouldContain("A kestrel hovering");
        (await author.Api.GetFromJsonAsync<JsonElement>($"/api/v1/media/{id}")).GetProperty("alt").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task BulkDelete_RefusesAnItemAPublishedPostUses_UnlessForced()
    {
        var author = await AuthorAsync();
        var used = await UploadAsync(author.Pages, "cover-shot.png", await Png());
        var unused = await UploadAsync(author.Pages, "outtake.png", await Png());
        var url = (await author.Api.GetFromJsonAsync<JsonElement>($"/api/v1/media/{used}")).GetProperty("url").GetString();
        var post = await author.Api.PostAsJsonAsync("/api/v1/posts", new
        {
            title = "Shoot day " + Guid.NewGuid().ToString("N")[..6], source = $"![The cover]({url})\n\nWhat a day.", status = "Published",
        });
        post.StatusCode.ShouldBe(HttpStatusCode.Created);
        var slug = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;

        var refused = await BulkAsync(author.Pages, "/admin/media", "delete", [used, unused]);
        refused.ShouldContain("Deleted 1 item.");
        refused.ShouldContain($"cover-shot.png was not deleted: published posts use it ({slug}).");
        Names(refused).ShouldBe(["cover-shot.png"]);
        (await author.Pages.GetStringAsync($"/admin/media/{used}")).ShouldContain($"<a href=\"/posts/{slug}\" class=\"underline\">{slug}</a>");

        var forced = await BulkAsync(author.Pages, "/admin/media", "delete", [used], ("force", "true"));
        forced.ShouldContain("Deleted 1 item.");
        forced.ShouldNotContain("was not deleted");
        Names(forced).ShouldBeEmpty();
        (await author.Pages.GetAsync($"/admin/media/{used}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeletingFromTheItemPage_IsRefusedWhileAPublishedPostUsesIt_UnlessForced()
    {
        var author = await AuthorAsync();
        var id = await UploadAsync(author.Pages, "poster.png", await Png());
        var url = (await author.Api.GetFromJsonAsync<JsonElement>($"/api/v1/media/{id}")).GetProperty("url").GetString();
        (await author.Api.PostAsJsonAsync("/api/v1/posts", new { title = "Gig " + Guid.NewGuid().ToString("N")[..6], source = $"![]({url})", status = "Published" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        var refused = await AtelierFactory.SubmitFormAsync(author.Pages, $"/admin/media/{id}", new Dictionary<string, string>(), postPath: $"/admin/media/{id}?handler=Delete");
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Not deleted: published posts use this item");

        var forced = await AtelierFactory.SubmitFormAsync(author.Pages, $"/admin/media/{id}", new Dictionary<string, string> { ["force"] = "true" },
            postPath: $"/admin/media/{id}?handler=Delete");
        forced.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await author.Pages.GetStringAsync(forced.Headers.Location!.OriginalString)).ShouldContain("Deleted poster.png.");
        (await author.Api.GetAsync($"/api/v1/media/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BulkAddToAlbum_AppendsTheTickedItems_AndSkipsThoseAlreadyInIt()
    {
        var author = await AuthorAsync();
        var first = await UploadAsync(author.Pages, "dawn.png", await Png());
        await UploadAsync(author.Pages, "noon.png", await Png());
        var third = await UploadAsync(author.Pages, "dusk.png", await Png());
        var created = await author.Api.PostAsJsonAsync("/api/v1/albums", new { title = "A day" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var album = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var once = await BulkAsync(author.Pages, "/admin/media", "album", [first], ("albumId", album.ToString()));
        once.ShouldContain("Added 1 item to “A day”.");
        var twice = await BulkAsync(author.Pages, "/admin/media", "album", [third, first], ("albumId", album.ToString()));
        twice.ShouldContain("Added 1 item to “A day”. 1 item was in it already.");

        Names(await author.Pages.GetStringAsync($"/admin/media?album={album}")).ShouldBe(["dusk.png", "dawn.png"]);
        (await author.Api.GetFromJsonAsync<JsonElement>($"/api/v1/albums/{album}")).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("mediaId").GetGuid()).ShouldBe([first, third], "in the order they were added");
        (await author.Pages.GetStringAsync("/admin/media")).ShouldContain($"<option value=\"{album}\">A day</option>");
    }

    [Fact]
    public async Task WhileLookingAtAnAlbum_UploadedFilesGoIntoIt()
    {
        var author = await AuthorAsync();
        var created = await author.Api.PostAsJsonAsync("/api/v1/albums", new { title = "Harbour walk" });
        var album = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await UploadAsync(author.Pages, "elsewhere.png", await Png());

        var page = WebUtility.HtmlDecode(await author.Pages.GetStringAsync($"/admin/media?album={album}"));
        page.ShouldContain($"data-album-id=\"{album}\"");
        page.ShouldContain("They go into the album “Harbour walk”.");
        // What /app/media.js sends from that form: the album's id, then the file.
        var id = await UploadAsync(author.Pages, "boats.png", await Png(), albumId: album);

        Names(await author.Pages.GetStringAsync($"/admin/media?album={album}")).ShouldBe(["boats.png"]);
        (await author.Api.GetFromJsonAsync<JsonElement>($"/api/v1/albums/{album}")).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("mediaId").GetGuid()).ShouldBe([id]);
    }

    [Fact]
    public async Task BulkVisibility_MakesTheTickedItemsPrivateAndPublicAgain()
    {
        var author = await AuthorAsync();
        var id = await UploadAsync(author.Pages, "secret-plan.png", await Png());
        var url = (await author.Api.GetFromJsonAsync<JsonElement>($"/api/v1/media/{id}")).GetProperty("url").GetString();

        var hidden = await BulkAsync(author.Pages, "/admin/media", "private", [id]);
        hidden.ShouldContain("1 item is now private.");
        hidden.ShouldContain(" · private</span>");
        (await app.CreateClient().GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await BulkAsync(author.Pages, "/admin/media", "public", [id])).ShouldContain("1 item is now public.");
        (await app.CreateClient().GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>An item as processing leaves it, written straight to the database (no processors run in these tests).</summary>
    private async Task<Guid> SeedAsync(Guid owner, MediaKind kind, string fileName, string contentType, MediaStatus status, string metadata = "{}",
        string skipped = "[]", string? failure = null, params (string Name, string Role, string ContentType, int? Width)[] variants)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        string Sha() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var item = new MediaItem
        {
            OwnerId = owner, Kind = kind, Status = status, FailureReason = failure, FileName = fileName, ContentType = contentType, Size = 123_456,
            Sha256 = Sha(), Metadata = metadata, Skipped = skipped, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        item.Files.Add(new MediaFile { Name = fileName, Role = MediaFile.Original, ContentType = contentType, Size = 123_456, Sha256 = item.Sha256 });
        foreach (var (name, role, type, width) in variants)
        {
            item.Files.Add(new MediaFile { Name = name, Role = role, ContentType = type, Size = 1000, Sha256 = Sha(), Width = width, Height = width / 2 });
        }
        db.Media.Add(item);
        await db.SaveChangesAsync();
        return item.Id;
    }

    [Fact]
    public async Task ProcessedItems_ShowTheirVariants_Players_Metadata_AndWhatWasSkippedOrFailed()
    {
        var author = await AuthorAsync();
        var photo = await SeedAsync(author.Id, MediaKind.Image, "harbour.jpg", "image/jpeg", MediaStatus.Ready,
            metadata: """{"width": 4000, "height": 2000, "camera": "Fujifilm X-T4", "hasGps": false, "dominantColor": "#336699"}""",
            variants: [("w320.webp", "image", "image/webp", 320), ("w1280.webp", "image", "image/webp", 1280), ("w1280.jpg", "image", "image/jpeg", 1280)]);
        var song = await SeedAsync(author.Id, MediaKind.Audio, "night-drive.flac", "audio/flac", MediaStatus.Ready,
            metadata: """{"durationSeconds": 185.4, "title": "Night Drive", "artist": "The Band", "album": "Roads", "sampleRate": 44100}""",
            skipped: """["streaming copy: ffmpeg is not installed"]""",
            variants: [("waveform.json", "waveform", "application/json", null), ("cover.jpg", "cover", "image/jpeg", 500)]);
        var clip = await SeedAsync(author.Id, MediaKind.Video, "clip.mp4", "video/mp4", MediaStatus.Processing);
        var broken = await SeedAsync(author.Id, MediaKind.Image, "broken.jpg", "image/jpeg", MediaStatus.Failed,
            failure: "The image is damaged or truncated.");

        var grid = await author.Pages.GetStringAsync("/admin/media");
        grid.ShouldContain($"<img src=\"/media/{photo}/w320.webp?v=");
        grid.ShouldContain($"<img src=\"/media/{song}/cover.jpg?v=");
        grid.ShouldContain("title=\"The image is damaged or truncated.\" data-testid=\"status\">failed</span>");
        grid.ShouldContain("data-testid=\"processing-notice\"");
        grid.ShouldContain($"data-media-id=\"{clip}\" data-media-status=\"processing\"");
        Names(await author.Pages.GetStringAsync("/admin/media?status=Failed")).ShouldBe(["broken.jpg"]);

        var photoPage = WebUtility.HtmlDecode(await author.Pages.GetStringAsync($"/admin/media/{photo}"));
        photoPage.ShouldContain($"<img src=\"/media/{photo}/w1280.webp?v=");
        photoPage.ShouldContain("width=\"1280\" height=\"640\"");
        photoPage.ShouldContain("<dt class=\"font-medium\">Camera</dt>\n            <dd class=\"break-all\">Fujifilm X-T4</dd>");
        photoPage.ShouldContain("<dt class=\"font-medium\">GPS position in the original</dt>\n            <dd class=\"break-all\">no</dd>");
        photoPage.ShouldContain($"<a href=\"/media/{photo}/w320.webp?v=");
        photoPage.ShouldContain("1280 × 640");

        var songPage = WebUtility.HtmlDecode(await author.Pages.GetStringAsync($"/admin/media/{song}"));
        songPage.ShouldMatch($"<atelier-audio data-waveform=\"/media/{song}/waveform.json\\?v=[0-9a-f]{{12}}\" data-title=\"Night Drive\" data-artist=\"The Band\" "
            + $"data-album=\"Roads\" data-cover=\"/media/{song}/cover.jpg\\?v=[0-9a-f]{{12}}\"><audio controls preload=\"metadata\" "
            + $"src=\"/media/{song}/night-drive.flac\\?v=[0-9a-f]{{12}}\"></audio></atelier-audio>");
        songPage.ShouldContain("<dd class=\"break-all\">3:05</dd>");
        songPage.ShouldContain("<dt class=\"font-medium\">Sample rate</dt>");
        songPage.ShouldContain("<li>streaming copy: ffmpeg is not installed</li>");
        songPage.ShouldContain($"value=\"![](/media/{song}/night-drive.flac)\"");

        var clipPage = await author.Pages.GetStringAsync($"/admin/media/{clip}");
        clipPage.ShouldContain($"<atelier-video><video controls preload=\"none\" playsinline src=\"/media/{clip}/clip.mp4?v=");
        clipPage.ShouldContain("this page refreshes until it is done");

        var brokenPage = await author.Pages.GetStringAsync($"/admin/media/{broken}");
        brokenPage.ShouldContain("Processing failed.");
        brokenPage.ShouldContain("The image is damaged or truncated.");
    }
}

public sealed class MediaPagesTests_Sqlite(MediaSqliteApp app) : MediaPagesTests(app), IClassFixture<MediaSqliteApp>;

public sealed class MediaPagesTests_Postgres(MediaPostgresApp app) : MediaPagesTests(app), IClassFixture<MediaPostgresApp>;
