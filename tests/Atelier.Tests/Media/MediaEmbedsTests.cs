using System.Text.Json;
using System.Text.RegularExpressions;
using Atelier.Features.Media;
using Atelier.Features.Media.Processing;

namespace Atelier.Tests.Media;

/// <summary>Albums and media items in posts: filled in when the page is rendered, so the post shows them as they are now.</summary>
public abstract class MediaEmbedsTests(AtelierFactory app)
{
    private static async Task<string> PublishAsync(HttpClient author, string source)
    {
        var created = await author.PostAsJsonAsync("/api/v1/posts", new { title = "Post " + Guid.NewGuid().ToString("N")[..8], source, status = "Published" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;
    }

    private static string Body(string page) =>
        Regex.Match(page, "data-testid=\"post-body\">(.*)</div>\\s*</div>\\s*</article>", RegexOptions.Singleline).Groups[1].Value;

    private static List<Guid> Order(string html) =>
        [.. Regex.Matches(html, "<figure [^>]*data-media=\"([0-9a-f-]{36})\"").Select(m => Guid.Parse(m.Groups[1].Value))];

    [Fact]
    public async Task AlbumEmbed_ShowsTheAlbumsGallery_AndFollowsChangesToTheAlbum()
    {
        var (author, me) = await AlbumsTestMedia.AuthorAsync(app);
        var a = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "a.jpg");
        var b = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "b.jpg");
        var id = await AlbumsTestMedia.CreateAlbumAsync(author, "Embedded", a.Id, b.Id);
        var album = await author.GetFromJsonAsync<JsonElement>($"/api/v1/albums/{id}");
        var slug = album.GetProperty("slug").GetString()!;
        var post = await PublishAsync(author, $"Before the album.\n\n![[album:{slug}]]\n\nAfter the album.");
        var reader = app.CreateClient();

        var body = Body(await reader.GetStringAsync("/posts/" + post));
        body.ShouldContain($"<section class=\"album-embed\" aria-label=\"{album.GetProperty("title").GetString()}\" data-album=\"{slug}\">");
        body.ShouldContain("<atelier-gallery");
        Order(body).ShouldBe([a.Id, b.Id]);
        body.ShouldContain($"srcset=\"{a.Url("w320.webp")} 320w");
        body.ShouldContain($"<a href=\"/gallery/{slug}\">");
        body.IndexOf("Before the album.", StringComparison.Ordinal).ShouldBeLessThan(body.IndexOf("<atelier-gallery", StringComparison.Ordinal));
        body.IndexOf("After the album.", StringComparison.Ordinal).ShouldBeGreaterThan(body.IndexOf("</atelier-gallery>", StringComparison.Ordinal));
        (await reader.GetAsync("/posts/" + post)).Headers.Age.ShouldNotBeNull("the post page is cached");

        (await author.PutAsJsonAsync($"/api/v1/albums/{id}/items", new object[] { new { mediaId = b.Id, caption = "Now first" }, new { mediaId = a.Id } }))
            .EnsureSuccessStatusCode();
        body = Body(await reader.GetStringAsync("/posts/" + post));
        Order(body).ShouldBe([b.Id, a.Id]);
        body.ShouldContain(">Now first</figcaption>");

        (await author.PatchAsJsonAsync($"/api/v1/albums/{id}", new { visibility = "Private" })).EnsureSuccessStatusCode();
        body = Body(await reader.GetStringAsync("/posts/" + post));
        body.ShouldNotContain("<atelier-gallery");
        body.ShouldContain("After the album.");
    }

    [Fact]
    public async Task MediaItemsInAPost_AreShownAsTheirPlayersAndResponsivePictures()
    {
        var (author, me) = await AlbumsTestMedia.AuthorAsync(app);
        var song = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Audio, "song.mp3");
        var clip = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Video, "clip.mp4");
        var chair = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Model, "chair.glb");
        var photo = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "photo.jpg", alt: "Stored alt");
        var secret = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Audio, "secret.mp3", visibility: MediaVisibility.Private);
        var manual = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Document, "manual.pdf", title: "The manual");
        var post = await PublishAsync(author, $"""
            ![Listen](/media/{song.Id}/song.mp3)

            <video controls src="/media/{clip.Id}/clip.mp4"></video>

            ![Chair in 3D](/media/{chair.Id}/chair.glb)

            ![A photo](/media/{photo.Id}/photo.jpg)

            ![Manual](/media/{manual.Id}/manual.pdf)

            <audio controls src="/media/{secret.Id}/secret.mp3"></audio>

            <atelier-audio data-title="Written by hand"><audio controls src="/media/{song.Id}/song.mp3"></audio></atelier-audio>
            """);

        var body = Body(await app.CreateClient().GetStringAsync("/posts/" + post));

        body.ShouldContain(
            $"<atelier-audio data-waveform=\"{song.Url("waveform.json")}\" data-title=\"Rain on a tin roof\" data-artist=\"The Drips\" data-album=\"Weather\" " +
            $"data-cover=\"{song.Url("cover.jpg")}\"><audio controls preload=\"metadata\" src=\"{song.Url("song.mp3")}\"></audio></atelier-audio>");
        body.ShouldContain(
            $"<atelier-video><video controls preload=\"none\" playsinline poster=\"{clip.Url("poster.jpg")}\" src=\"{clip.Url("clip.mp4")}\" width=\"640\" height=\"360\"></video></atelier-video>");
        body.ShouldContain($"<atelier-model data-src=\"{chair.Url("chair.glb")}\" data-alt=\"Chair in 3D\"><a href=\"{chair.Url("chair.glb")}\">chair.glb</a></atelier-model>");
        body.ShouldContain(
            $"<img src=\"{photo.Url("w640.jpg")}\" srcset=\"{photo.Url("w320.webp")} 320w, {photo.Url("w640.webp")} 640w, {photo.Url("w1280.webp")} 1280w\" " +
            $"sizes=\"{MediaMarkup.PostSizes}\" width=\"640\" height=\"480\" loading=\"lazy\" alt=\"A photo\" style=\"background-color:#7a5c3e\">");
        body.ShouldContain($"<a href=\"{manual.Url("manual.pdf")}\" class=\"embed-file\">The manual</a>");
        body.ShouldContain($"<audio controls src=\"/media/{secret.Id}/secret.mp3\"></audio>", customMessage: "a private item is left as written");
        body.ShouldContain($"<atelier-audio data-title=\"Written by hand\"><audio controls src=\"/media/{song.Id}/song.mp3\"></audio></atelier-audio>");
        Regex.Matches(body, "<atelier-audio").Count.ShouldBe(2, "a player written by hand is not wrapped again");
    }

    [Fact]
    public async Task PlayersWrittenInAPost_SurviveTheSanitizer_WithoutScriptsOrUnsafeUrls()
    {
        var (author, _) = await AlbumsTestMedia.AuthorAsync(app);
        const string audio = "<atelier-audio data-waveform=\"/w.json\" data-title=\"Mine\" data-cover=\"/c.jpg\"><audio controls preload=\"metadata\" src=\"/a.mp3\"></audio></atelier-audio>";
        const string video = "<atelier-video><video controls preload=\"none\" playsinline poster=\"/p.jpg\" src=\"/v.mp4\" width=\"640\" height=\"360\"></video></atelier-video>";
        var post = await PublishAsync(author, $"""
            {audio}

            {video}

            <atelier-model data-src="javascript:alert(1)" data-alt="Chair" onclick="alert(1)" style="color:red"><a href="/m.glb">m.glb</a></atelier-model>

            <atelier-gallery>
            <figure data-full="data:text/html,x" data-caption="Hi"><a href="/o.jpg"><img src="/s.jpg" onerror="alert(1)" alt="S"></a></figure>
            </atelier-gallery>

            <atelier-audio data-waveform=" javascript:alert(1)" data-cover="vbscript:x"><script>alert(1)</script></atelier-audio>
            """);

        var html = (await author.GetFromJsonAsync<JsonElement>("/api/v1/posts/" + post)).GetProperty("html").GetString()!;
        var page = Body(await app.CreateClient().GetStringAsync("/posts/" + post));

        foreach (var body in new[] { html, page })
        {
            body.ShouldContain(audio);
            body.ShouldContain(video);
            body.ShouldContain("<atelier-model data-alt=\"Chair\"><a href=\"/m.glb\">m.glb</a></atelier-model>");
            body.ShouldContain("<atelier-gallery>\n<figure data-caption=\"Hi\"><a href=\"/o.jpg\"><img src=\"/s.jpg\" alt=\"S\"></a></figure>\n</atelier-gallery>");
            body.ShouldContain("<atelier-audio></atelier-audio>");
            body.ShouldNotContain("javascript:", Case.Insensitive);
            body.ShouldNotContain("<script", Case.Insensitive);
            body.ShouldNotContain("onclick");
            body.ShouldNotContain("onerror");
        }
    }
}

public sealed class MediaEmbedsTests_Sqlite(SqliteApp app) : MediaEmbedsTests(app), IClassFixture<SqliteApp>;

public sealed class MediaEmbedsTests_Postgres(PostgresApp app) : MediaEmbedsTests(app), IClassFixture<PostgresApp>;
