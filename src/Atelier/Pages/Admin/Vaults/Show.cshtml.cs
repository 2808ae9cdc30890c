using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Atelier.Features.Publishing;
using Atelier.Platform;
using Atelier.Platform.Data;
using Atelier.Platform.Jobs;

namespace Atelier.Pages.Admin.Vaults;

/// <summary>One vault: its source, webhook, the recent imports, and the full log of one of them.</summary>
internal sealed class ShowModel(AppDb db, VaultSync sync, IOptions<AtelierOptions> options) : PageModel
{
    public Vault Vault { get; private set; } = null!;
    public VaultDto Dto { get; private set; } = null!;
    public List<VaultImport> Imports { get; private set; } = [];
    public VaultImport? Selected { get; private set; }
    public ImportLog? Log { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? import, CancellationToken ct)
    {
        if (await db.Vaults.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id, ct) is not { } vault)
        {
            return NotFound();
        }
        Vault = vault;
        Dto = VaultsApi.ToDto(vault, options.Value.PublicUrl, withSecret: true);
        Imports = await db.VaultImports.AsNoTracking().Where(i => i.VaultId == id).OrderByDescending(i => i.CreatedAt).Take(20).ToListAsync(ct);
        Selected = import is { } importId
            ? await db.VaultImports.AsNoTracking().SingleOrDefaultAsync(i => i.Id == importId && i.VaultId == id, ct)
            : Imports.FirstOrDefault();
        if (import is not null && Selected is null)
        {
            return NotFound();
        }
        Log = Selected is { LogJson: not "{}" } s ? JsonSerializer.Deserialize<ImportLog>(s.LogJson, JobQueue.Json) : null;
        return Page();
    }

    public async Task<IActionResult> OnPostSyncAsync(Guid id, CancellationToken ct)
    {
        if (!await db.Vaults.AnyAsync(v => v.Id == id, ct))
        {
            return NotFound();
        }
        var import = await sync.StartAsync(id, ct);
        return RedirectToPage("Show", new { id, import = import.Id });
    }
}
