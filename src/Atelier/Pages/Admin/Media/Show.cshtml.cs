using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Media;
using Atelier.Features.Media.Processing;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;

namespace Atelier.Pages.Admin.Media;

/// <summary>
/// One item of the library (<c>/admin/media/{id}</c>): a preview, its files and metadata, what processing skipped or
/// why it failed, the posts that use it, the Markdown to show it in a post; edit its text and visibility, or delete it.
/// </summary>
internal sealed class ShowModel(AppDb db, MediaLibrary library, ContentChanges changes, TimeProvider time) : PageModel
{
    public sealed class EditForm
    {
        public string? Title { get; set; }
        public string? Alt { get; set; }
        public string? Caption { get; set; }

        /// <summary>Comma-separated.</summary>
        public string? Tags { get; set; }

        public MediaVisibility Visibility { get; set; }
    }

    public sealed record FileRow(string Name, string Role, string ContentType, long Size, int? Width, int? Height, string? Url);

    public sealed record MetadataRow(string Key, string Value);

    [BindProperty]
    public EditForm Input { get; set; } = new();

    [TempData]
    public string? Message { get; set; }

    public MediaItem Item { get; private set; } = null!;
    public MediaDto Dto { get; private set; } = null!;
    public IReadOnlyList<FileRow> Files { get; private set; } = [];
    public IReadOnlyList<MetadataRow> Metadata { get; private set; } = [];
    public IReadOnlyList<string> UsedBy { get; private set; } = [];
    public string Markdown { get; private set; } = "";

    /// <summary>For a picture: the largest variant (the original before processing, or for an animation), and its size.</summary>
    public string? PreviewUrl { get; private set; }
    public int? PreviewWidth { get; private set; }
    public int? PreviewHeight { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Input = new EditForm
        {
            Title = Item.Title,
            Alt = Item.Alt,
            Caption = Item.Caption,
            Tags = string.Join(", ", MediaEdit.Read(Item.Tags)),
            Visibility = Item.Visibility,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var item = await db.Media.Manageable(User).SingleOrDefaultAsync(m => m.Id == id, ct);
        if (item is null)
        {
            return NotFound();
        }
        // An emptied field clears the value (MediaEdit leaves null alone).
        var edit = MediaEdit.From(Input.Title ?? "", Input.Alt ?? "", Input.Caption ?? "", Input.Tags ?? "", Input.Visibility.ToString());
        if (!ModelState.IsValid || edit.Problem is not null)
        {
            ModelState.AddModelError("", edit.Problem is { } problem ? $"{problem.Title} {problem.Detail}" : "The form could not be read.");
            return await LoadAsync(id, ct) ? Page() : NotFound();
        }
        edit.ApplyTo(item);
        item.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await changes.PublishedAsync(ct);
        Message = "Saved.";
        return RedirectToPage("Show", new { id });
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, [FromForm] bool force, CancellationToken ct)
    {
        var name = await db.Media.AsNoTracking().Manageable(User).Where(m => m.Id == id).Select(m => m.Title ?? m.FileName).SingleOrDefaultAsync(ct);
        var outcome = await library.DeleteAsync(id, User, force, ct);
        if (!outcome.Found || name is null)
        {
            return NotFound();
        }
        if (outcome.UsedBy is [_, ..] posts)
        {
            ModelState.AddModelError("", $"Not deleted: published posts use this item ({string.Join(", ", posts)}). Remove it from them first, or tick “even if a published post uses it”.");
            return await OnGetAsync(id, ct);
        }
        Message = $"Deleted {name}.";
        return Redirect("/admin/media");
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await db.Media.AsNoTracking().Manageable(User).Include(m => m.Files).SingleOrDefaultAsync(m => m.Id == id, ct) is not { } item)
        {
            return false;
        }
        Item = item;
        Dto = MediaApi.ToDto(item);
        Files = [.. item.Files
            .OrderBy(f => f.Role switch { MediaFile.Original => 0, MediaFile.Companion => 1, _ => 2 })
            .ThenBy(f => f.Role, StringComparer.Ordinal).ThenBy(f => f.Width ?? 0).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => new FileRow(f.Name, f.Role, f.ContentType, f.Size, f.Width, f.Height, f.Role == MediaFile.Companion ? null : MediaUrls.Of(item.Id, f)))];
        using (var metadata = JsonDocument.Parse(item.Metadata))
        {
            Metadata = metadata.RootElement.ValueKind == JsonValueKind.Object
                ? [.. metadata.RootElement.EnumerateObject().Select(p => new MetadataRow(MediaText.Key(p.Name), MediaText.Value(p.Name, p.Value)))]
                : [];
        }
        UsedBy = await library.UsedByAsync(id, ct);
        Markdown = MediaText.Markdown(item.Id, item.FileName, item.Alt ?? item.Title);
        if (item.Kind == MediaKind.Image)
        {
            var picture = MediaMarkup.Picture(item);
            var full = picture.Full == picture.Original ? null : item.Files.Where(f => f.Role == "image").MaxBy(f => f.Width ?? 0);
            PreviewUrl = picture.Full;
            PreviewWidth = full is null ? item.Width : full.Width;
            PreviewHeight = full is null ? item.Height : full.Height;
        }
        return true;
    }
}
