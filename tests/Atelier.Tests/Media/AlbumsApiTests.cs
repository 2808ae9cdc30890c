using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Atelier.Features.Media;
using Atelier.Features.Media.Processing;
using Atelier.Platform.Data;

namespace Atelier.Tests.Media;

public abstract class AlbumsApiTests(AtelierFactory app)
{
    [Fact]
    public async Task Author_CreatesAnAlbum_AddsItems_AndReordersThemWithCaptions()
    {
        var (author, me) = await AlbumsTestMedia.AuthorAsync(app);
        var a = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "a.jpg", caption: "Own caption of A");
        var b = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Audio, "b.mp3");
        var c = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Video, "c.mp4");
        var title = "Field trip " + Guid.NewGuid().ToString("N")[..6];

        var created = await author.PostAsJsonAsync("/api/v1/albums", new { title, description = "Rain and rocks." });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var album = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = album.GetProperty("id").GetGuid();
        created.Headers.Location!.OriginalString.ShouldBe($"/api/v1/albums/{id}");
        album.GetProperty("slug").GetString().ShouldBe(title.ToLowerInvariant().Replace(' ', '-'));
        album.GetProperty("url").GetString().ShouldBe("/gallery/" + album.GetProperty("slug").GetString());
        album.GetProperty("visibility").GetString().ShouldBe("Public");
        album.GetProperty("items").GetArrayLength().ShouldBe(0);

        foreach (var item in new[] { a, b, c })
        {
            (await author.PostAsJsonAsync($"/api/v1/albums/{id}/items", new { mediaId = item.Id })).StatusCode.ShouldBe(HttpStatusCode.Created);
        }
        var again = await author.PostAsJsonAsync($"/api/v1/albums/{id}/items", new { mediaId = a.Id });
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        Ids(await author.GetFromJsonAsync<JsonElement>($"/api/v1/albums/{id}")).ShouldBe([a.Id, b.Id, c.Id]);

        var reordered = await author.PutAsJsonAsync($"/api/v1/albums/{id}/items", new object[]
        {
            new { mediaId = c.Id, caption = "Waves at dusk" },
            new { mediaId = a.Id },
        });
        reordered.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await reordered.Content.ReadFromJsonAsync<JsonElement>();
        Ids(body).ShouldBe([c.Id, a.Id]);
        var items = body.GetProperty("items");
        items[0].GetProperty("position").GetInt32().ShouldBe(0);
        items[0].GetProperty("caption").GetString().ShouldBe("Waves at dusk");
        items[0].GetProperty("media").GetProperty("kind").GetString().ShouldBe("Video");
        items[1].GetProperty("caption").ValueKind.ShouldBe(JsonValueKind.Null);
        items[1].GetProperty("media").GetProperty("caption").GetString().ShouldBe("Own caption of A");
        items[1].GetProperty("media").GetProperty("url").GetString().ShouldBe(a.Url("a.jpg"));

        // b left the album, not the library.
        (await author.GetAsync($"/api/v1/media/{b.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await author.DeleteAsync($"/api/v1/albums/{id}/items/{a.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await author.DeleteAsync($"/api/v1/albums/{id}/items/{a.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        Ids(await author.GetFromJsonAsync<JsonElement>($"/api/v1/albums/{id}")).ShouldBe([c.Id]);
    }

    [Fact]
    public async Task Slugs_AreMadeUniqueFromTheTitle_AndATakenSlugIsAConflictNamingIt()
    {
        var (author, _) = await AlbumsTestMedia.AuthorAsync(app);
        var title = "Same name " + Guid.NewGuid().ToString("N")[..6];
        var slug = title.ToLowerInvariant().Replace(' ', '-');

        var first = await (await author.PostAsJsonAsync("/api/v1/albums", new { title })).Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await author.PostAsJsonAsync("/api/v1/albums", new { title })).Content.ReadFromJsonAsync<JsonElement>();
        first.GetProperty("slug").GetString().ShouldBe(slug);
        second.GetProperty("slug").GetString().ShouldBe(slug + "-2");

        var taken = await author.PostAsJsonAsync("/api/v1/albums", new { title = "Other", slug });
        taken.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await taken.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString()!.ShouldContain(slug);
        problem.GetProperty("errors").GetProperty("slug")[0].GetString()!.ShouldContain("taken");

        var renamed = await author.PatchAsJsonAsync($"/api/v1/albums/{second.GetProperty("id").GetGuid()}", new { slug });
        renamed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var moved = await author.PatchAsJsonAsync($"/api/v1/albums/{second.GetProperty("id").GetGuid()}", new { slug = "Moved " + slug });
        moved.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await moved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString().ShouldBe("moved-" + slug);
    }

    [Fact]
    public async Task AnotherAuthor_GetsNotFound_ForMyAlbum_AndCannotAddMyMediaToTheirs()
    {
        var (alice, aliceId) = await AlbumsTestMedia.AuthorAsync(app);
        var (bob, bobId) = await AlbumsTestMedia.AuthorAsync(app);
        var mine = await AlbumsTestMedia.AddAsync(app, aliceId, MediaKind.Image, "mine.jpg");
        var his = await AlbumsTestMedia.AddAsync(app, bobId, MediaKind.Image, "his.jpg");
        var album = await AlbumsTestMedia.CreateAlbumAsync(alice, "Alice's");

        (await bob.GetAsync($"/api/v1/albums/{album}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.PatchAsJsonAsync($"/api/v1/albums/{album}", new { title = "Mine now" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.PutAsJsonAsync($"/api/v1/albums/{album}/items", new[] { new { mediaId = his.Id } })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.PostAsJsonAsync($"/api/v1/albums/{album}/items", new { mediaId = his.Id })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.DeleteAsync($"/api/v1/albums/{album}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.GetFromJsonAsync<JsonElement>("/api/v1/albums?limit=100")).GetProperty("items").EnumerateArray()
            .ShouldNotContain(x => x.GetProperty("id").GetGuid() == album);

        var bobs = await AlbumsTestMedia.CreateAlbumAsync(bob, "Bob's");
        var added = await bob.PostAsJsonAsync($"/api/v1/albums/{bobs}/items", new { mediaId = mine.Id });
        added.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("mediaId")[0].GetString()!.ShouldContain(mine.Id.ToString());
        var replaced = await bob.PutAsJsonAsync($"/api/v1/albums/{bobs}/items", new[] { new { mediaId = his.Id }, new { mediaId = mine.Id } });
        replaced.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await replaced.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("items[1].mediaId")[0].GetString()!.ShouldContain(mine.Id.ToString());
        Ids(await bob.GetFromJsonAsync<JsonElement>($"/api/v1/albums/{bobs}")).ShouldBeEmpty("a refused list changes nothing");

        // Admins manage everyone's albums.
        var owner = app.CreateClient((await app.OwnerAsync(app.CreateClient())).AccessToken);
        (await owner.GetAsync($"/api/v1/albums/{album}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await owner.PostAsJsonAsync($"/api/v1/albums/{album}/items", new { mediaId = mine.Id })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await app.CreateClient().GetAsync("/api/v1/albums")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Cover_IsOneOfTheItems_AndIsUnsetWhenItLeavesTheAlbum()
    {
        var (author, me) = await AlbumsTestMedia.AuthorAsync(app);
        var a = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "a.jpg");
        var b = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "b.jpg");
        var outsider = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "outside.jpg");
        var album = await AlbumsTestMedia.CreateAlbumAsync(author, "Covers", a.Id, b.Id);

        var notIn = await author.PatchAsJsonAsync($"/api/v1/albums/{album}", new { coverId = outsider.Id });
        notIn.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await notIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("coverId").GetArrayLength().ShouldBe(1);

        var set = await (await author.PatchAsJsonAsync($"/api/v1/albums/{album}", new { coverId = b.Id })).Content.ReadFromJsonAsync<JsonElement>();
        set.GetProperty("coverId").GetGuid().ShouldBe(b.Id);
        set.GetProperty("coverUrl").GetString().ShouldBe(b.Url("w320.webp"));
        var listed = (await author.GetFromJsonAsync<JsonElement>("/api/v1/albums?limit=100")).GetProperty("items").EnumerateArray()
            .Single(x => x.GetProperty("id").GetGuid() == album);
        listed.GetProperty("coverUrl").GetString().ShouldBe(b.Url("w320.webp"));
        listed.GetProperty("itemCount").GetInt32().ShouldBe(2);

        (await author.PutAsJsonAsync($"/api/v1/albums/{album}/items", new[] { new { mediaId = a.Id } })).EnsureSuccessStatusCode();
        (await author.GetFromJsonAsync<JsonElement>($"/api/v1/albums/{album}")).GetProperty("coverId").ValueKind.ShouldBe(JsonValueKind.Null);

        (await author.PatchAsJsonAsync($"/api/v1/albums/{album}", new { coverId = a.Id })).EnsureSuccessStatusCode();
        var cleared = await (await author.PatchAsJsonAsync($"/api/v1/albums/{album}", new { coverId = "" })).Content.ReadFromJsonAsync<JsonElement>();
        cleared.GetProperty("coverId").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("""{"description":"no title"}""", "title")]
    [InlineData("""{"title":"   "}""", "title")]
    [InlineData("""{"title":"Slug without letters","slug":"--!!"}""", "slug")]
    [InlineData("""{"title":"Bad visibility","visibility":"Secret"}""", "$.visibility")]
    public async Task CreatingAnAlbum_WithInvalidFields_Is400NamingTheField(string json, string field)
    {
        var (author, _) = await AlbumsTestMedia.AuthorAsync(app);

        var response = await author.PostAsync("/api/v1/albums", new StringContent(json, new MediaTypeHeaderValue("application/json")));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadAsStringAsync();
        problem.ShouldContain(field);
    }

    [Fact]
    public async Task Items_WithTooLongCaptionsOrTwiceListed_Are400NamingTheEntry()
    {
        var (author, me) = await AlbumsTestMedia.AuthorAsync(app);
        var a = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "a.jpg");
        var album = await AlbumsTestMedia.CreateAlbumAsync(author, "Strict");

        var twice = await author.PutAsJsonAsync($"/api/v1/albums/{album}/items", new[] { new { mediaId = a.Id, caption = "" }, new { mediaId = a.Id, caption = "" } });
        twice.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await twice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("items[1].mediaId")[0].GetString()!.ShouldContain("twice");

        var longCaption = await author.PutAsJsonAsync($"/api/v1/albums/{album}/items", new[] { new { mediaId = a.Id, caption = new string('x', 2001) } });
        longCaption.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await longCaption.Content.ReadAsStringAsync()).ShouldContain("caption", Case.Insensitive);
    }

    [Fact]
    public async Task List_IsKeysetPaged_NewestFirst()
    {
        var (author, _) = await AlbumsTestMedia.AuthorAsync(app);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await AlbumsTestMedia.CreateAlbumAsync(author, $"Paged {i}"));
        }

        var first = await author.GetFromJsonAsync<JsonElement>("/api/v1/albums?limit=2");
        var cursor = first.GetProperty("nextCursor").GetString();
        cursor.ShouldNotBeNull();
        var second = await author.GetFromJsonAsync<JsonElement>("/api/v1/albums?limit=2&cursor=" + Uri.EscapeDataString(cursor));

        first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(x => x.GetProperty("id").GetGuid())
            .ShouldBe([ids[2], ids[1], ids[0]]);
        second.GetProperty("nextCursor").ValueKind.ShouldBe(JsonValueKind.Null);
        (await author.GetAsync("/api/v1/albums?cursor=nonsense")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task DeletingAnAlbum_KeepsItsMediaInTheLibrary()
    {
        var (author, me) = await AlbumsTestMedia.AuthorAsync(app);
        var kept = await AlbumsTestMedia.AddAsync(app, me, MediaKind.Image, "kept.jpg");
        var album = await AlbumsTestMedia.CreateAlbumAsync(author, "Short-lived", kept.Id);

        (await author.DeleteAsync($"/api/v1/albums/{album}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await author.GetAsync($"/api/v1/albums/{album}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await author.DeleteAsync($"/api/v1/albums/{album}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await author.GetAsync($"/api/v1/media/{kept.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static List<Guid> Ids(JsonElement album) =>
        [.. album.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("mediaId").GetGuid())];
}

public sealed class AlbumsApiTests_Sqlite(SqliteApp app) : AlbumsApiTests(app), IClassFixture<SqliteApp>;

public sealed class AlbumsApiTests_Postgres(PostgresApp app) : AlbumsApiTests(app), IClassFixture<PostgresApp>;

/// <summary>
/// Media items for the album, gallery and embed tests, written straight to the database as processing would leave
/// them (variants, waveform, poster, metadata), so the tests do not depend on vips or ffmpeg.
/// </summary>
internal static class AlbumsTestMedia
{
    public sealed record Seeded(Guid Id, IReadOnlyDictionary<string, string> Shas)
    {
        /// <summary>The address a page writes for one of the item's files.</summary>
        public string Url(string name) => $"/media/{Id}/{name}?v={Shas[name][..12]}";
    }

    public static async Task<(HttpClient Client, Guid UserId)> AuthorAsync(AtelierFactory app)
    {
        var email = $"author-{Guid.NewGuid():N}@example.org";
        await app.RegisterAuthorAsync(email);
        var client = app.CreateClient((await AtelierFactory.LoginAsync(app.CreateClient(), email, "correct horse 1")).AccessToken);
        var id = (await client.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetGuid();
        return (client, id);
    }

    public static async Task<Guid> CreateAlbumAsync(HttpClient client, string title, params Guid[] items)
    {
        var created = await client.PostAsJsonAsync("/api/v1/albums", new { title = title + " " + Guid.NewGuid().ToString("N")[..6] });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        if (items.Length > 0)
        {
            (await client.PutAsJsonAsync($"/api/v1/albums/{id}/items", items.Select(i => new { mediaId = i }).ToArray())).EnsureSuccessStatusCode();
        }
        return id;
    }

    /// <summary>
    /// An item as processing leaves it. With <paramref name="variants"/>: an image gets WebP and JPEG variants at 320,
    /// 640 and 1280 px and a dominant colour; audio a waveform, cover art and tags; video a poster frame.
    /// </summary>
    public static async Task<Seeded> AddAsync(
        AtelierFactory app, Guid ownerId, MediaKind kind, string fileName, string? title = null, string? alt = null, string? caption = null,
        MediaVisibility visibility = MediaVisibility.Public, MediaStatus status = MediaStatus.Ready, bool variants = true)
    {
        var now = DateTime.UtcNow;
        var item = new MediaItem
        {
            OwnerId = ownerId,
            Kind = kind,
            Status = status,
            FileName = fileName,
            ContentType = kind switch
            {
                MediaKind.Image => "image/jpeg",
                MediaKind.Audio => "audio/mpeg",
                MediaKind.Video => "video/mp4",
                MediaKind.Model => "model/gltf-binary",
                _ => "application/pdf",
            },
            Size = 1000,
            Sha256 = Sha(),
            Title = title,
            Alt = alt,
            Caption = caption,
            Visibility = visibility,
            CreatedAt = now,
            UpdatedAt = now,
        };
        item.Files.Add(new MediaFile { Name = fileName, Role = MediaFile.Original, ContentType = item.ContentType, Size = 1000, Sha256 = item.Sha256 });
        if (variants && status == MediaStatus.Ready)
        {
            switch (kind)
            {
                case MediaKind.Image:
                    item.Width = 1600;
                    item.Height = 1200;
                    item.Metadata = """{"width":1600,"height":1200,"dominantColor":"#7A5C3E"}""";
                    foreach (var width in new[] { 320, 640, 1280 })
                    {
                        item.Files.Add(File($"w{width}.webp", "image", "image/webp", width, width * 3 / 4));
                        item.Files.Add(File($"w{width}.jpg", "image", "image/jpeg", width, width * 3 / 4));
                    }
                    break;
                case MediaKind.Audio:
                    item.DurationSeconds = 12.3;
                    item.Metadata = """{"durationSeconds":12.3,"title":"Rain on a tin roof","artist":"The Drips","album":"Weather"}""";
                    item.Files.Add(File("waveform.json", "waveform", "application/json"));
                    item.Files.Add(File("cover.jpg", "cover", "image/jpeg", 500, 500));
                    break;
                case MediaKind.Video:
                    item.Width = 640;
                    item.Height = 360;
                    item.Metadata = """{"width":640,"height":360,"durationSeconds":5}""";
                    item.Files.Add(File("poster.jpg", "poster", "image/jpeg", 640, 360));
                    item.Files.Add(File("preview.mp4", "preview", "video/mp4", 320, 180));
                    break;
            }
        }
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            db.Media.Add(item);
            await db.SaveChangesAsync();
        }
        return new Seeded(item.Id, item.Files.ToDictionary(f => f.Name, f => f.Sha256));
    }

    /// <summary>Changes an item as the media API or processing would (visibility, status), straight in the database.</summary>
    public static async Task UpdateAsync(AtelierFactory app, Guid id, Action<MediaItem> change)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        change(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Media, m => m.Id == id));
        await db.SaveChangesAsync();
    }

    private static MediaFile File(string name, string role, string type, int? width = null, int? height = null) =>
        new() { Name = name, Role = role, ContentType = type, Size = 100, Sha256 = Sha(), Width = width, Height = height };

    private static string Sha() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
