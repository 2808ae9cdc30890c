using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Atelier.Platform.Data;

namespace Atelier.Features.Publishing;

/// <summary>Registering a vault, for the API and the admin pages alike: the source is checked before anything is stored.</summary>
internal sealed class VaultRegistry(AppDb db, TimeProvider time)
{
    /// <summary>The new vault; or field errors (keys as in the API: <c>source.path</c>, …); or a name conflict.</summary>
    public async Task<(Vault? Vault, Dictionary<string, string[]> Errors, bool NameTaken)> CreateAsync(CreateVaultRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var source = request.Source;
        var location = "";
        if (source.Kind == "folder")
        {
            if (string.IsNullOrWhiteSpace(source.Path) || !Path.IsPathFullyQualified(source.Path) || !Directory.Exists(source.Path))
            {
                errors["source.path"] = ["An absolute path of an existing folder on the server is required."];
            }
            else
            {
                location = Path.GetFullPath(source.Path);
            }
        }
        else if (string.IsNullOrWhiteSpace(source.Url) || !Uri.TryCreate(source.Url, UriKind.Absolute, out var url)
            || url.Scheme is not ("https" or "http" or "ssh" or "git" or "file"))
        {
            errors["source.url"] = ["A git URL (https, ssh, git or file) is required."];
        }
        else
        {
            location = source.Url;
        }
        if (source.Branch is { Length: > 0 } branch && (branch.StartsWith('-') || branch.Any(char.IsWhiteSpace)))
        {
            errors["source.branch"] = ["Not a branch name."];
        }
        if (errors.Count > 0)
        {
            return (null, errors, false);
        }
        var name = request.Name.Trim();
        if (await db.Vaults.AnyAsync(v => v.Name == name, ct))
        {
            return (null, errors, true);
        }
        var vault = new Vault
        {
            Name = name,
            SourceKind = source.Kind,
            SourcePath = location,
            Branch = string.IsNullOrWhiteSpace(source.Branch) ? null : source.Branch.Trim(),
            PublishRule = request.PublishRule ?? "frontmatter",
            Folders = string.Join('\n', (request.Folders ?? []).Select(f => f.Trim().Trim('/')).Where(f => f.Length > 0)),
            WebhookSecret = source.Kind == "git" ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : null,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Vaults.Add(vault);
        await db.SaveChangesAsync(ct);
        return (vault, errors, false);
    }
}
