using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Media;
using Atelier.Platform.Data;
using Atelier.Platform.Http;

namespace Atelier.Pages.Admin.Albums;

/// <summary>The albums a user manages (their own; all for admins), newest first, and a form to start one.</summary>
internal sealed class IndexModel(AppDb db, AlbumStore store) : PageModel
{
    public sealed record Row(Guid Id, string Title, string Slug, MediaVisibility Visibility, int Count, DateTime UpdatedAt)
    {
        public string PublicUrl => AlbumsApi.UrlOf(Slug);
    }

    [BindProperty]
    public AlbumForm Input { get; set; } = new();

    public Page<Row> Albums { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync(string? cursor, CancellationToken ct) =>
        await LoadAsync(cursor, ct) ? Page() : BadRequest();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (ModelState.IsValid)
        {
            var outcome = await store.CreateAsync(Input.ToEdit(), User, ct);
            if (outcome.Album is { } album)
            {
                return RedirectToPage("Show", new { id = album.Id });
            }
            AlbumForm.AddError(ModelState, outcome.Problem!);
        }
        await LoadAsync(null, ct);
        return Page();
    }

    private async Task<bool> LoadAsync(string? cursor, CancellationToken ct)
    {
        var query = AlbumStore.Manageable(db.Albums.AsNoTracking(), User);
        if (cursor is not null)
        {
            if (!Keyset.TryDecode(cursor, out var key, out var after))
            {
                return false;
            }
            query = query.Where(a => a.CreatedAt < key || (a.CreatedAt == key && a.Id.CompareTo(after) < 0));
        }
        var rows = await query.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).Take(51)
            .Select(a => new { a.CreatedAt, Row = new Row(a.Id, a.Title, a.Slug, a.Visibility, db.AlbumItems.Count(i => i.AlbumId == a.Id), a.UpdatedAt) })
            .ToListAsync(ct);
        var page = Keyset.ToPage(rows, 50, r => (r.CreatedAt, r.Row.Id));
        Albums = new Page<Row>([.. page.Items.Select(r => r.Row)], page.NextCursor);
        return true;
    }
}
