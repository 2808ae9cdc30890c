using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;
using Atelier.Platform.Storage;

namespace Atelier.Features.Media;

/// <summary>Library operations shared by the API and the admin pages.</summary>
internal sealed class MediaLibrary(AppDb db, IBlobStorage blobs, ContentChanges changes, TimeProvider time, ILogger<MediaLibrary> logger)
{
    public sealed record DeleteOutcome(bool Found, IReadOnlyList<string> UsedBy);

    /// <summary>The slugs of published posts that show the item: by its address, or through an album that holds it.</summary>
    public async Task<IReadOnlyList<string>> UsedByAsync(Guid id, CancellationToken ct)
    {
        var address = $"/media/{id}/";
        var albums = await db.AlbumItems.Where(i => i.MediaId == id)
            .Join(db.Albums, i => i.AlbumId, a => a.Id, (i, a) => "album:" + a.Slug).ToListAsync(ct);
        var posts = db.Posts.AsNoTracking().VisibleAt(time.GetUtcNow().UtcDateTime);
        var direct = posts.Where(p => p.Source.Contains(address) || p.Html.Contains(address));
        var viaAlbums = albums.Aggregate(posts.Where(p => false), (q, album) => q.Union(posts.Where(p => p.Source.Contains(album))));
        return await direct.Union(viaAlbums).Select(p => p.Slug).Distinct().OrderBy(s => s).Take(10).ToListAsync(ct);
    }

    public async Task<DeleteOutcome> DeleteAsync(Guid id, ClaimsPrincipal user, bool force, CancellationToken ct)
    {
        var item = await db.Media.Manageable(user).Include(m => m.Files).SingleOrDefaultAsync(m => m.Id == id, ct);
        if (item is null)
        {
            return new(false, []);
        }
        if (!force && await UsedByAsync(id, ct) is [_, ..] posts)
        {
            return new(true, posts);
        }
        var hashes = item.Files.Select(f => f.Sha256).Distinct().ToList();
        db.Media.Remove(item);
        await db.SaveChangesAsync(ct);
        await RemoveUnreferencedAsync(hashes, ct);
        await changes.PublishedAsync(ct);
        return new(true, []);
    }

    /// <summary>Deletes blobs no file of any item refers to any more (the same bytes may serve several items).</summary>
    private async Task RemoveUnreferencedAsync(IReadOnlyList<string> hashes, CancellationToken ct)
    {
        var stillUsed = await db.MediaFiles.Where(f => hashes.Contains(f.Sha256)).Select(f => f.Sha256).Distinct().ToListAsync(ct);
        foreach (var hash in hashes.Except(stillUsed))
        {
            try
            {
                await blobs.DeleteAsync(hash, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Amazon.S3.AmazonS3Exception)
            {
                logger.LogWarning(e, "Could not delete blob {Sha256}; it stays as an orphan", hash);
            }
        }
    }
}
