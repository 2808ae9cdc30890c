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

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/api/docs") ? DocsCsp : Csp;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers["Permissions-Policy"] = "camera=(self), microphone=(self), geolocation=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (!env.IsDevelopment() && context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
        }
        return next(context);
    }
}
