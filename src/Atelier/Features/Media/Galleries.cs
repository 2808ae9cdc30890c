using Microsoft.EntityFrameworkCore;
using Atelier.Features.Media.Processing;
using Atelier.Platform.Data;

namespace Atelier.Features.Media;

/// <summary>
/// One item of a public gallery. A picture has <see cref="Picture"/> (a figure of the gallery grid, opening in the
/// lightbox); audio, video, 3D models and documents have their <see cref="Player"/> markup instead.
/// </summary>
internal sealed record GalleryEntry(Guid MediaId, MediaKind Kind, string? Caption, string Alt, PictureSources? Picture, string? Player);

/// <summary>A public album as its gallery shows it: only public, ready items, in the album's order.</summary>
internal sealed record GalleryView(Guid Id, string Slug, string Title, string? Description, DateTime UpdatedAt, IReadOnlyList<GalleryEntry> Entries, string? PreviewImage)
{
    public string Url => AlbumsApi.UrlOf(Slug);
}

/// <summary>A public album in the gallery index.</summary>
internal sealed record GalleryCard(string Slug, string Title, string? Description, int Count, string? Thumbnail, DateTime UpdatedAt)
{
    public string Url => AlbumsApi.UrlOf(Slug);
}

/// <summary>What the public site reads of albums: public albums only, and in them only public items that are ready.</summary>
internal sealed class Galleries(AppDb db)
{
    public const int IndexLimit = 200;

    public async Task<GalleryView?> GetAsync(string slug, CancellationToken ct) =>
        (await GetManyAsync([slug], ct)).GetValueOrDefault(slug);

    /// <summary>The public albums among <paramref name="slugs"/>, by slug (several embeds in a post load together).</summary>
    public async Task<Dictionary<string, GalleryView>> GetManyAsync(IReadOnlyCollection<string> slugs, CancellationToken ct)
    {
        if (slugs.Count == 0)
        {
            return [];
        }
        var wanted = slugs.ToList();
        var albums = await db.Albums.AsNoTracking().Where(a => wanted.Contains(a.Slug) && a.Visibility == MediaVisibility.Public).ToListAsync(ct);
        if (albums.Count == 0)
        {
            return [];
        }
        var albumIds = albums.Select(a => a.Id).ToList();
        var entries = await VisibleEntries(albumIds).ToListAsync(ct);
        var mediaIds = entries.Select(e => e.MediaId).Distinct().ToList();
        var media = mediaIds.Count == 0 ? [] : await db.Media.AsNoTracking().Include(m => m.Files).Where(m => mediaIds.Contains(m.Id))
            .AsSplitQuery().ToDictionaryAsync(m => m.Id, ct);
        var galleries = new Dictionary<string, GalleryView>(StringComparer.Ordinal);
        foreach (var album in albums)
        {
            var items = entries.Where(e => e.AlbumId == album.Id && media.ContainsKey(e.MediaId)).Select(e => (Item: media[e.MediaId], e.Caption)).ToList();
            var cover = items.FirstOrDefault(i => i.Item.Id == album.CoverId).Item;
            var preview = (cover is null ? null : MediaMarkup.PreviewImage(cover)) ?? items.Select(i => MediaMarkup.PreviewImage(i.Item)).FirstOrDefault(p => p is not null);
            galleries[album.Slug] = new GalleryView(album.Id, album.Slug, album.Title, album.Description, album.UpdatedAt,
                [.. items.Select(i => Entry(i.Item, i.Caption))], preview);
        }
        return galleries;
    }

    /// <summary>Public albums with something to show, most recently changed first.</summary>
    public async Task<List<GalleryCard>> ListAsync(CancellationToken ct)
    {
        var albums = await db.Albums.AsNoTracking().Where(a => a.Visibility == MediaVisibility.Public)
            .OrderByDescending(a => a.UpdatedAt).ThenByDescending(a => a.Id).Take(IndexLimit).ToListAsync(ct);
        if (albums.Count == 0)
        {
            return [];
        }
        var entries = await VisibleEntries([.. albums.Select(a => a.Id)]).ToListAsync(ct);
        var byAlbum = entries.GroupBy(e => e.AlbumId).ToDictionary(g => g.Key, g => g.ToList());
        // One picture per album: its cover if that is visible, else its first item.
        var picks = albums.Where(a => byAlbum.ContainsKey(a.Id))
            .ToDictionary(a => a.Id, a => (byAlbum[a.Id].FirstOrDefault(e => e.MediaId == a.CoverId) ?? byAlbum[a.Id][0]).MediaId);
        var pickIds = picks.Values.Distinct().ToList();
        var pictures = pickIds.Count == 0 ? [] : await db.Media.AsNoTracking().Include(m => m.Files).Where(m => pickIds.Contains(m.Id))
            .AsSplitQuery().ToDictionaryAsync(m => m.Id, ct);
        return [.. albums.Where(a => picks.ContainsKey(a.Id)).Select(a => new GalleryCard(a.Slug, a.Title, a.Description, byAlbum[a.Id].Count,
            pictures.TryGetValue(picks[a.Id], out var item) ? AlbumsApi.CoverUrl(item) : null, a.UpdatedAt))];
    }

    /// <summary>The album items whose media anyone may see, in album order.</summary>
    private IQueryable<AlbumItem> VisibleEntries(List<Guid> albumIds) =>
        db.AlbumItems.AsNoTracking().Where(i => albumIds.Contains(i.AlbumId))
            .Join(db.Media.Where(m => m.Visibility == MediaVisibility.Public && m.Status == MediaStatus.Ready), i => i.MediaId, m => m.Id, (i, m) => i)
            .OrderBy(i => i.Position).ThenBy(i => i.MediaId);

    private static GalleryEntry Entry(MediaItem item, string? caption)
    {
        var text = caption ?? item.Caption;
        var alt = MediaMarkup.AltOf(item);
        return item.Kind == MediaKind.Image
            ? new GalleryEntry(item.Id, item.Kind, text, alt, MediaMarkup.Picture(item), null)
            : new GalleryEntry(item.Id, item.Kind, text, alt, null, MediaMarkup.Player(item));
    }
}
