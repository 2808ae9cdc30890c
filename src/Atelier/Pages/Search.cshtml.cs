using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Publishing;

namespace Atelier.Pages;

internal sealed class SearchModel(SearchIndex search) : PageModel
{
    public string Query { get; private set; } = "";
    public IReadOnlyList<SearchHit> Results { get; private set; } = [];
    public string? Message { get; private set; }

    public async Task OnGetAsync(string? q, CancellationToken ct)
    {
        Query = (q ?? "").Trim();
        if (Query.Length == 0)
        {
            return; // just the form
        }
        if (Query.Length > SearchIndex.MaxQueryLength)
        {
            Query = Query[..SearchIndex.MaxQueryLength];
            Message = $"Search words are limited to {SearchIndex.MaxQueryLength} characters.";
            return;
        }
        Results = await search.SearchAsync(Query, null, null, 20, ct);
    }
}
