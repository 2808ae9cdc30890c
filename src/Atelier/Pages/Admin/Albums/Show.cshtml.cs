using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Media;
using Atelier.Platform.Data;

namespace Atelier.Pages.Admin.Albums;

/// <summary>
/// One album: its details, its items in order (move up/down, caption, cover, remove), adding items from the library
/// or by uploading into the album, and deleting it. Every action is a plain form post, so it works without script.
/// </summary>
internal sealed class ShowModel(AppDb db, AlbumStore store) : PageModel
{
    public sealed record Candidate(Guid Id, string Label);

    public AlbumDto Album { get; private set; } = null!;

    /// <summary>Recent media of the library that are not in the album yet.</summary>
    public List<Candidate> Candidates { get; private set; } = [];

    [BindProperty]
    public AlbumForm Input { get; set; } = new();

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public string? Error { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Input = new AlbumForm
        {
            Title = Album.Title, Slug = Album.Slug, Description = Album.Description, Visibility = Album.Visibility.ToString(),
        };
        return Page();
    }

    /// <summary>Saves the details (title, slug, description, visibility).</summary>
    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (ModelState.IsValid)
        {
            var outcome = await store.UpdateAsync(id, Input.ToEdit(), User, ct);
            if (outcome is { Album: null, Problem: null })
            {
                return NotFound();
            }
            if (outcome.Problem is null)
            {
                Message = "The album is saved.";
                return RedirectToPage(new { id });
            }
            AlbumForm.AddError(ModelState, outcome.Problem);
        }
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public Task<IActionResult> OnPostMoveAsync(Guid id, Guid mediaId, string? direction, CancellationToken ct) =>
        ItemActionAsync(id, store.MoveItemAsync(id, mediaId, direction == "up" ? -1 : 1, User, ct), null);

    public Task<IActionResult> OnPostCoverAsync(Guid id, Guid mediaId, CancellationToken ct) =>
        ItemActionAsync(id, store.UpdateAsync(id, new AlbumEdit(null, null, null, null, mediaId.ToString()), User, ct), "The cover is set.");

    public Task<IActionResult> OnPostRemoveAsync(Guid id, Guid mediaId, CancellationToken ct) =>
        ItemActionAsync(id, store.RemoveItemAsync(id, mediaId, User, ct), "The item is out of the album (it stays in the media library).");

    public Task<IActionResult> OnPostCaptionAsync(Guid id, Guid mediaId, string? caption, CancellationToken ct) =>
        ItemActionAsync(id, store.SetCaptionAsync(id, mediaId, caption ?? "", User, ct), "The caption is saved.");

    public Task<IActionResult> OnPostAddAsync(Guid id, Guid mediaId, CancellationToken ct) =>
        ItemActionAsync(id, store.AddItemAsync(id, mediaId, null, User, ct), "The item is added at the end.");

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        if (!await store.DeleteAsync(id, User, ct))
        {
            return NotFound();
        }
        return RedirectToPage("Index");
    }

    private async Task<IActionResult> ItemActionAsync(Guid id, Task<AlbumOutcome> action, string? done)
    {
        var outcome = await action;
        if (outcome is { Album: null, Problem: null })
        {
            return NotFound();
        }
        if (outcome.Problem is { } problem)
        {
            Error = problem.Message;
        }
        else
        {
            Message = done;
        }
        return Redirect($"/admin/albums/{id}#items");
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await AlbumStore.Manageable(db.Albums.AsNoTracking(), User).SingleOrDefaultAsync(a => a.Id == id, ct) is not { } album)
        {
            return false;
        }
        Album = await AlbumsApi.ToDtoAsync(db, album, ct);
        Candidates = await db.Media.AsNoTracking().Manageable(User)
            .Where(m => m.Status != MediaStatus.Failed && !db.AlbumItems.Any(i => i.AlbumId == id && i.MediaId == m.Id))
            .OrderByDescending(m => m.CreatedAt).Take(100)
            .Select(m => new Candidate(m.Id, (m.Title ?? m.FileName) + " (" + m.Kind.ToString().ToLower() + ")"))
            .ToListAsync(ct);
        return true;
    }
}
