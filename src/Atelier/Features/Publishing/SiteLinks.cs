using Microsoft.EntityFrameworkCore;
using Atelier.Features.Publishing.Markdown;
using Atelier.Platform.Data;

namespace Atelier.Features.Publishing;

/// <summary>
/// How names in a post written in the admin or API resolve: <c>[[…]]</c> finds a post by title, slug, alias or vault
/// file name (case-insensitive); <c>![[…]]</c> finds a stored attachment by file name, else a public item of the media
/// library (the newest of that name), which then shows with its player, waveform and variants. Loaded once per render.
/// </summary>
internal sealed class SiteLinks : INoteLinks
{
    private sealed record Row(Guid Id, string Slug, string Title, string Aliases, string? VaultPath, bool Visible, string Source);

    private readonly Dictionary<string, Row> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<Guid, Row> _byId = [];
    private readonly Dictionary<string, (string Name, string Url)> _assets = new(StringComparer.OrdinalIgnoreCase);

    private SiteLinks()
    {
    }

    public static async Task<SiteLinks> LoadAsync(AppDb db, DateTime now, CancellationToken ct)
    {
        var links = new SiteLinks();
        var rows = await db.Posts.AsNoTracking()
            .Select(p => new Row(p.Id, p.Slug, p.Title, p.Aliases, p.VaultPath, p.Status == PostStatus.Published && p.PublishedAt <= now, p.Source))
            .ToListAsync(ct);
        foreach (var row in rows.OrderBy(r => r.Visible ? 0 : 1))
        {
            links._byId[row.Id] = row;
            var names = new List<string> { row.Slug, row.Title };
            names.AddRange(row.Aliases.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            if (row.VaultPath is { } path)
            {
                names.Add(Path.GetFileNameWithoutExtension(path));
            }
            foreach (var name in names)
            {
                links._byName.TryAdd(name.Trim(), row); // visible posts first: they win a name both share
            }
        }
        foreach (var asset in await db.Assets.AsNoTracking().OrderBy(a => a.CreatedAt).Select(a => new { a.FileName, a.VaultPath, a.Sha256 }).ToListAsync(ct))
        {
            var url = $"/assets/{asset.Sha256}/{Uri.EscapeDataString(asset.FileName)}";
            links._assets.TryAdd(asset.FileName, (asset.FileName, url));
            links._assets.TryAdd(asset.VaultPath, (asset.FileName, url));
        }
        var media = await db.Media.AsNoTracking()
            .Where(m => m.Visibility == Media.MediaVisibility.Public && m.Status != Media.MediaStatus.Failed)
            .OrderByDescending(m => m.CreatedAt).Select(m => new { m.Id, m.FileName, m.Sha256 }).ToListAsync(ct);
        foreach (var item in media)
        {
            links._assets.TryAdd(item.FileName, (item.FileName, Media.MediaUrls.Of(item.Id, item.FileName, item.Sha256)));
        }
        return links;
    }

    public NoteTarget? ResolveNote(string target)
    {
        var name = target.Trim();
        var row = _byName.GetValueOrDefault(name) ?? _byName.GetValueOrDefault(Slugs.From(name));
        return row is null ? null : Target(row);
    }

    public NoteTarget? Self(Guid id) => _byId.TryGetValue(id, out var row) ? Target(row) : null;

    public AssetTarget? ResolveAsset(string target) =>
        _assets.TryGetValue(target.Trim().TrimStart('/'), out var a) || _assets.TryGetValue(Path.GetFileName(target.Trim()), out a)
            ? new AssetTarget(a.Name, a.Url, AssetKinds.Of(a.Name))
            : null;

    public string? LoadSource(NoteTarget note) => Guid.TryParse(note.Key, out var id) && _byId.TryGetValue(id, out var row) ? row.Source : null;

    private static NoteTarget Target(Row row) => new(row.Id.ToString(), row.Title, row.Visible ? "/posts/" + Uri.EscapeDataString(row.Slug) : null);
}

internal static class AssetKinds
{
    public static AssetKind Of(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".png" or ".jpg" or ".jpeg" or ".gif" or ".webp" or ".avif" or ".svg" or ".bmp" => AssetKind.Image,
        ".mp3" or ".wav" or ".ogg" or ".flac" or ".m4a" or ".opus" or ".aac" => AssetKind.Audio,
        ".mp4" or ".webm" or ".mov" or ".mkv" or ".ogv" => AssetKind.Video,
        ".pdf" => AssetKind.Pdf,
        ".glb" or ".gltf" => AssetKind.Model,
        _ => AssetKind.Other,
    };
}
