using System.Text.Json;
using Microsoft.Playwright;
using Atelier.Tests.Media;

namespace Atelier.Tests.E2e;

/// <summary>
/// A creator in a real browser: makes an album, drops a photo, a track, a video and a 3D model on it (progress per file),
/// opens the public gallery's lightbox, then embeds the album, the track, the video and the model in a post and checks
/// that each plays or renders there — the track also seeks from its waveform.
/// </summary>
public sealed class MediaJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Creator_UploadsByDragAndDrop_MakesAnAlbum_ViewsTheLightbox_AndEmbedsEverythingInAPost()
    {
        var owner = await app.OwnerAsync(app.CreateClient(), "creator@atelier.test", "creator password 1");
        var api = app.CreateClient(owner.AccessToken);
        var (playwright, browser) = await SetupJourneyTests.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var (page, errors) = await SetupJourneyTests.OpenAsync(browser, app);

        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync("creator@atelier.test");
        await page.GetByLabel("Password").FillAsync("creator password 1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await SetupJourneyTests.WaitForAsync(page, "**/admin");

        // Make an album.
        await page.GotoAsync("/admin/albums");
        var slug = "field-trip-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync("Field trip");
        await page.GetByLabel("Slug (optional, made from the title)").FillAsync(slug);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create album" }).ClickAsync();
        await SetupJourneyTests.WaitForAsync(page, "**/admin/albums/*");

        // Drop four files on it at once, as the browser does for a drag from the desktop.
        var files = new (string Path, string Name, string Type)[]
        {
            (await MediaFixtures.JpegWithGpsAndRotationAsync(), "lake.jpg", "image/jpeg"),
            (await MediaFixtures.PngWithAlphaAsync(), "leaf.png", "image/png"),
            (await MediaFixtures.Mp3WithTagsAndCoverAsync(), "tone.mp3", "audio/mpeg"),
            (await MediaFixtures.Mp4Async(), "waves.mp4", "video/mp4"),
            (await MediaFixtures.GlbAsync(), "box.glb", "model/gltf-binary"),
        };
        var payload = files.Select(f => new { name = f.Name, type = f.Type, bytes = Convert.ToBase64String(File.ReadAllBytes(f.Path)) }).ToArray();
        await page.Locator("[data-drop-zone]").EvaluateAsync("""
            (zone, files) => {
              const data = new DataTransfer();
              for (const f of files) {
                const bytes = Uint8Array.from(atob(f.bytes), c => c.charCodeAt(0));
                data.items.add(new File([bytes], f.name, { type: f.type }));
              }
              zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
              zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
            }
            """, payload);
        var items = page.Locator("[data-upload-list] > li");
        await Assertions.Expect(items).ToHaveCountAsync(files.Length);
        await Assertions.Expect(items.Locator("progress")).ToHaveCountAsync(files.Length);
        foreach (var i in Enumerable.Range(0, files.Length))
        {
            await Assertions.Expect(items.Nth(i)).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 60_000 });
            await Assertions.Expect(items.Nth(i).Locator("[data-upload-percent]")).ToHaveTextAsync("100%");
        }

        // Processing runs in the background; the album page lists the items once they are ready.
        var media = await WaitForReadyAsync(api, files.Length);
        string Url(string name) => media.Single(m => m.GetProperty("fileName").GetString() == name).GetProperty("url").GetString()!;
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Remove lake.jpg from the album" })).ToBeVisibleAsync();

        // The public gallery: a lightbox over the pictures, keyboard driven.
        await page.GotoAsync($"/gallery/{slug}");
        var figures = page.Locator("atelier-gallery figure");
        await Assertions.Expect(figures).ToHaveCountAsync(2);
        await figures.First.Locator("a").ClickAsync();
        var lightbox = page.Locator("dialog[data-lightbox]");
        await Assertions.Expect(lightbox).ToBeVisibleAsync();
        await Assertions.Expect(lightbox.Locator("[data-lightbox-counter]")).ToHaveTextAsync("1 / 2");
        await WaitForImageAsync(page, "dialog[data-lightbox] [data-lightbox-image]");
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(lightbox.Locator("[data-lightbox-counter]")).ToHaveTextAsync("2 / 2");
        await WaitForImageAsync(page, "dialog[data-lightbox] [data-lightbox-image]");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "atelier-lightbox.png") });
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(lightbox).ToBeHiddenAsync();

        // A post that embeds the album, the track, the video and the model.
        var postSlug = "trip-notes-" + Guid.NewGuid().ToString("N")[..6];
        var created = await api.PostAsJsonAsync("/api/v1/posts", new
        {
            title = "Trip notes",
            slug = postSlug,
            status = "Published",
            source = $"Pictures:\n\n![[album:{slug}]]\n\nThe sound of it:\n\n![[tone.mp3]]\n\nThe water:\n\n![[waves.mp4]]\n\nWhat we found:\n\n![[box.glb]]\n",
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        await page.GotoAsync($"/posts/{postSlug}");
        var body = page.GetByTestId("post-body");
        await Assertions.Expect(body.Locator("atelier-gallery figure")).ToHaveCountAsync(2);
        await WaitForImageAsync(page, "[data-testid=post-body] atelier-gallery img");

        // The track (the album shows it too; this is the post's own embed, after the album): plays, and a click
        // half-way along its waveform seeks there.
        var audio = body.Locator("atelier-audio").Last;
        await audio.Locator("[data-audio-toggle]").ClickAsync();
        await Assertions.Expect(audio).ToHaveAttributeAsync("data-state", "playing");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=post-body] atelier-audio audio')].at(-1).currentTime > 0.2");
        var seek = audio.Locator("[data-audio-seek]");
        await audio.Locator("[data-audio-toggle]").ClickAsync();
        await Assertions.Expect(audio).ToHaveAttributeAsync("data-state", "paused");
        var box = (await seek.BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        var position = await page.EvaluateAsync<double>("() => [...document.querySelectorAll('[data-testid=post-body] atelier-audio audio')].at(-1).currentTime");
        position.ShouldBe(1.5, 0.35, "half-way along a 3 s track");
        (await seek.GetAttributeAsync("aria-valuetext"))!.ShouldContain("of 0:03");
        (await audio.Locator("audio").GetAttributeAsync("src"))!.ShouldBe(Url("tone.mp3").Replace("&amp;", "&"));

        // The video: has its poster, and plays.
        var video = body.Locator("atelier-video video").Last;
        (await video.GetAttributeAsync("poster"))!.ShouldContain("/poster.jpg");
        await video.EvaluateAsync("v => { v.muted = true; return v.play(); }");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=post-body] atelier-video video')].at(-1).currentTime > 0.3");

        // The model: the 3D viewer loads when it scrolls into view and renders the box.
        var model = body.Locator("atelier-model").Last;
        await model.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(model).ToHaveAttributeAsync("data-state", "loaded", new() { Timeout = 60_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "atelier-media-post.png"), FullPage = true });

        // Media elements cancel their own range requests as they buffer and seek (net::ERR_ABORTED): that is not an error.
        errors.Where(e => !(e.StartsWith("failed: ", StringComparison.Ordinal) && e.Contains("/media/", StringComparison.Ordinal) && e.Contains("ERR_ABORTED", StringComparison.Ordinal)))
            .ShouldBeEmpty("uploads, the gallery and the players must run without script, CSP or request errors");
    }

    private static async Task<List<JsonElement>> WaitForReadyAsync(HttpClient api, int count)
    {
        for (var i = 0; i < 600; i++)
        {
            var page = await api.GetFromJsonAsync<JsonElement>("/api/v1/media?limit=50");
            var items = page.GetProperty("items").EnumerateArray().ToList();
            if (items.Count >= count && items.All(m => m.GetProperty("status").GetString() != "Processing"))
            {
                items.ShouldAllBe(m => m.GetProperty("status").GetString() == "Ready");
                return items;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the uploads were still processing after 60 s");
    }

    private static Task WaitForImageAsync(IPage page, string selector) =>
        page.WaitForFunctionAsync("selector => { const img = document.querySelector(selector); return img !== null && img.complete && img.naturalWidth > 0; }", selector);
}
