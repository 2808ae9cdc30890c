using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Accounts;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;

namespace Atelier.Features.Media;

/// <summary>Why a change to an album was refused: the HTTP status, the field at fault (camelCase, as the API names it) and why.</summary>
internal sealed record AlbumProblem(int Status, string Field, string Message);

/// <summary>The album after a change, or why not; neither means there is no such album the user may manage.</summary>
internal sealed record AlbumOutcome(Album? Album, AlbumProblem? Problem = null)
{
    public static readonly AlbumOutcome NotFound = new(Album: null);

    public static AlbumOutcome Invalid(string field, string message) => new(null, new(400, field, message));
}

/// <summary>The editable fields of an album. A null value leaves the stored one alone; an empty description clears it.</summary>
internal sealed record AlbumEdit(string? Title, string? Slug, string? Description, MediaVisibility? Visibility, string? CoverId = null);

/// <summary>One entry of an album's full item list, as the client sends it.</summary>
internal sealed record AlbumEntry(Guid MediaId, string? Caption);

/// <summary>
/// Albums, the same rules for the API and the admin pages: every signed-in user keeps albums of their own media,
/// admins manage all of them; items are media the user may manage; every change drops the cached public pages
/// (the gallery and the posts that embed it).
/// </summary>
internal sealed class AlbumStore(AppDb db, ContentChanges changes, TimeProvider time)
{
    public const int MaxItems = 1000;
    public const int MaxTitle = 300;
    public const int MaxSlug = 200;
    public const int MaxDescription = 4000;
    public const int MaxCaption = 2000;

    /// <summary>The albums <paramref name="user"/> may manage: their own, or all for admins.</summary>
    public static IQueryable<Album> Manageable(IQueryable<Album> albums, ClaimsPrincipal user)
    {
        if (user.IsAdmin())
        {
            return albums;
        }
        var me = user.UserId();
        return albums.Where(a => a.OwnerId == me);
    }

    public Task<Album?> FindAsync(Guid id, ClaimsPrincipal user, CancellationToken ct) =>
        Manageable(db.Albums, user).SingleOrDefaultAsync(a => a.Id == id, ct);

    public async Task<AlbumOutcome> CreateAsync(AlbumEdit input, ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Title))
        {
            return AlbumOutcome.Invalid("title", "A title is required.");
        }
        if (Check(input) is { } problem)
        {
            return new(null, problem);
        }
        string slug;
        if (string.IsNullOrWhiteSpace(input.Slug))
        {
            slug = await FreeSlugAsync(SlugOf(input.Title), ct);
        }
        else
        {
            slug = SlugOf(input.Slug);
            if (await db.Albums.AnyAsync(a => a.Slug == slug, ct))
            {
                return new(null, Taken(slug));
            }
        }
        var now = time.GetUtcNow().UtcDateTime;
        var album = new Album
        {
            OwnerId = user.UserId()!.Value,
            Slug = slug,
            Title = input.Title.Trim(),
            Description = Blank(input.Description),
            Visibility = input.Visibility ?? MediaVisibility.Public,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Albums.Add(album);
        return await SaveAsync(album, slug, ct);
    }

    public async Task<AlbumOutcome> UpdateAsync(Guid id, AlbumEdit edit, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await FindAsync(id, user, ct) is not { } album)
        {
            return AlbumOutcome.NotFound;
        }
        if (edit.Title is not null && string.IsNullOrWhiteSpace(edit.Title))
        {
            return AlbumOutcome.Invalid("title", "The title cannot be empty.");
        }
        if (Check(edit) is { } problem)
        {
            return new(null, problem);
        }
        if (edit.CoverId is not null)
        {
            if (edit.CoverId.Length == 0)
            {
                album.CoverId = null;
            }
            else if (Guid.TryParse(edit.CoverId, out var cover) && await db.AlbumItems.AnyAsync(i => i.AlbumId == id && i.MediaId == cover, ct))
            {
                album.CoverId = cover;
            }
            else
            {
                return AlbumOutcome.Invalid("coverId", $"'{edit.CoverId}' is not an item of this album; the cover is one of its items.");
            }
        }
        if (!string.IsNullOrWhiteSpace(edit.Slug) && SlugOf(edit.Slug) is var slug && slug != album.Slug)
        {
            if (await db.Albums.AnyAsync(a => a.Slug == slug, ct))
            {
                return new(null, Taken(slug));
            }
            album.Slug = slug;
        }
        if (edit.Title is not null)
        {
            album.Title = edit.Title.Trim();
        }
        if (edit.Description is not null)
        {
            album.Description = Blank(edit.Description);
        }
        if (edit.Visibility is { } visibility)
        {
            album.Visibility = visibility;
        }
        album.UpdatedAt = time.GetUtcNow().UtcDateTime;
        return await SaveAsync(album, album.Slug, ct);
    }

    public async Task<bool> DeleteAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await FindAsync(id, user, ct) is not { } album)
        {
            return false;
        }
        db.Albums.Remove(album); // its items go with it (cascade); the media stay in the library
        await db.SaveChangesAsync(ct);
        await changes.PublishedAsync(ct);
        return true;
    }

    /// <summary>Replaces the items, their order and captions with <paramref name="entries"/>; a cover no longer among them is unset.</summary>
    public async Task<AlbumOutcome> SetItemsAsync(Guid id, IReadOnlyList<AlbumEntry>? entries, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await FindAsync(id, user, ct) is not { } album)
        {
            return AlbumOutcome.NotFound;
        }
        if (entries is null)
        {
            return AlbumOutcome.Invalid("items", "Send the album's items as a JSON array of {mediaId, caption}.");
        }
        if (entries.Count > MaxItems)
        {
            return AlbumOutcome.Invalid("items", $"An album holds at most {MaxItems} items.");
        }
        var seen = new HashSet<Guid>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (!seen.Add(entries[i].MediaId))
            {
                return AlbumOutcome.Invalid($"items[{i}].mediaId", $"{entries[i].MediaId} is listed twice.");
            }
            if (entries[i].Caption is { Length: > MaxCaption })
            {
                return AlbumOutcome.Invalid($"items[{i}].caption", $"A caption may be up to {MaxCaption} characters.");
            }
        }
        var allowed = await AllowedAsync(seen, user, ct);
        for (var i = 0; i < entries.Count; i++)
        {
            if (!allowed.Contains(entries[i].MediaId))
            {
                return AlbumOutcome.Invalid($"items[{i}].mediaId", NotYours(entries[i].MediaId));
            }
        }

        var rows = await db.AlbumItems.Where(i => i.AlbumId == id).ToListAsync(ct);
        var byMedia = rows.ToDictionary(r => r.MediaId);
        db.AlbumItems.RemoveRange(rows.Where(r => !seen.Contains(r.MediaId)));
        for (var i = 0; i < entries.Count; i++)
        {
            if (byMedia.TryGetValue(entries[i].MediaId, out var row))
            {
                row.Position = i;
                row.Caption = Blank(entries[i].Caption);
            }
            else
            {
                db.AlbumItems.Add(new AlbumItem { AlbumId = id, MediaId = entries[i].MediaId, Position = i, Caption = Blank(entries[i].Caption) });
            }
        }
        if (album.CoverId is { } cover && !seen.Contains(cover))
        {
            album.CoverId = null;
        }
        return await TouchAsync(album, ct);
    }

    /// <summary>Adds one item at the end; 409 when it is in the album already.</summary>
    public async Task<AlbumOutcome> AddItemAsync(Guid id, Guid mediaId, string? caption, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await FindAsync(id, user, ct) is not { } album)
        {
            return AlbumOutcome.NotFound;
        }
        if (caption is { Length: > MaxCaption })
        {
            return AlbumOutcome.Invalid("caption", $"A caption may be up to {MaxCaption} characters.");
        }
        if (!(await AllowedAsync([mediaId], user, ct)).Contains(mediaId))
        {
            return AlbumOutcome.Invalid("mediaId", NotYours(mediaId));
        }
        if (await db.AlbumItems.AnyAsync(i => i.AlbumId == id && i.MediaId == mediaId, ct))
        {
            return new(null, new(409, "mediaId", $"{mediaId} is in this album already."));
        }
        var count = await db.AlbumItems.CountAsync(i => i.AlbumId == id, ct);
        if (count >= MaxItems)
        {
            return AlbumOutcome.Invalid("mediaId", $"An album holds at most {MaxItems} items.");
        }
        var last = await db.AlbumItems.Where(i => i.AlbumId == id).MaxAsync(i => (int?)i.Position, ct) ?? -1;
        db.AlbumItems.Add(new AlbumItem { AlbumId = id, MediaId = mediaId, Position = last + 1, Caption = Blank(caption) });
        return await TouchAsync(album, ct);
    }

    public async Task<AlbumOutcome> RemoveItemAsync(Guid id, Guid mediaId, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await FindAsync(id, user, ct) is not { } album
            || await db.AlbumItems.SingleOrDefaultAsync(i => i.AlbumId == id && i.MediaId == mediaId, ct) is not { } row)
        {
            return AlbumOutcome.NotFound;
        }
        db.AlbumItems.Remove(row);
        if (album.CoverId == mediaId)
        {
            album.CoverId = null;
        }
        return await TouchAsync(album, ct);
    }

    /// <summary>Moves an item one place earlier (<paramref name="delta"/> -1) or later (+1); at either end nothing moves.</summary>
    public async Task<AlbumOutcome> MoveItemAsync(Guid id, Guid mediaId, int delta, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await FindAsync(id, user, ct) is not { } album)
        {
            return AlbumOutcome.NotFound;
        }
        var rows = await db.AlbumItems.Where(i => i.AlbumId == id).OrderBy(i => i.Position).ThenBy(i => i.MediaId).ToListAsync(ct);
        var at = rows.FindIndex(r => r.MediaId == mediaId);
        if (at < 0)
        {
            return AlbumOutcome.NotFound;
        }
        var to = Math.Clamp(at + Math.Sign(delta), 0, rows.Count - 1);
        (rows[at], rows[to]) = (rows[to], rows[at]);
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Position = i; // renumbered, so positions stay 0..n-1 whatever earlier writers left
        }
        return await TouchAsync(album, ct);
    }

    public async Task<AlbumOutcome> SetCaptionAsync(Guid id, Guid mediaId, string? caption, ClaimsPrincipal user, CancellationToken ct)
    {
        if (caption is { Length: > MaxCaption })
        {
            return AlbumOutcome.Invalid("caption", $"A caption may be up to {MaxCaption} characters.");
        }
        if (await FindAsync(id, user, ct) is not { } album
            || await db.AlbumItems.SingleOrDefaultAsync(i => i.AlbumId == id && i.MediaId == mediaId, ct) is not { } row)
        {
            return AlbumOutcome.NotFound;
        }
        row.Caption = Blank(caption);
        return await TouchAsync(album, ct);
    }

    /// <summary>"Summer in Крым!" → "summer-in-крым"; a title without letters or digits gives "album".</summary>
    public static string SlugOf(string text) => text.Any(char.IsLetterOrDigit) ? Slugs.From(text) : "album";

    private async Task<string> FreeSlugAsync(string slug, CancellationToken ct)
    {
        var taken = await db.Albums.Where(a => a.Slug == slug || a.Slug.StartsWith(slug + "-")).Select(a => a.Slug).ToListAsync(ct);
        if (!taken.Contains(slug))
        {
            return slug;
        }
        var n = 2;
        while (taken.Contains($"{slug}-{n}"))
        {
            n++;
        }
        return $"{slug}-{n}";
    }

    /// <summary>Of <paramref name="ids"/>, those <paramref name="user"/> may put in an album.</summary>
    private async Task<HashSet<Guid>> AllowedAsync(IReadOnlyCollection<Guid> ids, ClaimsPrincipal user, CancellationToken ct)
    {
        var allowed = new HashSet<Guid>();
        foreach (var chunk in ids.Chunk(500))
        {
            allowed.UnionWith(await db.Media.Manageable(user).Where(m => chunk.Contains(m.Id)).Select(m => m.Id).ToListAsync(ct));
        }
        return allowed;
    }

    private async Task<AlbumOutcome> TouchAsync(Album album, CancellationToken ct)
    {
        album.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await changes.PublishedAsync(ct);
        return new(album);
    }

    private async Task<AlbumOutcome> SaveAsync(Album album, string slug, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            if (!await db.Albums.AsNoTracking().AnyAsync(a => a.Slug == slug && a.Id != album.Id, ct))
            {
                throw;
            }
            // Another request took the slug between our check and our write.
            return new(null, Taken(slug));
        }
        await changes.PublishedAsync(ct);
        return new(album);
    }

    private static AlbumProblem? Check(AlbumEdit edit)
    {
        if (edit.Title is { Length: > MaxTitle })
        {
            return new(400, "title", $"The title may be up to {MaxTitle} characters.");
        }
        if (edit.Slug is { Length: > MaxSlug })
        {
            return new(400, "slug", $"The slug may be up to {MaxSlug} characters.");
        }
        if (edit.Slug is { Length: > 0 } slug && !slug.Any(char.IsLetterOrDigit))
        {
            return new(400, "slug", "A slug needs letters or digits.");
        }
        if (edit.Description is { Length: > MaxDescription })
        {
            return new(400, "description", $"The description may be up to {MaxDescription} characters.");
        }
        if (edit.Visibility is { } visibility && !Enum.IsDefined(visibility))
        {
            return new(400, "visibility", "visibility is 'Public' or 'Private'.");
        }
        return null;
    }

    private static AlbumProblem Taken(string slug) => new(409, "slug", $"The slug '{slug}' is taken by another album.");

    private static string NotYours(Guid id) => $"{id} is not a media item you may add: it does not exist or belongs to someone else.";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

internal static class AlbumsExtensions
{
    /// <summary>Albums, public galleries and media players in posts.</summary>
    public static IServiceCollection AddAlbums(this IServiceCollection services) =>
        services.AddScoped<AlbumStore>().AddScoped<Galleries>().AddScoped<MediaEmbeds>();
}
