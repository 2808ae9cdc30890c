using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Publishing;
using Atelier.Platform.Http;

namespace Atelier.Pages.Categories;

[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = PublishingExtensions.PublicPages)]
internal sealed class ShowModel(PostQueries posts) : PageModel
{
    public CategoryNode Category { get; private set; } = new("", "", 0, []);
    /// <summary>The categories above this one, from the top.</summary>
    public IReadOnlyList<CategoryNode> Above { get; private set; } = [];
    public Page<PostCard> Posts { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync(string? path, string? cursor, CancellationToken ct)
    {
        // "/categories/Music/Synthesis" finds "music/synthesis", as the category's own links are written.
        if (CategoryPath.Parse(path, out _) is not { } wanted)
        {
            return NotFound();
        }
        var tree = await posts.CategoriesAsync(ct);
        if (tree.Find(wanted.Key) is not { } category)
        {
            return NotFound(); // unknown, or nothing visible filed under it
        }
        if (await posts.InCategoryAsync(category.Path, cursor, 20, ct) is not { } page)
        {
            return BadRequest();
        }
        Category = category;
        Above = tree.Trail(category.Path).SkipLast(1).ToList();
        Posts = page;
        return Page();
    }
}
