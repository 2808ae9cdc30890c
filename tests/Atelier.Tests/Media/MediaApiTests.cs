using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Atelier.Tests.Media;

public abstract class MediaApiTests(MediaApp app)
{
    /// <summary>A valid small PNG.</summary>
    internal static readonly byte[] Png = Publishing.PostEditorTests.Png;

    private async Task<(HttpClient Client, Guid UserId)> UserAsync()
    {
        var email = $"user-{Guid.NewGuid():N}@example.org";
        var tokens = await app.RegisterConfirmedAsync(app.CreateClient(), email);
        var client = app.CreateClient(tokens.AccessToken);
        return (client, (await client.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetGuid());
    }

    private async Task<HttpClient> AuthorAsync()
    {
        var email = $"author-{Guid.NewGuid():N}@example.org";
        await app.RegisterAuthorAsync(email);
        return app.CreateClient((await AtelierFactory.LoginAsync(app.CreateClient(), email, "correct horse 1")).AccessToken);
    }

    /// <summary>Bytes that sniff as an MP4 video (an ISO BMFF "ftyp" box) followed by a recognisable pattern.</summary>
    private static byte[] VideoLikeBytes(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)(i * 7 + i / 251);
        }
        "\0\0\0\u0018ftypisom\0\0\u0002\0isomiso2"u8.ToArray().CopyTo(bytes, 0);
        Random.Shared.NextBytes(bytes.AsSpan(size - 16)); // each call its own bytes, so no two tests share a blob
        return bytes;
    }

    private static async Task<JsonElement> CreatedAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private string[] StoredBlobs() => Directory.Exists(Path.Combine(app.DataPath, "media"))
        ? Directory.GetFiles(Path.Combine(app.DataPath, "media"), "*", SearchOption.AllDirectories)
        : [];

    [Fact]
    public async Task UploadedImage_IsServedBack_WithTheHeadersBrowsersAndCachesNeed()
    {
        var (client, me) = await UserAsync();
        var item = await CreatedAsync(await MediaApp.UploadAsync(client, "../../Holiday Photo.png", Png,
            new Dictionary<string, string> { ["alt"] = "A single pixel", ["tags"] = "Summer, #Beach" }));

        item.GetProperty("kind").GetString().ShouldBe("Image");
        item.GetProperty("fileName").GetString().ShouldBe("holiday-photo.png", "no path from the client, the detected extension");
        item.GetProperty("contentType").GetString().ShouldBe("image/png");
        item.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Png)));
        item.GetProperty("alt").GetString().ShouldBe("A single pixel");
        item.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["summer", "beach"]);
        item.GetProperty("ownerId").GetGuid().ShouldBe(me);

        var url = item.GetProperty("url").GetString()!;
        var response = await app.CreateClient().GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(Png);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        response.Headers.ETag!.Tag.ShouldBe($"\"{item.GetProperty("sha256").GetString()}\"");
        response.Headers.ETag.IsWeak.ShouldBeFalse();
        response.Headers.CacheControl!.ToString().ShouldBe("public, max-age=31536000, immutable");
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.AcceptRanges.ShouldContain("bytes");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("inline");

        var download = await app.CreateClient().GetAsync(url + "&download=1");
        download.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        download.Content.Headers.ContentDisposition.FileName.ShouldBe("holiday-photo.png");

        // Without the version parameter the address is not content-addressed, so it is cached briefly only.
        var plain = await app.CreateClient().GetAsync(url.Split('?')[0]);
        plain.Headers.CacheControl!.ToString().ShouldBe("public, max-age=3600");

        var revalidate = new HttpRequestMessage(HttpMethod.Get, url);
        revalidate.Headers.IfNoneMatch.Add(response.Headers.ETag);
        (await app.CreateClient().SendAsync(revalidate)).StatusCode.ShouldBe(HttpStatusCode.NotModified);

        var processed = await MediaApp.WaitUntilProcessedAsync(client, item.GetProperty("id").GetString()!);
        processed.GetProperty("status").GetString().ShouldBe("Ready", processed.GetProperty("failureReason").ToString());
    }

    [Fact]
    public async Task TheSameBytesUploadedTwice_AreStoredOnce()
    {
        var (client, _) = await UserAsync();
        var bytes = VideoLikeBytes(3_000_000); // bigger than the 1 MB the JSON endpoints accept
        bytes[^1] = (byte)Random.Shared.Next(256);
        bytes[^2] = (byte)Random.Shared.Next(256);
        bytes[^3] = (byte)Random.Shared.Next(256);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var first = await CreatedAsync(await MediaApp.UploadAsync(client, "take.mp4", bytes));
        var second = await CreatedAsync(await MediaApp.UploadAsync(client, "take again.mp4", bytes));

        second.GetProperty("id").GetGuid().ShouldNotBe(first.GetProperty("id").GetGuid());
        second.GetProperty("sha256").GetString().ShouldBe(sha);
        (await app.BlobExistsAsync(sha)).ShouldBeTrue();
        StoredBlobs().Count(f => Path.GetFileName(f) == sha).ShouldBe(app is MediaS3App ? 0 : 1, "one file on disk, or none with S3");
        (await (await app.CreateClient().GetAsync(second.GetProperty("url").GetString())).Content.ReadAsByteArrayAsync()).ShouldBe(bytes);
    }

    [Fact]
    public async Task ByteRanges_OfAVideo_AreExactlyThoseBytesOfTheFile()
    {
        var (client, _) = await UserAsync();
        var bytes = VideoLikeBytes(200_000);
        var item = await CreatedAsync(await MediaApp.UploadAsync(client, "clip.mp4", bytes));
        item.GetProperty("kind").GetString().ShouldBe("Video");
        var url = item.GetProperty("url").GetString()!;
        var anonymous = app.CreateClient();

        async Task<HttpResponseMessage> RangeAsync(string range, Action<HttpRequestMessage>? more = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Range", range);
            more?.Invoke(request);
            return await anonymous.SendAsync(request);
        }

        var middle = await RangeAsync("bytes=1000-1999");
        middle.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        middle.Content.Headers.ContentRange!.ToString().ShouldBe("bytes 1000-1999/200000");
        (await middle.Content.ReadAsByteArrayAsync()).ShouldBe(bytes[1000..2000]);

        var open = await RangeAsync("bytes=199000-");
        (await open.Content.ReadAsByteArrayAsync()).ShouldBe(bytes[199000..]);

        var suffix = await RangeAsync("bytes=-500");
        suffix.Content.Headers.ContentRange!.ToString().ShouldBe("bytes 199500-199999/200000");
        (await suffix.Content.ReadAsByteArrayAsync()).ShouldBe(bytes[^500..]);

        var beyond = await RangeAsync("bytes=300000-");
        beyond.StatusCode.ShouldBe(HttpStatusCode.RequestedRangeNotSatisfiable);
        beyond.Content.Headers.ContentRange!.ToString().ShouldBe("bytes */200000");

        // A stale If-Range (the client holds other bytes) gets the whole current file instead of a part.
        var stale = await RangeAsync("bytes=0-9", r => r.Headers.TryAddWithoutValidation("If-Range", "\"something-else\""));
        stale.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await stale.Content.ReadAsByteArrayAsync()).Length.ShouldBe(bytes.Length);

        var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        head.Content.Headers.ContentLength.ShouldBe(bytes.Length);
    }

    [Theory]
    [InlineData("setup.jpg", "4D5A90000300000004000000FFFF0000B8000000")] // a Windows executable renamed
    [InlineData("archive.png", "504B0304140000000800")] // a zip
    [InlineData("notes.mp3", "48656C6C6F2C20776F726C6421")] // plain text
    public async Task FilesThatAreNotMedia_AreRefusedWith415_AndNothingIsKept(string name, string hex)
    {
        var (client, _) = await UserAsync();
        var bytes = Convert.FromHexString(hex);

        var response = await MediaApp.UploadAsync(client, name, bytes);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().ShouldBe("This file type is not supported.");
        problem.GetProperty("detail").GetString()!.ShouldContain(name);
        (await app.BlobExistsAsync(Convert.ToHexStringLower(SHA256.HashData(bytes)))).ShouldBeFalse();
        Directory.GetFiles(Path.Combine(app.DataPath, "tmp")).ShouldBeEmpty("no temporary upload is left behind");
    }

    [Fact]
    public async Task AFileOverItsKindsLimit_Gets413_NamingTheLimit()
    {
        var (client, _) = await UserAsync();
        var pdf = new byte[MediaApp.SmallDocumentLimit + 1];
        "%PDF-1.7\n"u8.ToArray().CopyTo(pdf, 0);

        var response = await MediaApp.UploadAsync(client, "manual.pdf", pdf);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString()!.ShouldContain("document limit of 256 KB");
        Directory.GetFiles(Path.Combine(app.DataPath, "tmp")).ShouldBeEmpty();
    }

    [Fact]
    public async Task BadRequests_GetClearProblems_NotServerErrors()
    {
        var (client, _) = await UserAsync();
        var noFile = await client.PostAsync("/api/v1/media", new MultipartFormDataContent { { new StringContent("x"), "alt" } });
        noFile.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var json = await client.PostAsJsonAsync("/api/v1/media", new { file = "x" });
        json.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        var twoFiles = await MediaApp.UploadAsync(client, "a.png", Png, null, ("b.png", Png));
        twoFiles.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await twoFiles.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().ShouldBe("Send one file per request.");
        var badVisibility = await MediaApp.UploadAsync(client, "a.png", Png, new Dictionary<string, string> { ["visibility"] = "secret" });
        badVisibility.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var badAlbum = await MediaApp.UploadAsync(client, "a.png", Png, new Dictionary<string, string> { ["albumId"] = Guid.NewGuid().ToString() });
        badAlbum.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.CreateClient().PostAsync("/api/v1/media", new MultipartFormDataContent())).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PrivateItems_AreServedOnlyToTheirOwner()
    {
        var (owner, _) = await UserAsync();
        var (stranger, _) = await UserAsync();
        var item = await CreatedAsync(await MediaApp.UploadAsync(owner, "secret.png", Png, new Dictionary<string, string> { ["visibility"] = "private" }));
        var url = item.GetProperty("url").GetString()!;

        var mine = await owner.GetAsync(url);
        mine.StatusCode.ShouldBe(HttpStatusCode.OK);
        mine.Headers.CacheControl!.Private.ShouldBeTrue();
        (await stranger.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.CreateClient().GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await stranger.GetAsync($"/api/v1/media/{item.GetProperty("id").GetString()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheLibrary_ListsOnlyYourItems_FilteredAndPaged()
    {
        var (client, _) = await UserAsync();
        var (other, _) = await UserAsync();
        await CreatedAsync(await MediaApp.UploadAsync(other, "theirs.png", Png));
        var sunset = await CreatedAsync(await MediaApp.UploadAsync(client, "sunset.png", Png, new Dictionary<string, string> { ["title"] = "Sunset over the Bay", ["tags"] = "sea" }));
        await CreatedAsync(await MediaApp.UploadAsync(client, "clip.mp4", VideoLikeBytes(5000)));
        await CreatedAsync(await MediaApp.UploadAsync(client, "dawn.png", Png, new Dictionary<string, string> { ["tags"] = "sea, morning" }));

        static IEnumerable<string> Names(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("fileName").GetString()!);
        Names(await client.GetFromJsonAsync<JsonElement>("/api/v1/media")).ShouldBe(["dawn.png", "clip.mp4", "sunset.png"]);
        Names(await client.GetFromJsonAsync<JsonElement>("/api/v1/media?kind=Video")).ShouldBe(["clip.mp4"]);
        Names(await client.GetFromJsonAsync<JsonElement>("/api/v1/media?q=BAY")).ShouldBe(["sunset.png"]);
        Names(await client.GetFromJsonAsync<JsonElement>("/api/v1/media?tag=sea")).ShouldBe(["dawn.png", "sunset.png"]);

        var first = await client.GetFromJsonAsync<JsonElement>("/api/v1/media?limit=2");
        Names(first).ShouldBe(["dawn.png", "clip.mp4"]);
        var next = first.GetProperty("nextCursor").GetString()!;
        var second = await client.GetFromJsonAsync<JsonElement>($"/api/v1/media?limit=2&cursor={next}");
        Names(second).ShouldBe(["sunset.png"]);
        second.GetProperty("nextCursor").ValueKind.ShouldBe(JsonValueKind.Null);
        (await client.GetAsync("/api/v1/media?cursor=garbage")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        sunset.GetProperty("title").GetString().ShouldBe("Sunset over the Bay");
    }

    [Fact]
    public async Task Editing_ChangesWhatTheLibraryShows_AndIsValidated()
    {
        var (client, _) = await UserAsync();
        var (stranger, _) = await UserAsync();
        var item = await CreatedAsync(await MediaApp.UploadAsync(client, "pic.png", Png));
        var path = $"/api/v1/media/{item.GetProperty("id").GetString()}";

        var patched = await client.PatchAsJsonAsync(path, new { alt = "A red dot", caption = "Macro", tags = new[] { "Dots", "red" }, visibility = "Private" });
        patched.StatusCode.ShouldBe(HttpStatusCode.OK);
        var after = await client.GetFromJsonAsync<JsonElement>(path);
        after.GetProperty("alt").GetString().ShouldBe("A red dot");
        after.GetProperty("caption").GetString().ShouldBe("Macro");
        after.GetProperty("visibility").GetString().ShouldBe("Private");
        after.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["dots", "red"]);

        (await client.PatchAsJsonAsync(path, new { alt = new string('a', 1001) })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.PatchAsJsonAsync(path, new { visibility = "Everyone" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await stranger.PatchAsJsonAsync(path, new { alt = "mine now" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await stranger.DeleteAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnEmbedByFileName_InAPostWrittenInTheAdmin_FindsTheLibraryItem()
    {
        var author = await AuthorAsync();
        var name = $"clip-{Guid.NewGuid():N}"[..13];
        var item = await CreatedAsync(await MediaApp.UploadAsync(author, name + ".mp4", VideoLikeBytes(3000)));
        var created = await author.PostAsJsonAsync("/api/v1/posts", new { title = "Embeds " + name, source = $"![[{name}.mp4]]", status = "Published" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);

        var html = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("html").GetString()!;
        html.ShouldContain("<video");
        html.ShouldContain(item.GetProperty("url").GetString()!.Replace("&", "&amp;"));
    }

    [Fact]
    public async Task Deleting_IsRefusedWhileAPublishedPostUsesTheItem_UnlessForced()
    {
        var author = await AuthorAsync();
        var item = await CreatedAsync(await MediaApp.UploadAsync(author, "figure.mp4", VideoLikeBytes(3000)));
        var id = item.GetProperty("id").GetString()!;
        var url = item.GetProperty("url").GetString()!;
        var slug = "uses-media-" + Guid.NewGuid().ToString("N")[..6];
        (await author.PostAsJsonAsync("/api/v1/posts", new { title = "Uses media", slug, source = $"Watch: [clip]({url})", status = "Published" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        var refused = await author.DeleteAsync($"/api/v1/media/{id}");
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain(slug);
        (await app.CreateClient().GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await author.DeleteAsync($"/api/v1/media/{id}?force=true")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await author.GetAsync($"/api/v1/media/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.CreateClient().GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.BlobExistsAsync(item.GetProperty("sha256").GetString()!)).ShouldBeFalse("no other item holds these bytes");
    }
}

public sealed class MediaApiTests_Sqlite(MediaSqliteApp app) : MediaApiTests(app), IClassFixture<MediaSqliteApp>;

public sealed class MediaApiTests_Postgres(MediaPostgresApp app) : MediaApiTests(app), IClassFixture<MediaPostgresApp>;

/// <summary>The same behaviour with the bytes in S3-compatible storage.</summary>
public sealed class MediaApiTests_S3(MediaS3App app) : MediaApiTests(app), IClassFixture<MediaS3App>;
