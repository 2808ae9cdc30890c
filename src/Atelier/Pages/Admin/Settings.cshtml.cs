using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Publishing;

namespace Atelier.Pages.Admin;

/// <summary>The site's name, description, menu and social links.</summary>
internal sealed class SettingsModel(SiteSettingsStore store, TimeProvider time) : PageModel
{
    public sealed class SettingsForm
    {
        [Required(ErrorMessage = "The site needs a name."), MaxLength(100), RegularExpression(@".*\S.*", ErrorMessage = "The site needs a name.")]
        public string Title { get; set; } = "";

        [MaxLength(300)]
        public string? Description { get; set; }

        /// <summary><c>Label | URL</c>, one per line.</summary>
        [MaxLength(5000)]
        public string? Menu { get; set; }

        [MaxLength(5000)]
        public string? Social { get; set; }
    }

    [BindProperty]
    public SettingsForm Input { get; set; } = new();

    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var current = await store.GetAsync(ct);
        Input = new SettingsForm
        {
            Title = current.Title,
            Description = current.Description,
            Menu = SiteSettings.FormatLinks(current.Menu),
            Social = SiteSettings.FormatLinks(current.Social),
        };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var menu = SiteSettings.ParseLinks(Input.Menu, allowMail: false, out var menuError);
        if (menuError is not null)
        {
            ModelState.AddModelError("Input.Menu", menuError);
        }
        var social = SiteSettings.ParseLinks(Input.Social, allowMail: true, out var socialError);
        if (socialError is not null)
        {
            ModelState.AddModelError("Input.Social", socialError);
        }
        if (!ModelState.IsValid || menu is null || social is null)
        {
            return Page();
        }
        await store.SaveAsync(new SiteSettings(Input.Title.Trim(), string.IsNullOrWhiteSpace(Input.Description) ? null : Input.Description.Trim(), menu, social), time, ct);
        Message = "Settings saved.";
        return RedirectToPage();
    }
}
