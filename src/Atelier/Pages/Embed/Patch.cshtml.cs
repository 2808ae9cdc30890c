using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Studio;
using Atelier.Platform.Data;

namespace Atelier.Pages.Embed;

/// <summary>
/// <c>/embed/patch/{slug}</c>: the player a post (or another site) frames. Only public and unlisted patches; a private
/// one is 404 even for its owner, since an embed is for readers. Everything the first paint needs (name, exposed
/// controls with their specs and current values) is in <c>data-patch</c>, so only the small embed script loads until
/// the reader presses play; the runtime and the document come then.
/// </summary>
internal sealed class PatchModel(AppDb db, NodeRegistry registry) : PageModel
{
    public string Name { get; private set; } = "";

    /// <summary>The JSON for <c>data-patch</c> (Razor encodes it for the attribute).</summary>
    public string Data { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var patch = slug.Length > PatchLimits.MaxSlug ? null : await db.Patches.AsNoTracking()
            .Where(p => p.Slug == slug && p.Visibility != PatchVisibility.Private)
            .Select(p => new { p.Id, p.Slug, p.Name, p.Document }).SingleOrDefaultAsync(ct);
        if (patch is null)
        {
            return NotFound();
        }
        Name = patch.Name;
        Data = new JsonObject
        {
            ["id"] = patch.Id,
            ["slug"] = patch.Slug,
            ["name"] = patch.Name,
            ["controls"] = Controls(patch.Document),
        }.ToJsonString();
        // Saves change what the player shows; a reader's browser may keep it briefly, shared caches must ask again.
        Response.Headers.CacheControl = "public, max-age=60";
        return Page();
    }

    /// <summary>The document's exposed controls with each parameter's spec from its pack and the node's current value.</summary>
    private JsonArray Controls(string document)
    {
        var controls = new JsonArray();
        using var json = JsonDocument.Parse(document);
        var root = json.RootElement;
        if (!root.TryGetProperty("controls", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return controls;
        }
        var nodes = root.GetProperty("nodes").EnumerateArray()
            .Where(n => n.TryGetProperty("id", out _))
            .GroupBy(n => n.GetProperty("id").GetString()!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var control in list.EnumerateArray())
        {
            var nodeId = control.GetProperty("node").GetString()!;
            var paramId = control.GetProperty("param").GetString()!;
            // Stored documents were valid when saved; a plugin removed since then leaves its controls out, not an error page.
            if (!nodes.TryGetValue(nodeId, out var node) || registry.Find(node.GetProperty("type").GetString()!) is not { } type
                || !type.Params.TryGetValue(paramId, out var spec))
            {
                continue;
            }
            JsonNode? value = node.TryGetProperty("params", out var values) && values.ValueKind == JsonValueKind.Object && values.TryGetProperty(paramId, out var v)
                ? JsonNode.Parse(v.GetRawText()) : spec.Json["default"]?.DeepClone();
            controls.Add(new JsonObject
            {
                ["node"] = nodeId,
                ["param"] = paramId,
                ["label"] = control.TryGetProperty("label", out var label) && label.ValueKind == JsonValueKind.String ? label.GetString() : spec.Json["name"]?.GetValue<string>(),
                ["spec"] = spec.Json.DeepClone(),
                ["value"] = value,
            });
        }
        return controls;
    }
}
