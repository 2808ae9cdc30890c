using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;

namespace Atelier.Pages.Admin;

/// <summary>
/// Tags and categories: how many posts use each; rename or merge a tag on the posts written here, rename a category.
/// Posts from a vault keep what their notes say (change it in the vault).
/// </summary>
internal sealed class TagsModel(AppDb db, SearchIndex search, ContentChanges changes) : PageModel
{
    public sealed record TagRow(string Tag, int Posts, int FromVaults);

    public sealed record CategoryRow(string Path, string Name, int Depth, int Posts);

    public List<TagRow> Tags { get; private set; } = [];
    public List<CategoryRow> Categories { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostRenameTagAsync([Required, MaxLength(100)] string tag, [Required, MaxLength(100)] string to, CancellationToken ct)
    {
        var target = (to ?? "").Trim().TrimStart('#').ToLowerInvariant();
        if (!ModelState.IsValid || target.Length == 0 || target.Any(char.IsWhiteSpace))
        {
            ModelState.AddModelError("", "A tag is one word or-a-phrase-with-dashes, without spaces.");
            await LoadAsync(ct);
            return Page();
        }
        var posts = await db.Posts.Include(p => p.Tags).Where(p => p.VaultId == null && p.Tags.Any(t => t.Tag == tag)).ToListAsync(ct);
        foreach (var post in posts)
        {
            post.Tags.RemoveAll(t => t.Tag == tag);
            if (post.Tags.All(t => t.Tag != target))
            {
                post.Tags.Add(new PostTag { PostId = post.Id, Tag = target });
            }
        }
        await db.SaveChangesAsync(ct);
        await search.IndexAsync(posts.Select(p => p.Id).ToList(), ct);
        await changes.PublishedAsync(ct);
        var vaultPosts = await db.PostTags.CountAsync(t => t.Tag == tag, ct);
        Message = $"#{tag} is now #{target} on {posts.Count} post(s)."
            + (vaultPosts > 0 ? $" {vaultPosts} post(s) from vaults keep #{tag}: change it in their notes." : "");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRenameCategoryAsync([Required, MaxLength(200)] string path, [Required, MaxLength(200)] string name, CancellationToken ct)
    {
        var category = await db.Categories.SingleOrDefaultAsync(c => c.Path == path, ct);
        if (category is null)
        {
            return NotFound();
        }
        if (!ModelState.IsValid || string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal))
        {
            ModelState.AddModelError("", "A name without slashes is needed.");
            await LoadAsync(ct);
            return Page();
        }
        category.Name = name.Trim();
        await db.SaveChangesAsync(ct);
        await changes.PublishedAsync(ct);
        Message = $"The category {path} is now called {category.Name}.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Tags = await db.PostTags.AsNoTracking()
            .Join(db.Posts, t => t.PostId, p => p.Id, (t, p) => new { t.Tag, FromVault = p.VaultId != null ? 1 : 0 })
            .GroupBy(x => x.Tag).OrderBy(g => g.Key).Take(2000)
            .Select(g => new TagRow(g.Key, g.Count(), g.Sum(x => x.FromVault))).ToListAsync(ct);
        var counts = await db.PostCategories.AsNoTracking().GroupBy(c => c.Path).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, ct);
        Categories = (await db.Categories.AsNoTracking().OrderBy(c => c.Path).Take(2000).ToListAsync(ct))
            .Select(c => new CategoryRow(c.Path, c.Name, c.Path.Count(ch => ch == '/'), counts.GetValueOrDefault(c.Path))).ToList();
    }
}
