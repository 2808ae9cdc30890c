namespace Atelier.Platform.Http;

/// <summary>Adds the browser security headers to every response.</summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next, IHostEnvironment env)
{
    // The 3D viewer (model-viewer, three.js) styles its shadow DOM inline, compiles WebAssembly decoders and reads GLB
    // textures from blob: URLs; gallery placeholders carry their dominant colour inline. Scripts still come only from
    // this site, and the sanitizer never lets a style attribute through from user content.
    private const string Csp =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "media-src 'self' blob:; font-src 'self'; connect-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; " +
        "frame-ancestors 'none'";

    // Swagger UI styles itself inline; it serves no user content, so it gets a looser style rule.
    private const string DocsCsp =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // The studio's patch player (/embed/patch/{slug}) shows only public and unlisted patches and is made to be framed,
    // by our posts and by other sites: any ancestor may frame it. It frames the Strudel sandbox itself (frame-src 'self').
    private const string EmbedCsp =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "media-src 'self' blob:; font-src 'self'; connect-src 'self' blob:; frame-src 'self'; object-src 'none'; base-uri 'self'; " +
        "form-action 'self'; frame-ancestors *";

    // The editor uses Web MIDI (MIDI in/out nodes) besides the microphone the rest of the site may ask for.
    private const string StudioPermissions = "camera=(self), microphone=(self), geolocation=(), midi=(self), autoplay=(self)";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        var path = context.Request.Path;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        // The Strudel sandbox (an opaque-origin iframe of the editor and of the player, which itself may sit on another
        // site) must be frameable wherever the player is; its endpoint replaces the CSP with its own.
        if (path.StartsWithSegments("/embed") || path.StartsWithSegments("/studio/strudel-sandbox"))
        {
            // No X-Frame-Options: it cannot say "anyone", and frame-ancestors * does. The player gets only what playing
            // needs; the framing page still has to grant it (allow="autoplay; midi").
            headers.ContentSecurityPolicy = EmbedCsp;
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), midi=(self), autoplay=(self)";
        }
        else
        {
            headers.ContentSecurityPolicy = path.StartsWithSegments("/api/docs") ? DocsCsp : Csp;
            headers.XFrameOptions = "DENY";
            headers["Permissions-Policy"] = path.StartsWithSegments("/studio") ? StudioPermissions : "camera=(self), microphone=(self), geolocation=()";
        }
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (!env.IsDevelopment() && context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
        }
        return next(context);
    }
}
