using System.Text.RegularExpressions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Atelier.Features.Studio;

/// <summary>
/// <c>GET /studio/strudel-sandbox</c>: the page the studio runtime loads in a hidden
/// <c>&lt;iframe sandbox="allow-scripts"&gt;</c> to evaluate Strudel code. Strudel code is arbitrary JavaScript written
/// by a patch's author and runs whenever someone else plays the patch, so it must never run in the site's origin: the
/// page is sandboxed twice (the iframe attribute and this response's own CSP <c>sandbox</c> directive), which gives it
/// an opaque origin without cookies, storage or access to the API, and <c>default-src 'none'</c> keeps it from fetching
/// anything. Its module scripts are cross-origin requests from that opaque origin, so they are served here with
/// <c>Access-Control-Allow-Origin: *</c> under <c>/studio/strudel-sandbox/</c> (the bundle imports its chunks relative
/// to its own URL, so they come through this endpoint too).
/// </summary>
public static partial class StrudelSandbox
{
    /// <summary>Where the built sandbox script lives in the web root (Vite entry <c>strudel-sandbox</c>).</summary>
    private const string AppFolder = "app";
    private const string Entry = "strudel-sandbox.js";

    // Strudel's evaluator compiles the transpiled pattern code with Function(), hence 'unsafe-eval' (harmless in an
    // opaque origin with nothing to steal). frame-ancestors lets only the site's own pages embed it.
    private static string PageCsp(HttpRequest request) =>
        $"sandbox allow-scripts; default-src 'none'; script-src 'self' {request.Scheme}://{request.Host} 'unsafe-eval'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    /// <summary>Maps the sandbox page and its scripts.</summary>
    public static IEndpointRouteBuilder MapStrudelSandbox(this IEndpointRouteBuilder app)
    {
        app.MapGet("/studio/strudel-sandbox", Page).ExcludeFromDescription();
        app.MapGet("/studio/strudel-sandbox/{**path}", Script).ExcludeFromDescription();
        return app;
    }

    private static IResult Page(HttpContext http, IWebHostEnvironment env)
    {
        var entry = env.WebRootFileProvider.GetFileInfo($"{AppFolder}/{Entry}");
        // The version in the query busts caches after a deploy; the chunks it imports are revalidated (no-cache).
        var version = entry.Exists ? entry.LastModified.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) : "0";
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = PageCsp(http.Request);
        headers.Remove(HeaderNames.XFrameOptions); // the site's DENY would keep the studio from framing it
        headers.CacheControl = "no-cache";
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Strudel sandbox</title>
            <script type="module" src="/studio/strudel-sandbox/{Entry}?v={version}"></script>
            </head><body></body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    [GeneratedRegex(@"^(chunks/)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.js$")]
    private static partial Regex ScriptPath();

    private static IResult Script(string path, HttpContext http, IWebHostEnvironment env)
    {
        // Only built scripts of /app (the entry and its chunks); no other file and no way out of the folder.
        if (!ScriptPath().IsMatch(path))
        {
            return TypedResults.NotFound();
        }
        IFileInfo file = env.WebRootFileProvider.GetFileInfo($"{AppFolder}/{path}");
        if (!file.Exists || file.IsDirectory)
        {
            return TypedResults.NotFound();
        }
        http.Response.Headers.AccessControlAllowOrigin = "*";
        http.Response.Headers.CacheControl = "no-cache";
        var etag = new EntityTagHeaderValue($"\"{file.LastModified.ToUnixTimeMilliseconds():x}-{file.Length:x}\"");
        return TypedResults.Stream(file.CreateReadStream(), "text/javascript; charset=utf-8", lastModified: file.LastModified, entityTag: etag);
    }
}
