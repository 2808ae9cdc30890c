using System.Net.Sockets;
using Microsoft.Playwright;

namespace Atelier.Tests.E2e;

/// <summary>A real server on a loopback port, driven by Debian's Chromium (headless) through Playwright.</summary>
public sealed class BrowserApp : AtelierFactory
{
    public BrowserApp() : base(Db.Sqlite)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        UseKestrel(o => o.Listen(IPAddress.Loopback, Port));
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        StartServer();
    }
}

public sealed class SetupJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private static readonly string Chromium = Environment.GetEnvironmentVariable("ATELIER_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>A new page on the app that records console errors, failed requests and error answers.</summary>
    internal static async Task<(IPage Page, List<string> Errors)> OpenAsync(IBrowser browser, BrowserApp app, ColorScheme scheme = ColorScheme.Light)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = app.BaseUrl, ColorScheme = scheme });
        // The suite runs test classes in parallel on two cores (media processing with vips and ffmpeg among them), so a
        // page may take far longer than on an idle machine: patient waits, which still fail when something never happens.
        page.SetDefaultTimeout(90_000);
        page.SetDefaultNavigationTimeout(90_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.RequestFailed += (_, request) => errors.Add($"failed: {request.Url} {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !response.Url.EndsWith("/setup", StringComparison.Ordinal) && !response.Url.Contains("ReturnUrl", StringComparison.Ordinal))
            {
                errors.Add($"{response.Status}: {response.Url}");
            }
        };
        return (page, errors);
    }

    internal static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        File.Exists(Chromium).ShouldBeTrue($"browser tests need Chromium at {Chromium} (apt-get install chromium)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    [Fact]
    public async Task OpenSetup_CreateOwner_SignOut_SignIn_SeeAdmin()
    {
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var (page, consoleErrors) = await OpenAsync(browser, app);

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Set it up" }).ClickAsync();
        await page.WaitForURLAsync("**/setup");
        await page.GetByLabel("Your name").FillAsync("Olga Owner");
        await page.GetByLabel("Email").FillAsync("olga@example.org");
        await page.GetByLabel("Password").FillAsync("owner password 1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create owner" }).ClickAsync();

        await WaitForAsync(page, "**/admin");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "System status" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("status")).ToContainTextAsync("Sqlite");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("Olga Owner");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "atelier-admin.png"), FullPage = true });

        consoleErrors.ShouldBeEmpty();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(app.BaseUrl + "/");
        consoleErrors.ShouldBeEmpty();
        (await page.GotoAsync("/setup"))!.Status.ShouldBe(404);
        consoleErrors.Clear(); // the browser logs the 404 just asked for

        await page.GotoAsync("/admin");
        await page.WaitForURLAsync("**/account/login?ReturnUrl=%2Fadmin");
        await page.GetByLabel("Email").FillAsync("olga@example.org");
        await page.GetByLabel("Password").FillAsync("owner password 1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await WaitForAsync(page, "**/admin");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "System status" })).ToBeVisibleAsync();

        consoleErrors.ShouldBeEmpty("the pages must run without script or CSP errors");
    }

    /// <summary>Waits for a navigation; when it does not come, says where the browser is and what it shows.</summary>
    internal static async Task WaitForAsync(IPage page, string url)
    {
        try
        {
            await page.WaitForURLAsync(url, new PageWaitForURLOptions { Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            throw new ShouldAssertException($"expected {url}, but the browser is at {page.Url} showing: {await page.InnerTextAsync("body")}");
        }
    }

    [Fact]
    public async Task ThemeToggle_SwitchesToDark_AndRemembersIt()
    {
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var (page, _) = await OpenAsync(browser, app);
        await page.GotoAsync("/");
        var light = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");

        var toggle = page.Locator("[data-theme-toggle]");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-label", "Switch to dark theme");
        await toggle.ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bdark\\b"));
        var dark = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        dark.ShouldNotBe(light, "the stylesheet's dark variant must apply");

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bdark\\b"));
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-label", "Switch to light theme");
    }
}

public sealed class ApiDocsPageTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task ApiDocs_RendersTheInteractiveReference_UnderTheContentSecurityPolicy()
    {
        var (playwright, browser) = await SetupJourneyTests.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var (page, errors) = await SetupJourneyTests.OpenAsync(browser, app);
        await page.GotoAsync("/api/docs");
        await Assertions.Expect(page.Locator(".swagger-ui .info .title")).ToContainTextAsync("Atelier API", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator(".opblock-summary-path").Filter(new() { HasText = "/api/v1/auth/login" })).ToBeVisibleAsync();
        errors.ShouldBeEmpty();
    }
}
