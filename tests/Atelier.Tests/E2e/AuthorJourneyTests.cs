using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Atelier.Tests.Publishing;

namespace Atelier.Tests.E2e;

/// <summary>An author in a real browser: signs in, writes a post with a pasted image, publishes it, finds it on the home page.</summary>
public sealed class AuthorJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Author_WritesAPost_PastesAnImage_Publishes_AndFindsItOnTheHomePage()
    {
        var email = $"author-{Guid.NewGuid():N}@example.org";
        await app.RegisterAuthorAsync(email, "author password 1");
        var (playwright, browser) = await SetupJourneyTests.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var (page, errors) = await SetupJourneyTests.OpenAsync(browser, app);

        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("author password 1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "My posts" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New post" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/posts/new");

        var title = "Paper textures " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync(title);
        var markdown = page.GetByLabel("Markdown", new() { Exact = true });
        await markdown.FillAsync("Scanned **paper** for the next cover.\n\n");
        await Assertions.Expect(page.Locator("[data-save-state]")).ToHaveTextAsync("Unsaved changes");
        // What the browser does when an image is pasted from the clipboard.
        await markdown.EvaluateAsync("""
            (textarea, bytes) => {
              const data = new DataTransfer();
              data.items.add(new File([new Uint8Array(bytes)], 'scan.png', { type: 'image/png' }));
              textarea.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """, PostEditorTests.Png.Select(b => (int)b).ToArray());
        await Assertions.Expect(markdown).ToHaveValueAsync(new Regex(@"^Scanned \*\*paper\*\* for the next cover\.\n\n!\[scan\]\(/assets/[0-9a-f]{64}/scan\.png\)\n$"));
        var preview = page.GetByTestId("preview");
        await Assertions.Expect(preview.Locator("strong")).ToHaveTextAsync("paper");
        await Assertions.Expect(preview.Locator("img[src*='/assets/']")).ToBeVisibleAsync();
        await WaitForImageAsync(page, "[data-testid=preview] img");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "atelier-editor.png"), FullPage = true });

        await page.GetByLabel("Publish now").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/admin/posts/*/edit");
        await Assertions.Expect(page.GetByText("Published.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-save-state]")).ToHaveTextAsync("All changes saved");

        await page.GotoAsync("/");
        await page.GetByTestId("post-list").GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("post-body").Locator("strong")).ToHaveTextAsync("paper");
        await WaitForImageAsync(page, "[data-testid=post-body] img");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "atelier-author-post.png"), FullPage = true });
        errors.ShouldBeEmpty("the editor and the post must run without script, CSP or request errors");
    }

    /// <summary>Waits until the image has loaded with real pixels (a broken image has no natural width).</summary>
    private static Task WaitForImageAsync(IPage page, string selector) =>
        page.WaitForFunctionAsync("selector => { const img = document.querySelector(selector); return img !== null && img.complete && img.naturalWidth > 0; }", selector);
}
