using System.Text.Json;
using System.Text.RegularExpressions;
using Atelier.Features.Media;
using Atelier.Features.Media.Processing;

namespace Atelier.Tests.Media;

/// <summary>A reader opens a public album at /gallery/{slug}: responsive pictures in the album's order, players for the rest.</summary>
public abstract class GalleryPagesTests(AtelierFactory app)
{
    private static async Task<(string Slug, Guid Id)> AlbumAsync(HttpClient author, string title, object[] items, object? patch = null)
    {
        var created = await (await author.PostAsJsonAsync("/api/v1/albums", new { title = title + " " + Guid.NewGuid().ToString("N")[..6], description = "Shot on a rainy day." }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        (await author.PutAsJsonAsync($"/api/v1/albums/{id}/items", items)).EnsureSuccessStatusCode();
        if (patch is not null)
        {
            (await author.PatchAsJsonAsync($"/api/v1/albums/{id}", patch)).EnsureSuccessStatusCode();
        }
        return (created.GetProperty("slug").GetString()!, id);
    }

    /// <summary>The media ids of the gallery's entries (pictures and players), in page order.</summary>
    private static List<Guid> Order(string page) =>
        [.. Regex.Matches(page, "data-media=\"([0-9a-f-]{36})\"").Select(m => Guid.Parse(m.Groups[1].Value))];

    [Fact]
    public async Task PublicAlbum_ShowsItsPublicReadyPictures_InOrder_Responsive_LazyAndCaptioned()
    {
        var (author, me) = await AlbumsTestMedia.AuthorAsync(app);
        var a = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "a.jpg", alt: "A heron", caption: "Caption of A");
        var b = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "b.jpg", alt: "Wet stones", caption: "Caption of B");
        var c = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "c.jpg", alt: "Fog");
        var hidden = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "hidden.jpg", visibility: MediaVisibility.Private);
        var pending = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "pending.jpg", status: MediaStatus.Processing);
        var (slug, _) = await AlbumAsync(author, "Rain walk",
        [
            new { mediaId = b.Id, caption = "Album caption of B" }, new { mediaId = hidden.Id }, new { mediaId = a.Id },
            new { mediaId = pending.Id }, new { mediaId = c.Id },
        ], new { coverId = c.Id });

        var response = await app.CreateClient().GetAsync("/gallery/" + slug);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await response.Content.ReadAsStringAsync();
        page.ShouldContain("<atelier-gallery");
        page.ShouldContain("Shot on a rainy day.");
        Order(page).ShouldBe([b.Id, a.Id, c.Id]);
        page.ShouldNotContain(hidden.Id.ToString());
        page.ShouldNotContain(pending.Id.ToString());

        var figure = Regex.Match(page, $"<figure [^>]*data-media=\"{b.Id}\">(.*?)</figure>", RegexOptions.Singleline);
        figure.Success.ShouldBeTrue(page);
        figure.Value.ShouldContain($"data-full=\"{b.Url("w1280.webp")}\"");
        figure.Value.ShouldContain("data-caption=\"Album caption of B\"");
        figure.Value.ShouldContain($"<a href=\"{b.Url("b.jpg")}\">");
        figure.Value.ShouldContain($"src=\"{b.Url("w640.jpg")}\"");
        figure.Value.ShouldContain($"srcset=\"{b.Url("w320.webp")} 320w, {b.Url("w640.webp")} 640w, {b.Url("w1280.webp")} 1280w\"");
        figure.Value.ShouldContain($"sizes=\"{MediaMarkup.GallerySizes}\"");
        figure.Value.ShouldContain("width=\"640\" height=\"480\" loading=\"lazy\" alt=\"Wet stones\" style=\"background-color:#7a5c3e\"");
        figure.Value.ShouldContain(">Album caption of B</figcaption>");
        Regex.Match(page, $"<figure [^>]*data-media=\"{a.Id}\">.*?</figure>", RegexOptions.Singleline).Value
            .ShouldContain(">Caption of A</figcaption>", customMessage: "without an album caption, the item's own shows");

        page.ShouldContain($"<meta property=\"og:image\" content=\"{AtelierFactory.PublicUrl}{c.Url("w1280.jpg")}\">");
        page.ShouldContain($"<link rel=\"canonical\" href=\"{AtelierFactory.PublicUrl}/gallery/{slug}\">");
    }

    [Fact]
    public async Task AudioVideoAndModels_InAnAlbum_AreShownAsTheirPlayers_InTheirPlace()
    {
        var (author, me) = await AlbumsTestMedia.AuthorAsync(app);
        var photo = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "photo.jpg");
        var song = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Audio, "song.mp3");
        var clip = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Video, "clip.mp4");
        var chair = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Model, "chair.glb", alt: "A chair");
        var (slug, _) = await AlbumAsync(author, "Mixed",
            [new { mediaId = song.Id, caption = "Recorded on the porch" }, new { mediaId = photo.Id }, new { mediaId = clip.Id }, new { mediaId = chair.Id }]);

        var page = await app.CreateClient().GetStringAsync("/gallery/" + slug);

        Order(page).ShouldBe([song.Id, photo.Id, clip.Id, chair.Id]);
        page.ShouldContain(
            $"<atelier-audio data-waveform=\"{song.Url("waveform.json")}\" data-title=\"Rain on a tin roof\" data-artist=\"The Drips\" data-album=\"Weather\" " +
            $"data-cover=\"{song.Url("cover.jpg")}\"><audio controls preload=\"metadata\" src=\"{song.Url("song.mp3")}\"></audio></atelier-audio>");
        page.ShouldContain("Recorded on the porch");
        page.ShouldContain(
            $"<atelier-video><video controls preload=\"none\" playsinline poster=\"{clip.Url("poster.jpg")}\" src=\"{clip.Url("clip.mp4")}\" width=\"640\" height=\"360\"></video></atelier-video>");
        page.ShouldContain($"<atelier-model data-src=\"{chair.Url("chair.glb")}\" data-alt=\"A chair\"><a href=\"{chair.Url("chair.glb")}\">chair.glb</a></atelier-model>");
        // Players sit outside the figures, so the lightbox pages through pictures only.
        Regex.Matches(page, "<figure ").Count.ShouldBe(1);
        page.ShouldNotContain("data-caption=\"\"");
    }

    [Fact]
    public async Task PictureBeforeProcessing_FallsBackToTheOriginal()
    {
        var (author, me) = await AlbumsTestMedia.AuthorAsync(app);
        var plain = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "plain.png", alt: "Plain", variants: false);
        var (slug, _) = await AlbumAsync(author, "Unprocessed", [new { mediaId = plain.Id }]);

        var page = await app.CreateClient().GetStringAsync("/gallery/" + slug);

        var figure = Regex.Match(page, "<figure .*?</figure>", RegexOptions.Singleline).Value;
        figure.ShouldContain($"data-full=\"{plain.Url("plain.png")}\"");
        figure.ShouldContain($"<img src=\"{plain.Url("plain.png")}\" loading=\"lazy\" alt=\"Plain\"");
        figure.ShouldNotContain("srcset");
        figure.ShouldNotContain("style=");
        page.ShouldContain($"<meta property=\"og:image\" content=\"{AtelierFactory.PublicUrl}{plain.Url("plain.png")}\">");
    }

    [Fact]
    public async Task PrivateAndUnknownAlbums_AreNotFound_UntilMadePublic()
    {
        var (author, me) = await AlbumsTestMedia.AuthorAsync(app);
        var item = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "secret.jpg");
        var (slug, id) = await AlbumAsync(author, "Secret", [new { mediaId = item.Id }], new { visibility = "Private" });
        var reader = app.CreateClient();

        (await reader.GetAsync("/gallery/" + slug)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await reader.GetAsync("/gallery/no-such-album-" + Guid.NewGuid().ToString("N"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await reader.GetStringAsync("/gallery")).ShouldNotContain(slug);

        (await author.PatchAsJsonAsync($"/api/v1/albums/{id}", new { visibility = "Public" })).EnsureSuccessStatusCode();
        (await reader.GetAsync("/gallery/" + slug)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await reader.GetStringAsync("/gallery")).ShouldContain($"href=\"/gallery/{slug}\"");
    }

    [Fact]
    public async Task GalleryIndex_ListsPublicAlbumsWithSomethingToShow()
    {
        var (author, me) = await AlbumsTestMedia.AuthorAsync(app);
        var item = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "shown.jpg");
        var (shown, _) = await AlbumAsync(author, "Shown", [new { mediaId = item.Id }]);
        var (empty, _) = await AlbumAsync(author, "Empty", []);

        var index = await app.CreateClient().GetStringAsync("/gallery");

        index.ShouldContain($"href=\"/gallery/{shown}\"");
        index.ShouldContain($"src=\"{item.Url("w320.webp")}\"");
        index.ShouldNotContain(empty);
    }

    [Fact]
    public async Task GalleryPage_IsServedFromCache_UntilTheAlbumChanges()
    {
        var (author, me) = await AlbumsTestMedia.AuthorAsync(app);
        var first = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "first.jpg");
        var second = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "second.jpg");
        var (slug, id) = await AlbumAsync(author, "Cached", [new { mediaId = first.Id }]);
        var reader = app.CreateClient();
        await reader.GetStringAsync("/gallery/" + slug);
        (await reader.GetAsync("/gallery/" + slug)).Headers.Age.ShouldNotBeNull("the second read comes from the output cache");

        (await author.PostAsJsonAsync($"/api/v1/albums/{id}/items", new { mediaId = second.Id, caption = "Added later" })).EnsureSuccessStatusCode();

        var page = await reader.GetStringAsync("/gallery/" + slug);
        Order(page).ShouldBe([first.Id, second.Id]);
        page.ShouldContain("Added later");
    }
}

public sealed class GalleryPagesTests_Sqlite(SqliteApp app) : GalleryPagesTests(app), IClassFixture<SqliteApp>;

public sealed class GalleryPagesTests_Postgres(PostgresApp app) : GalleryPagesTests(app), IClassFixture<PostgresApp>;
