using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Admin;
using Atelier.Platform.Http;

namespace Atelier.Pages.Admin;

internal sealed class JobsModel(JobAdmin jobs) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<JobDto> Jobs { get; private set; } = new([], null);

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await jobs.ListAsync(Status, new PageRequest { Cursor = Cursor, Limit = 50 }, ct) is not { } page)
        {
            return BadRequest();
        }
        Jobs = page;
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id, CancellationToken ct)
    {
        Message = await jobs.RetryAsync(id, ct) ? "The job is back in the queue." : "That job is not dead-lettered (any more).";
        return await OnGetAsync(ct);
    }
}
