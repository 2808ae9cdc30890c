using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;

namespace Atelier.Pages.Admin.Vaults;

/// <summary>The vaults: each with its source, last import, a "sync now" button; and a form to add one.</summary>
internal sealed class IndexModel(AppDb db, VaultRegistry registry, VaultSync sync) : PageModel
{
    public sealed record Row(Guid Id, string Name, string SourceKind, string Source, string? Branch, string PublishRule, VaultImport? LastImport);

    public sealed class NewVault
    {
        [Required, MaxLength(200), RegularExpression(@".*\S.*", ErrorMessage = "A name is required.")]
        public string Name { get; set; } = "";

        [Required, AllowedValues("folder", "git")]
        public string Kind { get; set; } = "folder";

        /// <summary>A folder on the server, or a Git URL.</summary>
        [Required(ErrorMessage = "Where is the vault? A folder on the server or a Git URL."), MaxLength(1000)]
        public string Location { get; set; } = "";

        [MaxLength(200)]
        public string? Branch { get; set; }

        [Required, AllowedValues("frontmatter", "all", "folders")]
        public string PublishRule { get; set; } = "frontmatter";

        /// <summary>For the "folders" rule: one folder per line.</summary>
        [MaxLength(5000)]
        public string? Folders { get; set; }
    }

    [BindProperty]
    public NewVault Input { get; set; } = new();

    public List<Row> Vaults { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Vaults = await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (ModelState.IsValid)
        {
            var folders = (Input.Folders ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var request = new CreateVaultRequest(Input.Name, new VaultSourceRequest(Input.Kind,
                Input.Kind == "folder" ? Input.Location.Trim() : null, Input.Kind == "git" ? Input.Location.Trim() : null, Input.Branch),
                Input.PublishRule, folders);
            var (vault, errors, nameTaken) = await registry.CreateAsync(request, ct);
            if (vault is not null)
            {
                var import = await sync.StartAsync(vault.Id, ct);
                return RedirectToPage("Show", new { id = vault.Id, import = import.Id });
            }
            if (nameTaken)
            {
                ModelState.AddModelError("Input.Name", "A vault with that name exists.");
            }
            foreach (var (key, messages) in errors)
            {
                foreach (var message in messages)
                {
                    ModelState.AddModelError(key == "source.branch" ? "Input.Branch" : "Input.Location", message);
                }
            }
        }
        Vaults = await LoadAsync(ct);
        return Page();
    }

    private async Task<List<Row>> LoadAsync(CancellationToken ct)
    {
        var vaults = await db.Vaults.AsNoTracking().OrderBy(v => v.Name).Take(200).ToListAsync(ct);
        var ids = vaults.Select(v => v.Id).ToList();
        var imports = await db.VaultImports.AsNoTracking().Where(i => ids.Contains(i.VaultId))
            .GroupBy(i => i.VaultId).Select(g => g.OrderByDescending(i => i.CreatedAt).First()).ToListAsync(ct);
        return vaults.Select(v => new Row(v.Id, v.Name, v.SourceKind, v.SourcePath, v.Branch, v.PublishRule,
            imports.FirstOrDefault(i => i.VaultId == v.Id))).ToList();
    }
}
