using Microsoft.Playwright;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;

namespace Atelier.Tests.E2e;

/// <summary>A reader on the public site, in a real browser: home → post → tag → search → post → its categories.</summary>
public sealed class ReaderJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>, IAsyncLifetime
{
    private readonly string _vault = Publishing.TestVault.Copy();

    public async ValueTask InitializeAsync()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var vault = new Vault { Name = "reader-" + Guid.NewGuid().ToString("N")[..6], SourcePath = _vault, CreatedAt = DateTime.UtcNow };
        db.Vaults.Add(vault);
        await db.SaveChangesAsync();
        await scope.ServiceProvider.GetRequiredService<VaultImporter>().ImportAsync(vault, CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_vault, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Reader_BrowsesHome_Post_Tag_Search_AndPost()
    {
        var (playwright, browser) = await SetupJourneyTests.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var (page, errors) = await SetupJourneyTests.OpenAsync(browser, app);

        await page.GotoAsync("/");
        await page.GetByTestId("featured").GetByRole(AriaRole.Link, new() { Name = "Welcome to the atelier" }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome to the atelier", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("post-body").Locator("mark")).ToHaveTextAsync("this first");

        await page.GetByRole(AriaRole.Link, new() { Name = "#intro" }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tagged #intro" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("post-list")).ToContainTextAsync("Welcome to the atelier");

        await page.GetByRole(AriaRole.Link, new() { Name = "Search", Exact = true }).ClickAsync();
        await page.GetByLabel("Search words").FillAsync("scales");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var result = page.GetByRole(AriaRole.Link, new() { Name = "Music theory" }).First;
        await Assertions.Expect(result).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("mark").First).ToBeVisibleAsync();
        await result.ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Music theory", Level = 1 }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("toc")).ToContainTextAsync("Scales");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "atelier-post.png"), FullPage = true });

        // Up the post's category trail: a category lists the posts of the categories below it too.
        await page.GetByTestId("post-categories").GetByRole(AriaRole.Link, new() { Name = "Theory" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Theory", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("post-list")).ToContainTextAsync("Harmony");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumb" }).GetByRole(AriaRole.Link, new() { Name = "Music" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Music", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("post-list")).ToContainTextAsync("Modular rig");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "atelier-category.png"), FullPage = true });
        await page.GetByRole(AriaRole.Link, new() { Name = "Categories", Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Categories", Level = 1 })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "atelier-categories.png"), FullPage = true });
        errors.ShouldBeEmpty();
    }
}
