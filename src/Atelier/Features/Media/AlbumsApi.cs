using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Accounts;
using Atelier.Platform.Data;
using Atelier.Platform.Http;

namespace Atelier.Features.Media;

public sealed record AlbumRequest(
    [property: Required, MaxLength(AlbumStore.MaxTitle), RegularExpression(@".*\S.*")] string Title,
    [property: MaxLength(AlbumStore.MaxSlug)] string? Slug,
    [property: MaxLength(AlbumStore.MaxDescription)] string? Description,
    MediaVisibility? Visibility);

/// <summary>Changes to an album; a missing (null) property is left alone. An empty description or coverId clears it.</summary>
public sealed record AlbumPatch(
    [property: MaxLength(AlbumStore.MaxTitle)] string? Title,
    [property: MaxLength(AlbumStore.MaxSlug)] string? Slug,
    [property: MaxLength(AlbumStore.MaxDescription)] string? Description,
    MediaVisibility? Visibility,
    [property: MaxLength(100)] string? CoverId);

public sealed record AlbumItemRequest(Guid MediaId, [property: MaxLength(AlbumStore.MaxCaption)] string? Caption);

/// <summary>An item of an album: its place (from 0), the album's caption for it, and the media item itself.</summary>
public sealed record AlbumItemDto(Guid MediaId, int Position, string? Caption, MediaDto Media);

public sealed record AlbumDto(
    Guid Id, string Slug, string Title, string? Description, MediaVisibility Visibility, Guid? CoverId, string? CoverUrl, string Url,
    Guid OwnerId, DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<AlbumItemDto> Items);

public sealed record AlbumSummaryDto(
    Guid Id, string Slug, string Title, string? Description, MediaVisibility Visibility, Guid? CoverId, string? CoverUrl, string Url,
    int ItemCount, Guid OwnerId, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>Albums over HTTP: ordered, captioned sets of media shown as a public gallery at <c>/gallery/{slug}</c>. Users manage their own; admins all.</summary>
internal static class AlbumsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var albums = api.MapGroup("/albums").WithTags("Albums").RequireApi(AccountsExtensions.ApiUser);
        albums.MapGet("", ListAsync).WithSummary("Your albums (admins: everyone's), newest first, keyset-paged.");
        albums.MapPost("", CreateAsync).WithSummary("Create an album; the slug comes from the title unless given (409 when a given slug is taken).");
        albums.MapGet("/{id:guid}", GetAsync).WithSummary("One album with its items in order.");
        albums.MapPatch("/{id:guid}", PatchAsync).WithSummary("Edit title, slug, description, visibility or cover (coverId: one of its items; \"\" unsets it).");
        albums.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Delete an album; its media stay in the library.");
        albums.MapPut("/{id:guid}/items", SetItemsAsync)
            .WithSummary("Replace the items with this ordered list of {mediaId, caption}: sets the order and the captions, removes what is not listed.");
        albums.MapPost("/{id:guid}/items", AddItemAsync).WithSummary("Add one of your media items at the end.");
        albums.MapDelete("/{id:guid}/items/{mediaId:guid}", RemoveItemAsync).WithSummary("Take an item out of the album (the item stays in the library).");
    }

    private static async Task<Results<Ok<Page<AlbumSummaryDto>>, ProblemHttpResult>> ListAsync(
        [AsParameters] PageRequest page, ClaimsPrincipal user, AppDb db, CancellationToken ct)
    {
        var query = AlbumStore.Manageable(db.Albums.AsNoTracking(), user);
        if (page.Cursor is not null)
        {
            if (!Keyset.TryDecode(page.Cursor, out var key, out var after))
            {
                return Keyset.InvalidCursor();
            }
            query = query.Where(a => a.CreatedAt < key || (a.CreatedAt == key && a.Id.CompareTo(after) < 0));
        }
        var rows = await query.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).Take(page.Take + 1)
            .Select(a => new { Album = a, Count = db.AlbumItems.Count(i => i.AlbumId == a.Id) })
            .ToListAsync(ct);
        var result = Keyset.ToPage(rows, page.Take, r => (r.Album.CreatedAt, r.Album.Id));
        var covers = await CoversAsync(db, [.. result.Items.Select(r => r.Album.CoverId).OfType<Guid>()], ct);
        return TypedResults.Ok(new Page<AlbumSummaryDto>([.. result.Items.Select(r => new AlbumSummaryDto(
            r.Album.Id, r.Album.Slug, r.Album.Title, r.Album.Description, r.Album.Visibility, r.Album.CoverId,
            r.Album.CoverId is { } c ? covers.GetValueOrDefault(c) : null, UrlOf(r.Album), r.Count, r.Album.OwnerId, r.Album.CreatedAt, r.Album.UpdatedAt))],
            result.NextCursor));
    }

    private static async Task<Results<Created<AlbumDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        AlbumRequest request, ClaimsPrincipal user, AlbumStore store, AppDb db, CancellationToken ct)
    {
        var outcome = await store.CreateAsync(new AlbumEdit(request.Title, request.Slug, request.Description, request.Visibility), user, ct);
        if (outcome.Problem is { Status: 400 } invalid)
        {
            return Invalid(invalid);
        }
        if (outcome.Problem is { } conflict)
        {
            return Conflict(conflict);
        }
        return TypedResults.Created($"/api/v1/albums/{outcome.Album!.Id}", await ToDtoAsync(db, outcome.Album, ct));
    }

    private static async Task<Results<Ok<AlbumDto>, NotFound>> GetAsync(Guid id, ClaimsPrincipal user, AppDb db, CancellationToken ct) =>
        await AlbumStore.Manageable(db.Albums.AsNoTracking(), user).SingleOrDefaultAsync(a => a.Id == id, ct) is { } album
            ? TypedResults.Ok(await ToDtoAsync(db, album, ct))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<AlbumDto>, NotFound, ValidationProblem, ProblemHttpResult>> PatchAsync(
        Guid id, AlbumPatch patch, ClaimsPrincipal user, AlbumStore store, AppDb db, CancellationToken ct) =>
        await store.UpdateAsync(id, new AlbumEdit(patch.Title, patch.Slug, patch.Description, patch.Visibility, patch.CoverId), user, ct) switch
        {
            { Album: { } album } => TypedResults.Ok(await ToDtoAsync(db, album, ct)),
            { Problem: { Status: 400 } invalid } => Invalid(invalid),
            { Problem: { } conflict } => Conflict(conflict),
            _ => TypedResults.NotFound(),
        };

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, ClaimsPrincipal user, AlbumStore store, CancellationToken ct) =>
        await store.DeleteAsync(id, user, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<AlbumDto>, NotFound, ValidationProblem>> SetItemsAsync(
        Guid id, AlbumItemRequest[]? items, ClaimsPrincipal user, AlbumStore store, AppDb db, CancellationToken ct) =>
        await store.SetItemsAsync(id, items?.Select(i => new AlbumEntry(i.MediaId, i.Caption)).ToList(), user, ct) switch
        {
            { Album: { } album } => TypedResults.Ok(await ToDtoAsync(db, album, ct)),
            { Problem: { } invalid } => Invalid(invalid),
            _ => TypedResults.NotFound(),
        };

    private static async Task<Results<Created<AlbumDto>, NotFound, ValidationProblem, ProblemHttpResult>> AddItemAsync(
        Guid id, AlbumItemRequest item, ClaimsPrincipal user, AlbumStore store, AppDb db, CancellationToken ct) =>
        await store.AddItemAsync(id, item.MediaId, item.Caption, user, ct) switch
        {
            { Album: { } album } => TypedResults.Created($"/api/v1/albums/{album.Id}", await ToDtoAsync(db, album, ct)),
            { Problem: { Status: 400 } invalid } => Invalid(invalid),
            { Problem: { } conflict } => Conflict(conflict),
            _ => TypedResults.NotFound(),
        };

    private static async Task<Results<NoContent, NotFound>> RemoveItemAsync(
        Guid id, Guid mediaId, ClaimsPrincipal user, AlbumStore store, CancellationToken ct) =>
        (await store.RemoveItemAsync(id, mediaId, user, ct)).Album is not null ? TypedResults.NoContent() : TypedResults.NotFound();

    /// <summary>A 400 names the field in <c>errors</c>, as validation problems do.</summary>
    private static ValidationProblem Invalid(AlbumProblem problem) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [problem.Field] = [problem.Message] });

    /// <summary>A 409 (a taken slug, an item already there) names the field too.</summary>
    private static ProblemHttpResult Conflict(AlbumProblem problem) =>
        TypedResults.Problem(statusCode: problem.Status, title: problem.Message,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [problem.Field] = [problem.Message] } });

    public static string UrlOf(Album album) => UrlOf(album.Slug);

    public static string UrlOf(string slug) => "/gallery/" + Uri.EscapeDataString(slug);

    /// <summary>The album with its items in order, each with its media item as the media API shows it.</summary>
    public static async Task<AlbumDto> ToDtoAsync(AppDb db, Album album, CancellationToken ct)
    {
        var entries = await db.AlbumItems.AsNoTracking().Where(i => i.AlbumId == album.Id)
            .OrderBy(i => i.Position).ThenBy(i => i.MediaId).ToListAsync(ct);
        var ids = entries.Select(e => e.MediaId).ToList();
        var media = new Dictionary<Guid, MediaItem>();
        foreach (var chunk in ids.Chunk(500))
        {
            foreach (var item in await db.Media.AsNoTracking().Include(m => m.Files).Where(m => chunk.Contains(m.Id)).AsSplitQuery().ToListAsync(ct))
            {
                media[item.Id] = item;
            }
        }
        var items = entries.Where(e => media.ContainsKey(e.MediaId))
            .Select((e, i) => new AlbumItemDto(e.MediaId, i, e.Caption, MediaApi.ToDto(media[e.MediaId]))).ToList();
        var cover = album.CoverId is { } c && media.TryGetValue(c, out var coverItem) ? CoverUrl(coverItem) : null;
        return new AlbumDto(album.Id, album.Slug, album.Title, album.Description, album.Visibility, album.CoverId, cover, UrlOf(album),
            album.OwnerId, album.CreatedAt, album.UpdatedAt, items);
    }

    /// <summary>A small picture of an item: its thumbnail variant, else the original of an image.</summary>
    public static string? CoverUrl(MediaItem item) =>
        MediaUrls.Thumbnail(item.Id, item.Files) ?? (item.Kind == Processing.MediaKind.Image ? MediaUrls.Of(item.Id, item.FileName, item.Sha256) : null);

    private static async Task<Dictionary<Guid, string?>> CoversAsync(AppDb db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var items = await db.Media.AsNoTracking().Include(m => m.Files).Where(m => ids.Contains(m.Id)).AsSplitQuery().ToListAsync(ct);
        return items.ToDictionary(m => m.Id, CoverUrl);
    }
}
