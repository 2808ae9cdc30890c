using System.Text.Json;
using System.Text.RegularExpressions;
using Atelier.Features.Media.Processing;

namespace Atelier.Tests.Media;

/// <summary>The owner puts an album together in the admin: creates it, adds, orders, captions, picks a cover, removes, deletes.</summary>
public abstract class AlbumsPagesTests(AtelierFactory app)
{
    private async Task<(HttpClient Pages, Guid OwnerId)> OwnerAsync()
    {
        var tokens = await app.OwnerAsync(app.CreateClient());
        var id = (await app.CreateClient(tokens.AccessToken).GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetGuid();
        return (await app.SignedInPageClientAsync("owner@atelier.test", "owner password 1"), id);
    }

    private static async Task<Guid> CreateAsync(HttpClient pages, string title, string? slug = null, string visibility = "Public")
    {
        var created = await AtelierFactory.SubmitFormAsync(pages, "/admin/albums", new Dictionary<string, string>
        {
            ["Input.Title"] = title, ["Input.Slug"] = slug ?? "", ["Input.Description"] = "", ["Input.Visibility"] = visibility,
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = created.Headers.Location!.OriginalString;
        location.ShouldMatch("^/admin/albums/[0-9a-f-]{36}$");
        return Guid.Parse(location["/admin/albums/".Length..]);
    }

    private static async Task ActAsync(HttpClient pages, Guid album, string handler, Dictionary<string, string> fields)
    {
        var response = await AtelierFactory.SubmitFormAsync(pages, $"/admin/albums/{album}", fields, postPath: $"/admin/albums/{album}?handler={handler}");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.OriginalString.ShouldBe($"/admin/albums/{album}#items");
    }

    private static List<Guid> Items(string page) =>
        [.. Regex.Matches(page, "<li class=\"card[^\"]*\" data-media=\"([0-9a-f-]{36})\"").Select(m => Guid.Parse(m.Groups[1].Value))];

    [Fact]
    public async Task Owner_BuildsAnAlbum_AddingOrderingCaptioningAndRemovingItems()
    {
        var (pages, me) = await OwnerAsync();
        var a = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "a.jpg", title: "Heron");
        var b = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "b.jpg", title: "Stones");
        var c = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Audio, "c.mp3", title: "Rain");
        var title = "Coast " + Guid.NewGuid().ToString("N")[..6];
        var album = await CreateAsync(pages, title);

        foreach (var item in new[] { a, b, c })
        {
            await ActAsync(pages, album, "Add", new() { ["mediaId"] = item.Id.ToString() });
        }
        var page = await pages.GetStringAsync($"/admin/albums/{album}");
        page.ShouldContain($"<h1 class=\"text-3xl font-bold\">{title}</h1>");
        Items(page).ShouldBe([a.Id, b.Id, c.Id]);
        page.ShouldContain($"src=\"{a.Url("w320.webp")}\"");

        await ActAsync(pages, album, "Move", new() { ["mediaId"] = c.Id.ToString(), ["direction"] = "up" });
        await ActAsync(pages, album, "Move", new() { ["mediaId"] = a.Id.ToString(), ["direction"] = "up" }); // first already: stays
        await ActAsync(pages, album, "Cover", new() { ["mediaId"] = b.Id.ToString() });
        await ActAsync(pages, album, "Caption", new() { ["mediaId"] = c.Id.ToString(), ["caption"] = "Recorded at dawn" });
        await ActAsync(pages, album, "Remove", new() { ["mediaId"] = a.Id.ToString() });

        page = await pages.GetStringAsync($"/admin/albums/{album}");
        Items(page).ShouldBe([c.Id, b.Id]);
        page.ShouldContain("The item is out of the album");
        Regex.Match(page, $"data-media=\"{b.Id}\">.*?</li>", RegexOptions.Singleline).Value.ShouldContain("data-testid=\"cover\"");
        page.ShouldContain("value=\"Recorded at dawn\"");

        // What the reader sees follows.
        var slug = title.ToLowerInvariant().Replace(' ', '-');
        var gallery = await app.CreateClient().GetStringAsync("/gallery/" + slug);
        Regex.Matches(gallery, "data-media=\"([0-9a-f-]{36})\"").Select(m => Guid.Parse(m.Groups[1].Value)).ShouldBe([c.Id, b.Id]);
        gallery.ShouldContain("Recorded at dawn");
        gallery.ShouldContain($"<meta property=\"og:image\" content=\"{AtelierFactory.PublicUrl}{b.Url("w1280.jpg")}\">");
    }

    [Fact]
    public async Task AlbumPage_HasTheUploaderForThisAlbum()
    {
        var (pages, _) = await OwnerAsync();
        var album = await CreateAsync(pages, "Uploads " + Guid.NewGuid().ToString("N")[..6]);

        var page = await pages.GetStringAsync($"/admin/albums/{album}");

        var form = Regex.Match(page, "<form data-media-upload[^>]*>.*?</form>", RegexOptions.Singleline).Value;
        form.ShouldContain($"data-upload-url=\"/admin/media?handler=Upload\" data-album-id=\"{album}\"");
        form.ShouldContain("name=\"__RequestVerificationToken\" type=\"hidden\"");
        form.ShouldMatch("(?s)<div data-drop-zone[^>]*>.*<input type=\"file\" multiple hidden>.*</div>");
        form.ShouldContain("<ol data-upload-list");
        page.ShouldMatch("<script type=\"module\" src=\"/app/media.js(\\?v=[^\"]+)?\"></script>");
    }

    [Fact]
    public async Task EditingDetails_SavesThem_AndATakenSlugKeepsTheFormWithTheReason()
    {
        var (pages, _) = await OwnerAsync();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        await CreateAsync(pages, "First " + suffix, slug: "taken-" + suffix);
        var album = await CreateAsync(pages, "Second " + suffix);

        var taken = await AtelierFactory.SubmitFormAsync(pages, "/admin/albums", new Dictionary<string, string>
        {
            ["Input.Title"] = "Third", ["Input.Slug"] = "taken-" + suffix, ["Input.Visibility"] = "Public",
        });
        taken.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await taken.Content.ReadAsStringAsync()).ShouldContain($"The slug &#x27;taken-{suffix}&#x27; is taken by another album.");

        var saved = await AtelierFactory.SubmitFormAsync(pages, $"/admin/albums/{album}", new Dictionary<string, string>
        {
            ["Input.Title"] = "Renamed " + suffix, ["Input.Slug"] = "renamed-" + suffix, ["Input.Description"] = "By the sea.", ["Input.Visibility"] = "Private",
        });
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = await pages.GetStringAsync($"/admin/albums/{album}");
        page.ShouldContain("The album is saved.");
        page.ShouldContain($"Renamed {suffix}</h1>");
        page.ShouldContain("Private: only you and admins see it");
        (await app.CreateClient().GetAsync($"/gallery/renamed-{suffix}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var list = await pages.GetStringAsync("/admin/albums");
        list.ShouldContain($"<a class=\"underline\" href=\"/admin/albums/{album}\">Renamed {suffix}</a>");
    }

    [Fact]
    public async Task DeletingAnAlbum_TakesItOffTheList()
    {
        var (pages, _) = await OwnerAsync();
        var album = await CreateAsync(pages, "Doomed " + Guid.NewGuid().ToString("N")[..6]);

        var deleted = await AtelierFactory.SubmitFormAsync(pages, $"/admin/albums/{album}", new Dictionary<string, string>(), postPath: $"/admin/albums/{album}?handler=Delete");

        deleted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        deleted.Headers.Location!.OriginalString.ShouldBe("/admin/albums");
        (await pages.GetStringAsync("/admin/albums")).ShouldNotContain(album.ToString());
        (await pages.GetAsync($"/admin/albums/{album}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}

public sealed class AlbumsPagesTests_Sqlite(SqliteApp app) : AlbumsPagesTests(app), IClassFixture<SqliteApp>;

public sealed class AlbumsPagesTests_Postgres(PostgresApp app) : AlbumsPagesTests(app), IClassFixture<PostgresApp>;
