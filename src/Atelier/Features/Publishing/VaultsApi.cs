using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Accounts;
using Atelier.Platform.Data;
using Atelier.Platform.Jobs;

namespace Atelier.Features.Publishing;

public sealed record VaultSourceRequest(
    [property: Required, AllowedValues("folder", "git")] string Kind,
    [property: MaxLength(1000)] string? Path,
    [property: MaxLength(1000)] string? Url,
    [property: MaxLength(200)] string? Branch);

public sealed record CreateVaultRequest(
    [property: Required, MaxLength(200), RegularExpression(@".*\S.*")] string Name,
    [property: Required] VaultSourceRequest Source,
    [property: AllowedValues(null, "frontmatter", "all", "folders")] string? PublishRule,
    [property: MaxLength(50)] string[]? Folders);

public sealed record VaultDto(Guid Id, string Name, string SourceKind, string Source, string? Branch, string PublishRule,
    IReadOnlyList<string> Folders, string? WebhookUrl, string? WebhookSecret, DateTime CreatedAt);

public sealed record ImportStarted(Guid ImportId, string Status);

public sealed record ImportDto(Guid Id, Guid VaultId, string Status, DateTime CreatedAt, DateTime? FinishedAt, ImportLog? Log);

internal static class VaultsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var vaults = api.MapGroup("/vaults").WithTags("Vaults");
        var admin = vaults.MapGroup("").RequireApi(AccountsExtensions.ApiAdmin);
        admin.MapPost("", CreateAsync).WithSummary("Register an Obsidian vault: a folder on the server or a Git repository.");
        admin.MapGet("", ListAsync).WithSummary("The vaults.");
        admin.MapPost("/{id:guid}/sync", SyncAsync).WithSummary("Start an import in the background; returns its id.");
        admin.MapGet("/{id:guid}/imports/{importId:guid}", GetImportAsync).WithSummary("An import's status and log.");
        // Called by the Git host, authenticated by the HMAC signature rather than a user.
        vaults.MapPost("/{id:guid}/webhook", WebhookAsync).WithSummary("Push webhook (GitHub/Gitea HMAC-SHA256 signature): starts an import.")
            .DisableAntiforgery();
    }

    internal static VaultDto ToDto(Vault v, string publicUrl, bool withSecret) => new(v.Id, v.Name, v.SourceKind, v.SourcePath, v.Branch, v.PublishRule,
        v.Folders.Split('\n', StringSplitOptions.RemoveEmptyEntries),
        v.SourceKind == "git" ? $"{publicUrl.TrimEnd('/')}/api/v1/vaults/{v.Id}/webhook" : null,
        withSecret ? v.WebhookSecret : null, v.CreatedAt);

    private static async Task<Results<Created<VaultDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateVaultRequest request, VaultRegistry registry, Microsoft.Extensions.Options.IOptions<Platform.AtelierOptions> options, CancellationToken ct)
    {
        var (vault, errors, conflict) = await registry.CreateAsync(request, ct);
        if (conflict)
        {
            return TypedResults.Problem(statusCode: 409, title: "A vault with that name exists.");
        }
        return vault is null
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Created($"/api/v1/vaults/{vault.Id}", ToDto(vault, options.Value.PublicUrl, withSecret: true));
    }

    private static async Task<Ok<List<VaultDto>>> ListAsync(AppDb db, Microsoft.Extensions.Options.IOptions<Platform.AtelierOptions> options, CancellationToken ct) =>
        TypedResults.Ok((await db.Vaults.AsNoTracking().OrderBy(v => v.Name).Take(100).ToListAsync(ct))
            .Select(v => ToDto(v, options.Value.PublicUrl, withSecret: false)).ToList());

    private static async Task<Results<Accepted<ImportStarted>, NotFound>> SyncAsync(Guid id, AppDb db, VaultSync sync, CancellationToken ct)
    {
        if (!await db.Vaults.AnyAsync(v => v.Id == id, ct))
        {
            return TypedResults.NotFound();
        }
        var import = await sync.StartAsync(id, ct);
        return TypedResults.Accepted($"/api/v1/vaults/{id}/imports/{import.Id}", new ImportStarted(import.Id, import.Status));
    }

    private static async Task<Results<Ok<ImportDto>, NotFound>> GetImportAsync(Guid id, Guid importId, AppDb db, CancellationToken ct)
    {
        var import = await db.VaultImports.AsNoTracking().SingleOrDefaultAsync(i => i.Id == importId && i.VaultId == id, ct);
        return import is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(new ImportDto(import.Id, import.VaultId, import.Status, import.CreatedAt, import.FinishedAt,
                import.LogJson == "{}" ? null : JsonSerializer.Deserialize<ImportLog>(import.LogJson, JobQueue.Json)));
    }

    private static async Task<Results<Accepted<ImportStarted>, NotFound, ProblemHttpResult>> WebhookAsync(
        Guid id, HttpRequest request, AppDb db, VaultSync sync, CancellationToken ct)
    {
        var secret = await db.Vaults.Where(v => v.Id == id && v.SourceKind == "git").Select(v => v.WebhookSecret).SingleOrDefaultAsync(ct);
        if (secret is null)
        {
            return TypedResults.NotFound();
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var signature = request.Headers["X-Hub-Signature-256"].FirstOrDefault() ?? request.Headers["X-Gitea-Signature"].FirstOrDefault();
        if (!VaultSync.SignatureMatches(secret, buffer.ToArray(), signature))
        {
            return TypedResults.Problem(statusCode: 401, title: "The webhook signature does not match.");
        }
        var import = await sync.StartAsync(id, ct);
        return TypedResults.Accepted($"/api/v1/vaults/{id}/imports/{import.Id}", new ImportStarted(import.Id, import.Status));
    }
}
