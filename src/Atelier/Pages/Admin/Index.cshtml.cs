using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Admin;

namespace Atelier.Pages.Admin;

internal sealed class IndexModel(SystemStatusReader reader) : PageModel
{
    public SystemStatus Status { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => Status = await reader.ReadAsync(ct);
}
