using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Accounts;
using Atelier.Features.Media.Processing;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;
using Atelier.Platform.Http;
using Atelier.Platform.Storage;

namespace Atelier.Features.Media;

public sealed record MediaFileDto(string Name, string Role, string ContentType, long Size, int? Width, int? Height, string Url);

public sealed record MediaDto(
    Guid Id, MediaKind Kind, MediaStatus Status, string? FailureReason, string FileName, string ContentType, long Size, string Sha256,
    string? Title, string? Alt, string? Caption, IReadOnlyList<string> Tags, MediaVisibility Visibility, int? Width, int? Height,
    double? DurationSeconds, string Url, string? ThumbnailUrl, JsonElement Metadata, IReadOnlyList<string> Skipped,
    IReadOnlyList<MediaFileDto> Files, Guid OwnerId, DateTime CreatedAt, DateTime UpdatedAt, DateTime? ProcessedAt);

/// <summary>Changes to an item; a missing (null) property is left alone, an empty string clears it.</summary>
public sealed record MediaPatch(
    [property: MaxLength(300)] string? Title,
    [property: MaxLength(1000)] string? Alt,
    [property: MaxLength(2000)] string? Caption,
    [property: MaxLength(MediaEdit.MaxTags)] string[]? Tags,
    MediaVisibility? Visibility);

/// <summary>The media library over HTTP: upload, list, read, edit, delete. Every signed-in user has a library of their own; admins see all.</summary>
internal static class MediaApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var media = api.MapGroup("/media").WithTags("Media").RequireApi(AccountsExtensions.ApiUser);
        media.MapPost("", UploadAsync).WithMetadata(new Microsoft.AspNetCore.Mvc.DisableRequestSizeLimitAttribute()).DisableAntiforgery()
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Upload a file (multipart field 'file'; optional alt, title, caption, tags, visibility, albumId). A .gltf may be followed by its .bin and textures.")
            .ProducesProblem(413).ProducesProblem(415);
        media.MapGet("", ListAsync).WithSummary("Your media (admins: everyone's), newest first, keyset-paged; filter by kind, album, tag and text.");
        media.MapGet("/{id:guid}", GetAsync).WithSummary("One item with its metadata, processing status and files.");
        media.MapPatch("/{id:guid}", PatchAsync).WithSummary("Edit alt text, title, caption, tags or visibility.");
        media.MapDelete("/{id:guid}", DeleteAsync)
            .WithSummary("Delete an item; refused (409) while a published post uses it, unless force=true.");
    }

    /// <summary>The items <paramref name="user"/> may manage: their own, or all for admins.</summary>
    internal static IQueryable<MediaItem> Manageable(this IQueryable<MediaItem> items, ClaimsPrincipal user)
    {
        if (user.IsAdmin())
        {
            return items;
        }
        var me = user.UserId();
        return items.Where(m => m.OwnerId == me);
    }

    private static async Task<Results<Created<MediaDto>, ProblemHttpResult>> UploadAsync(
        HttpRequest request, ClaimsPrincipal user, MediaUploads uploads, CancellationToken ct)
    {
        var (item, problem) = await uploads.UploadAsync(request, user.UserId()!.Value, user.IsAdmin(), ct);
        if (problem is not null)
        {
            return TypedResults.Problem(statusCode: problem.Status, title: problem.Title, detail: problem.Detail);
        }
        var dto = ToDto(item!);
        return TypedResults.Created($"/api/v1/media/{dto.Id}", dto);
    }

    private static async Task<Results<Ok<Page<MediaDto>>, ProblemHttpResult>> ListAsync(
        [AsParameters] PageRequest page, MediaKind? kind, [MaxLength(200)] string? album, [MaxLength(MediaEdit.MaxTagLength)] string? tag,
        [MaxLength(200)] string? q, ClaimsPrincipal user, AppDb db, CancellationToken ct)
    {
        var query = db.Media.AsNoTracking().Manageable(user).Filtered(db, kind, null, album, tag, q);
        if (page.Cursor is not null)
        {
            if (!Keyset.TryDecode(page.Cursor, out var key, out var after))
            {
                return Keyset.InvalidCursor();
            }
            query = query.Where(m => m.CreatedAt < key || (m.CreatedAt == key && m.Id.CompareTo(after) < 0));
        }
        var rows = await query.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(page.Take + 1)
            .Include(m => m.Files).AsSplitQuery().ToListAsync(ct);
        var result = Keyset.ToPage(rows, page.Take, m => (m.CreatedAt, m.Id));
        return TypedResults.Ok(new Page<MediaDto>([.. result.Items.Select(ToDto)], result.NextCursor));
    }

    private static async Task<Results<Ok<MediaDto>, NotFound>> GetAsync(Guid id, ClaimsPrincipal user, AppDb db, CancellationToken ct) =>
        await db.Media.AsNoTracking().Manageable(user).Include(m => m.Files).SingleOrDefaultAsync(m => m.Id == id, ct) is { } item
            ? TypedResults.Ok(ToDto(item))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<MediaDto>, NotFound, ProblemHttpResult>> PatchAsync(
        Guid id, MediaPatch patch, ClaimsPrincipal user, AppDb db, ContentChanges changes, TimeProvider time, CancellationToken ct)
    {
        var item = await db.Media.Manageable(user).Include(m => m.Files).SingleOrDefaultAsync(m => m.Id == id, ct);
        if (item is null)
        {
            return TypedResults.NotFound();
        }
        var edit = MediaEdit.From(patch.Title, patch.Alt, patch.Caption, patch.Tags, patch.Visibility?.ToString());
        if (edit.Problem is { } problem)
        {
            return TypedResults.Problem(statusCode: problem.Status, title: problem.Title, detail: problem.Detail);
        }
        edit.ApplyTo(item);
        item.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await changes.PublishedAsync(ct);
        return TypedResults.Ok(ToDto(item));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(
        Guid id, bool? force, ClaimsPrincipal user, MediaLibrary library, CancellationToken ct)
    {
        var outcome = await library.DeleteAsync(id, user, force ?? false, ct);
        return outcome switch
        {
            { Found: false } => TypedResults.NotFound(),
            { UsedBy: [_, ..] posts } => TypedResults.Problem(statusCode: 409, title: "A published post uses this item.",
                detail: $"Used by: {string.Join(", ", posts)}. Remove it from those posts first, or delete with force=true."),
            _ => TypedResults.NoContent(),
        };
    }

    /// <summary>The library's filters, shared by the API and the admin grid: kind, status, album (id or slug), tag and text.</summary>
    internal static IQueryable<MediaItem> Filtered(this IQueryable<MediaItem> query, AppDb db, MediaKind? kind, MediaStatus? status,
        string? album, string? tag, string? text)
    {
        if (kind is { } k)
        {
            query = query.Where(m => m.Kind == k);
        }
        if (status is { } st)
        {
            query = query.Where(m => m.Status == st);
        }
        if (album is not null)
        {
            var albumId = Guid.TryParse(album, out var id) ? id : (Guid?)null;
            query = query.Where(m => db.AlbumItems.Any(i => i.MediaId == m.Id && db.Albums.Any(a => a.Id == i.AlbumId && (a.Id == albumId || a.Slug == album))));
        }
        if (!string.IsNullOrWhiteSpace(tag) && MediaEdit.Normalize(tag) is { Length: > 0 } normal)
        {
            var needle = $"% {Like(normal)} %";
            query = query.Where(m => EF.Functions.Like(m.Tags, needle, "\\"));
        }
        if (!string.IsNullOrWhiteSpace(text))
        {
            var needle = $"%{Like(text.Trim().ToLowerInvariant())}%";
            query = query.Where(m => EF.Functions.Like(m.FileName.ToLower(), needle, "\\") || EF.Functions.Like((m.Title ?? "").ToLower(), needle, "\\")
                || EF.Functions.Like((m.Alt ?? "").ToLower(), needle, "\\") || EF.Functions.Like((m.Caption ?? "").ToLower(), needle, "\\")
                || EF.Functions.Like(m.Tags, needle, "\\"));
        }
        return query;
    }

    public static MediaDto ToDto(MediaItem m)
    {
        var files = m.Files.Where(f => f.Role != MediaFile.Companion)
            .OrderBy(f => f.Role == MediaFile.Original ? 0 : 1).ThenBy(f => f.Width ?? 0).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => new MediaFileDto(f.Name, f.Role, f.ContentType, f.Size, f.Width, f.Height, MediaUrls.Of(m.Id, f)))
            .ToList();
        var original = m.Files.FirstOrDefault(f => f.Role == MediaFile.Original);
        using var metadata = JsonDocument.Parse(m.Metadata);
        return new MediaDto(m.Id, m.Kind, m.Status, m.FailureReason, m.FileName, m.ContentType, m.Size, m.Sha256, m.Title, m.Alt, m.Caption,
            MediaEdit.Read(m.Tags), m.Visibility, m.Width, m.Height, m.DurationSeconds,
            original is null ? MediaUrls.Of(m.Id, m.FileName, m.Sha256) : MediaUrls.Of(m.Id, original),
            MediaUrls.Thumbnail(m.Id, m.Files), metadata.RootElement.Clone(),
            JsonSerializer.Deserialize<List<string>>(m.Skipped) ?? [], files, m.OwnerId, m.CreatedAt, m.UpdatedAt, m.ProcessedAt);
    }

    private static string Like(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}

/// <summary>Addresses of an item's files. The <c>v</c> parameter names the bytes, so such URLs may be cached forever.</summary>
internal static class MediaUrls
{
    public static string Of(Guid id, MediaFile file) => Of(id, file.Name, file.Sha256);

    public static string Of(Guid id, string name, string sha256) => $"/media/{id}/{Uri.EscapeDataString(name)}?v={Version(sha256)}";

    public static string Version(string sha256) => sha256[..12];

    /// <summary>A small picture for grids: the smallest WebP image variant, else a poster or cover, else null.</summary>
    public static string? Thumbnail(Guid id, IEnumerable<MediaFile> files)
    {
        var list = files as IReadOnlyCollection<MediaFile> ?? [.. files];
        var pick = list.Where(f => f.Role == "image" && f.ContentType == "image/webp").OrderBy(f => f.Width ?? int.MaxValue).FirstOrDefault()
            ?? list.FirstOrDefault(f => f.Role == "poster")
            ?? list.FirstOrDefault(f => f.Role == "cover");
        return pick is null ? null : Of(id, pick);
    }
}
