using Microsoft.Net.Http.Headers;
using Atelier.Platform.Storage;

namespace Atelier.Platform.Http;

/// <summary>
/// Sends a stored blob the way browsers and media players expect: a strong ETag (the content hash) with 304 for
/// revalidation, and single byte ranges (206, <c>Content-Range</c>; 416 past the end; several ranges are answered
/// with the whole body, which RFC 9110 allows). Works the same for every <see cref="IBlobStorage"/>.
/// </summary>
internal static class BlobResponses
{
    public sealed record BlobInfo(string Sha256, long Size, string ContentType, string CacheControl, string? ContentDisposition = null);

    public static async Task WriteAsync(HttpContext http, IBlobStorage blobs, BlobInfo blob)
    {
        var request = http.Request;
        var response = http.Response;
        var etag = new EntityTagHeaderValue($"\"{blob.Sha256}\"");
        var headers = response.GetTypedHeaders();
        headers.ETag = etag;
        response.Headers.CacheControl = blob.CacheControl;
        response.Headers.AcceptRanges = "bytes";
        response.Headers.XContentTypeOptions = "nosniff";

        var ifNoneMatch = request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        long start = 0, length = blob.Size;
        if (SelectRange(request, blob.Size, etag) is { } range)
        {
            if (range.Start < 0)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{blob.Size}";
                return;
            }
            (start, length) = range;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{start + length - 1}/{blob.Size}";
        }
        response.ContentType = blob.ContentType;
        response.ContentLength = length;
        if (blob.ContentDisposition is { } disposition)
        {
            response.Headers.ContentDisposition = disposition;
        }
        if (HttpMethods.IsHead(request.Method) || length == 0)
        {
            return;
        }
        var ct = http.RequestAborted;
        await using var source = await blobs.OpenReadAsync(blob.Sha256, start, length == blob.Size - start ? null : length, ct);
        await source.CopyToAsync(response.Body, 64 * 1024, ct);
    }

    /// <summary>The one range to send; null for the whole body; a negative start when the range cannot be satisfied.</summary>
    internal static (long Start, long Length)? SelectRange(HttpRequest request, long size, EntityTagHeaderValue etag)
    {
        var typed = request.GetTypedHeaders();
        if (typed.Range is not { Unit.Value: "bytes", Ranges.Count: 1 } header)
        {
            return null;
        }
        // If-Range: only send a part of the representation the client already has a part of.
        if (typed.IfRange is { } ifRange && (ifRange.EntityTag is null || !ifRange.EntityTag.Compare(etag, useStrongComparison: true)))
        {
            return null;
        }
        var range = header.Ranges.Single();
        if (range.From is { } from)
        {
            if (from >= size)
            {
                return (-1, 0);
            }
            var to = Math.Min(range.To ?? size - 1, size - 1);
            return to < from ? (-1, 0) : (from, to - from + 1);
        }
        if (range.To is { } suffix && suffix > 0 && size > 0)
        {
            var n = Math.Min(suffix, size);
            return (size - n, n);
        }
        return (-1, 0);
    }
}
