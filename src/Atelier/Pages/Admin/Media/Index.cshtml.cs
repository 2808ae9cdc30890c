using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Accounts;
using Atelier.Features.Media;
using Atelier.Features.Media.Processing;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;
using Atelier.Platform.Http;

namespace Atelier.Pages.Admin.Media;

/// <summary>
/// The media library (<c>/admin/media</c>): upload, browse and filter, and act on several items at once. Authors see
/// and manage their own items, admins everyone's.
/// </summary>
// No site-wide cap for this page: MediaBodyLimits sets each handler's (an upload's is checked per kind while it
// streams). A form is read only for the small bulk forms, or for an upload that lacks the antiforgery header, which
// must then fail quickly rather than be buffered while the token is looked for in it.
[DisableRequestSizeLimit]
[RequestFormLimits(MultipartBodyLengthLimit = RequestBodyLimitMiddleware.DefaultLimit)]
[MediaBodyLimits]
internal sealed class IndexModel(AppDb db, MediaUploads uploads, MediaLibrary library, ContentChanges changes, TimeProvider time) : PageModel
{
    public const int PageSize = 48;
    private const int MaxSelection = 500;

    /// <summary>The grid's filters, from the query string.</summary>
    public sealed class Filter
    {
        public MediaKind? Kind { get; set; }
        public MediaStatus? Status { get; set; }

        [MaxLength(MediaEdit.MaxTagLength)]
        public string? Tag { get; set; }

        [MaxLength(200)]
        public string? Q { get; set; }

        public Guid? Album { get; set; }

        [MaxLength(100)]
        public string? Cursor { get; set; }

        [Range(1, PageRequest.MaxLimit)]
        public int? Limit { get; set; }

        public bool Any => Kind is not null || Status is not null || !string.IsNullOrWhiteSpace(Tag) || !string.IsNullOrWhiteSpace(Q) || Album is not null;

        /// <summary>This list's address, on another page of it or for a handler.</summary>
        public string Url(string? cursor = null, string? handler = null)
        {
            var query = new List<KeyValuePair<string, string?>>();
            void Add(string name, string? value)
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    query.Add(new(name, value));
                }
            }
            Add("handler", handler);
            Add("kind", Kind?.ToString());
            Add("status", Status?.ToString());
            Add("tag", Tag);
            Add("q", Q);
            Add("album", Album?.ToString());
            Add("limit", Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add("cursor", cursor);
            return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/admin/media", query);
        }
    }

    public sealed record Card(
        Guid Id, string Name, string FileName, MediaKind Kind, MediaStatus Status, string? FailureReason, long Size, string? ThumbnailUrl,
        MediaVisibility Visibility);

    public sealed record AlbumOption(Guid Id, string Title);

    /// <summary>What <c>?handler=Upload</c> answers (201), for /app/media.js.</summary>
    public sealed record Uploaded(Guid Id, string FileName, string Kind, string Status, string Url, string? ThumbnailUrl);

    public Filter Current { get; private set; } = new();
    public IReadOnlyList<Card> Items { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public IReadOnlyList<AlbumOption> Albums { get; private set; } = [];
    public bool AnyProcessing => Items.Any(i => i.Status == MediaStatus.Processing);

    [TempData]
    public string? Message { get; set; }

    /// <summary>Items a bulk delete left alone and why, one per line.</summary>
    [TempData]
    public string? Refused { get; set; }

    public async Task<IActionResult> OnGetAsync([FromQuery] Filter filter, CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return BadRequest();
        }
        Current = filter;
        return await LoadAsync(ct) ? Page() : BadRequest();
    }

    /// <summary>
    /// One file (or a glTF with its buffers and textures) as multipart/form-data, streamed by <see cref="MediaUploads"/>;
    /// the antiforgery token comes in the RequestVerificationToken header. Nothing here binds from the form: reading the
    /// form would buffer the whole file first (see <see cref="OnPageHandlerSelected"/>).
    /// </summary>
    public async Task<IActionResult> OnPostUploadAsync()
    {
        var ct = HttpContext.RequestAborted;
        var (item, problem) = await uploads.UploadAsync(Request, User.UserId()!.Value, User.IsAdmin(), ct);
        if (problem is not null)
        {
            return new PageProblem(problem.Status, problem.Title, problem.Detail);
        }
        var dto = MediaApi.ToDto(item!);
        return new CreatedResult($"/admin/media/{dto.Id}",
            new Uploaded(dto.Id, dto.FileName, dto.Kind.ToString(), dto.Status.ToString(), dto.Url, dto.ThumbnailUrl));
    }

    public override void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
        if (context.HandlerMethod?.Name == MediaBodyLimitsAttribute.UploadHandler)
        {
            // Whatever is bound for the upload comes from the route or the query, never from the (streamed) body.
            var factories = PageContext.ValueProviderFactories;
            for (var i = factories.Count - 1; i >= 0; i--)
            {
                if (factories[i] is FormValueProviderFactory or FormFileValueProviderFactory or JQueryFormValueProviderFactory)
                {
                    factories.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>The pages' script (served here because the site's CSP allows no inline script).</summary>
    public IActionResult OnGetScript()
    {
        Response.Headers.CacheControl = "no-cache";
        return Content(MediaScript.Source, "text/javascript; charset=utf-8");
    }

    /// <summary>Delete, add to an album, or make public or private the ticked items.</summary>
    public async Task<IActionResult> OnPostBulkAsync(
        [FromQuery] Filter filter, [FromForm] List<Guid> ids, [FromForm] string? bulk, [FromForm] bool force, [FromForm] Guid? albumId,
        CancellationToken ct)
    {
        var back = ModelState.IsValid ? filter.Url(filter.Cursor) : "/admin/media";
        var selected = ids.Distinct().Take(MaxSelection).ToList();
        if (selected.Count == 0)
        {
            Message = "Tick the items to act on first.";
            return Redirect(back);
        }
        switch (bulk)
        {
            case "delete":
                await DeleteAsync(selected, force, ct);
                break;
            case "album":
                await AddToAlbumAsync(selected, albumId, ct);
                break;
            case "public" or "private":
                var visibility = bulk == "public" ? MediaVisibility.Public : MediaVisibility.Private;
                var now = time.GetUtcNow().UtcDateTime;
                var changed = await db.Media.Manageable(User).Where(m => selected.Contains(m.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Visibility, visibility).SetProperty(m => m.UpdatedAt, now), ct);
                await changes.PublishedAsync(ct);
                Message = $"{Count(changed)} {(changed == 1 ? "is" : "are")} now {bulk}.";
                break;
            default:
                return BadRequest();
        }
        return Redirect(back);
    }

    private async Task DeleteAsync(List<Guid> ids, bool force, CancellationToken ct)
    {
        var names = await db.Media.AsNoTracking().Manageable(User).Where(m => ids.Contains(m.Id))
            .Select(m => new { m.Id, Name = m.Title ?? m.FileName }).ToDictionaryAsync(m => m.Id, m => m.Name, ct);
        var deleted = 0;
        var refused = new List<string>();
        foreach (var id in ids.Where(names.ContainsKey))
        {
            var outcome = await library.DeleteAsync(id, User, force, ct);
            if (outcome.UsedBy is [_, ..] posts)
            {
                refused.Add($"{names[id]} was not deleted: published posts use it ({string.Join(", ", posts)}).");
            }
            else if (outcome.Found)
            {
                deleted++;
            }
        }
        Message = $"Deleted {Count(deleted)}." + (refused.Count > 0
            ? " Remove the items from those posts first, or tick “even if a published post uses them” to delete them anyway."
            : "");
        Refused = refused.Count > 0 ? string.Join('\n', refused) : null;
    }

    private async Task AddToAlbumAsync(List<Guid> ids, Guid? albumId, CancellationToken ct)
    {
        var me = User.UserId();
        var admin = User.IsAdmin();
        var album = albumId is { } id ? await db.Albums.SingleOrDefaultAsync(a => a.Id == id && (admin || a.OwnerId == me), ct) : null;
        if (album is null)
        {
            Message = "Choose one of your albums to add the items to.";
            return;
        }
        var mine = await db.Media.Manageable(User).Where(m => ids.Contains(m.Id)).Select(m => m.Id).ToListAsync(ct);
        var present = await db.AlbumItems.Where(i => i.AlbumId == album.Id && mine.Contains(i.MediaId)).Select(i => i.MediaId).ToListAsync(ct);
        var last = await db.AlbumItems.Where(i => i.AlbumId == album.Id).MaxAsync(i => (int?)i.Position, ct) ?? -1;
        // In the order they were ticked on the page (newest first), after what the album holds.
        var added = ids.Where(mine.Contains).Except(present).ToList();
        foreach (var mediaId in added)
        {
            db.AlbumItems.Add(new AlbumItem { AlbumId = album.Id, MediaId = mediaId, Position = ++last });
        }
        if (added.Count > 0)
        {
            album.UpdatedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
            await changes.PublishedAsync(ct);
        }
        Message = $"Added {Count(added.Count)} to “{album.Title}”."
            + (present.Count > 0 ? $" {Count(present.Count)} {(present.Count == 1 ? "was" : "were")} in it already." : "");
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var filter = Current;
        var query = db.Media.AsNoTracking().Manageable(User).Filtered(db, filter.Kind, filter.Status, filter.Album?.ToString(), filter.Tag, filter.Q);
        if (filter.Cursor is not null)
        {
            if (!Keyset.TryDecode(filter.Cursor, out var key, out var after))
            {
                return false;
            }
            query = query.Where(m => m.CreatedAt < key || (m.CreatedAt == key && m.Id.CompareTo(after) < 0));
        }
        var take = filter.Limit ?? PageSize;
        var rows = await query.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(take + 1)
            .Include(m => m.Files).AsSplitQuery().ToListAsync(ct);
        var page = Keyset.ToPage(rows, take, m => (m.CreatedAt, m.Id));
        Items = [.. page.Items.Select(m => new Card(m.Id, m.Title ?? m.FileName, m.FileName, m.Kind, m.Status, m.FailureReason, m.Size,
            MediaUrls.Thumbnail(m.Id, m.Files), m.Visibility))];
        NextCursor = page.NextCursor;
        Albums = await AlbumsOf(db, User).ToListAsync(ct);
        return true;
    }

    /// <summary>The albums the user may put items into: their own; every album for admins.</summary>
    private static IQueryable<AlbumOption> AlbumsOf(AppDb db, System.Security.Claims.ClaimsPrincipal user)
    {
        var me = user.UserId();
        var admin = user.IsAdmin();
        return db.Albums.AsNoTracking().Where(a => admin || a.OwnerId == me).OrderBy(a => a.Title).ThenBy(a => a.Id).Take(500)
            .Select(a => new AlbumOption(a.Id, a.Title));
    }

    private static string Count(int n) => n == 1 ? "1 item" : $"{n} items";
}
