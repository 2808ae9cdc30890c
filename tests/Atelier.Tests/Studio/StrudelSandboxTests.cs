using Microsoft.AspNetCore.Hosting;

namespace Atelier.Tests.Studio;

/// <summary>The Strudel sandbox page: patch authors' code must run in an opaque origin the site's pages can frame.</summary>
public sealed class StrudelSandboxTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Page_IsSandboxed_FrameableBySite_AndLoadsItsScriptThroughTheEndpoint()
    {
        var response = await app.CreateClient().GetAsync("/studio/strudel-sandbox", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldStartWith("sandbox allow-scripts;");
        csp.ShouldNotContain("allow-same-origin");
        csp.ShouldContain("default-src 'none'");
        csp.ShouldContain("'unsafe-eval'");
        csp.ShouldContain("frame-ancestors 'self'");
        // The site-wide DENY would keep the studio from embedding it.
        response.Headers.Contains("X-Frame-Options").ShouldBeFalse();
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        html.ShouldContain("<script type=\"module\" src=\"/studio/strudel-sandbox/strudel-sandbox.js?v=");
    }

    [Theory]
    [InlineData("/studio/strudel-sandbox/..%2Fappsettings.json")]
    [InlineData("/studio/strudel-sandbox/site.css")]
    [InlineData("/studio/strudel-sandbox/chunks/../../favicon.svg")]
    [InlineData("/studio/strudel-sandbox/nope.js")]
    public async Task Scripts_OnlyBuiltScriptsAreServed(string path)
    {
        var response = await app.CreateClient().GetAsync(path, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Script_IsServedWithCors_ForTheOpaqueOrigin()
    {
        var env = app.Services.GetRequiredService<IWebHostEnvironment>();
        if (!env.WebRootFileProvider.GetFileInfo("app/strudel-sandbox.js").Exists)
        {
            Assert.Skip("The web bundle is not built (AtelierSkipWebBuild): run `npx vite build` in web/.");
        }
        var response = await app.CreateClient().GetAsync("/studio/strudel-sandbox/strudel-sandbox.js", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe("*");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
    }
}
