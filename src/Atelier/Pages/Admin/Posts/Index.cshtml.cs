using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Publishing;
using Atelier.Platform.Http;

namespace Atelier.Pages.Admin.Posts;

/// <summary>The posts an author may edit (their own; every post for admins).</summary>
internal sealed class IndexModel(PostWriter writer) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<WritablePostDto> Posts { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await writer.ListAsync(User, new PageRequest { Cursor = Cursor, Limit = 50 }, ct) is not { } page)
        {
            return BadRequest();
        }
        Posts = page;
        return Page();
    }
}
