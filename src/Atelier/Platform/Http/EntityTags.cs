using System.Security.Cryptography;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Net.Http.Headers;

namespace Atelier.Platform.Http;

/// <summary>HTTP validation by content: an ETag is the hash of the body; a client that has it gets 304.</summary>
internal static class EntityTags
{
    public static EntityTagHeaderValue For(ReadOnlySpan<byte> body) =>
        new("\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16)) + "\"");

    /// <summary>
    /// RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since counts only without it. Weak comparison: a proxy that
    /// compresses the body marks our tag weak.
    /// </summary>
    public static bool NotModified(HttpRequest request, EntityTagHeaderValue etag, DateTimeOffset? modified)
    {
        var headers = request.GetTypedHeaders();
        return headers.IfNoneMatch is { Count: > 0 } tags
            ? tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false))
            : headers.IfModifiedSince is { } since && modified is { } current && current <= since;
    }
}

/// <summary>
/// Gives every output-cacheable page (public pages, whatever the cache setting) an ETag made from its body and answers
/// 304 to a client that already has it. Sits inside the output cache, so a cached page keeps its tag and the cache
/// itself answers 304 from then on.
/// </summary>
internal sealed class EntityTagsMiddleware(RequestDelegate next)
{
    private const int MaxBody = 2 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            || context.GetEndpoint()?.Metadata.GetMetadata<OutputCacheAttribute>() is null)
        {
            await next(context);
            return;
        }
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        var response = context.Response;
        if (response.StatusCode == StatusCodes.Status200OK && buffer.Length is > 0 and <= MaxBody && !response.Headers.ContainsKey(HeaderNames.ETag))
        {
            var etag = EntityTags.For(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            response.Headers.ETag = etag.ToString();
            if (EntityTags.NotModified(context.Request, etag, modified: null))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                response.ContentLength = null;
                return;
            }
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }
}
