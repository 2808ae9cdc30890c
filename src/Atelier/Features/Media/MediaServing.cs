using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Atelier.Features.Accounts;
using Atelier.Platform.Data;
using Atelier.Platform.Http;
using Atelier.Platform.Storage;

namespace Atelier.Features.Media;

/// <summary><c>GET /media/{id}/{name}</c>: an item's original or one of its variants, with ranges, ETags and the right caching.</summary>
internal static class MediaServing
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods("/media/{id:guid}/{name}", [HttpMethods.Get, HttpMethods.Head], ServeAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> ServeAsync(Guid id, string name, string? v, string? download, HttpContext http, ClaimsPrincipal user, AppDb db, IBlobStorage blobs)
    {
        var me = user.UserId();
        var admin = user.IsAdmin();
        // Authorised in the query: a private item is found only for its owner, admins and members of a conversation it was
        // sent in; others get the same 404 as for nothing.
        var file = await db.MediaFiles.AsNoTracking()
            .Where(f => f.MediaId == id && f.Name == name && f.Role != MediaFile.Companion)
            .Join(db.Media, f => f.MediaId, m => m.Id, (f, m) => new { f.MediaId, f.Sha256, f.Size, f.ContentType, m.Visibility, m.OwnerId })
            .Where(x => x.Visibility == MediaVisibility.Public || admin || x.OwnerId == me
                // attached to a message of a conversation the viewer is in
                || db.ChatAttachments.Any(a => a.MediaId == x.MediaId && db.ChatMembers.Any(cm => cm.ConversationId == a.ConversationId && cm.UserId == me)))
            .SingleOrDefaultAsync(http.RequestAborted);
        if (file is null)
        {
            return Results.NotFound();
        }
        var isPublic = file.Visibility == MediaVisibility.Public;
        var immutable = v is not null && v == MediaUrls.Version(file.Sha256);
        var cache = (isPublic, immutable) switch
        {
            (true, true) => "public, max-age=31536000, immutable",
            (true, false) => "public, max-age=3600",
            (false, true) => "private, max-age=31536000, immutable",
            (false, false) => "private, max-age=3600",
        };
        var disposition = new ContentDispositionHeaderValue(download is "1" or "true" ? "attachment" : "inline");
        disposition.SetHttpFileName(name);
        if (file.ContentType == "image/svg+xml")
        {
            // Uploaded SVG is cleaned, and is still only ever shown as a sandboxed document.
            http.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";
        }
        await BlobResponses.WriteAsync(http, blobs, new BlobResponses.BlobInfo(file.Sha256, file.Size, file.ContentType, cache, disposition.ToString()));
        return Results.Empty;
    }
}
