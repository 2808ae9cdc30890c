using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Atelier.Features.Accounts;
using Atelier.Platform.Http;

namespace Atelier.Features.Studio;

public sealed record PatchListRequest
{
    /// <summary><c>mine</c> (the caller's, signed in) or <c>public</c> (everyone's public patches).</summary>
    public string? Scope { get; init; }

    /// <summary>Words in the name or description.</summary>
    [System.ComponentModel.DataAnnotations.MaxLength(100)]
    public string? Q { get; init; }

    public string? Cursor { get; init; }

    [System.ComponentModel.DataAnnotations.Range(1, PageRequest.MaxLimit)]
    public int? Limit { get; init; }
}

/// <summary>The patches API (the studio's HTTP contract): reads open to anyone the patch is visible to, writes owner-only.</summary>
internal static class PatchesApi
{
    /// <summary>A document may be 1 MB; the body around it (name, description) gets room on top, so an oversized document is a 400 naming it.</summary>
    public const long MaxBody = 2L * PatchLimits.MaxDocumentBytes;

    public static void Map(RouteGroupBuilder api)
    {
        var patches = api.MapGroup("/patches").WithTags("Studio");
        patches.MapGet("", ListAsync).WithSummary("Patches: scope=mine (yours, newest first) or scope=public (everyone's public ones); q filters by name/description.");
        patches.MapGet("/{id:guid}", GetAsync).WithSummary("A patch with its document (private ones only for their owner).");
        patches.MapGet("/by-slug/{slug}", GetBySlugAsync).WithSummary("A patch by its slug (same rules).");
        patches.MapGet("/{id:guid}/versions", VersionsAsync).WithSummary("Saved versions, newest first (the newest 100 are kept).");
        patches.MapGet("/{id:guid}/versions/{number:int}", VersionAsync).WithSummary("One version with its document.");
        patches.MapGet("/{id:guid}/export", ExportAsync).WithSummary("The document as a .atelier-patch.json download.");

        var writes = patches.MapGroup("").RequireApi(AccountsExtensions.ApiUser).WithMetadata(new RequestSizeLimitAttribute(MaxBody));
        writes.MapPost("", CreateAsync).WithSummary("A new patch (private unless visibility says otherwise; an empty document unless one is given).");
        writes.MapPost("/import", ImportAsync).WithSummary("A new private patch from an exported document (the body); name from ?name=.")
            .Accepts<object>("application/json");
        writes.MapPut("/{id:guid}", UpdateAsync).WithSummary("Save (owner only). baseVersion: 409 when someone saved since; checkpoint:false folds an autosave into the newest version.");
        writes.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Delete (owner only).");
        writes.MapPost("/{id:guid}/fork", ForkAsync).WithSummary("A private copy of any patch you can read, owned by you.");
        writes.MapPost("/{id:guid}/versions/{number:int}/restore", RestoreAsync).WithSummary("Make a version the current document (as a new version).");
    }

    private static Guid Me(ClaimsPrincipal user) => user.UserId()!.Value;

    private static async Task<Results<Ok<Page<PatchSummary>>, ProblemHttpResult, UnauthorizedHttpResult, ValidationProblem>> ListAsync(
        [AsParameters] PatchListRequest request, ClaimsPrincipal user, PatchService patches, CancellationToken ct)
    {
        var mine = request.Scope?.ToLowerInvariant() switch
        {
            null or "mine" => true,
            "public" => false,
            _ => (bool?)null,
        };
        if (mine is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["scope"] = ["scope: mine or public."] });
        }
        if (mine == true && user.UserId() is null)
        {
            return TypedResults.Unauthorized();
        }
        if (!Keyset.TryRead(request.Cursor, out var after))
        {
            return Keyset.InvalidCursor();
        }
        var limit = request.Limit ?? 20;
        var (items, more) = await patches.ListAsync(user.UserId(), mine.Value, request.Q, after, limit, ct);
        return TypedResults.Ok(new Page<PatchSummary>(items, more ? Keyset.Encode(items[^1].UpdatedAt, items[^1].Id) : null));
    }

    private static async Task<Results<Ok<PatchDetail>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, PatchService patches, HttpContext http, CancellationToken ct) =>
        Found(await patches.GetAsync(user.UserId(), id, null, ct), http);

    private static async Task<Results<Ok<PatchDetail>, ProblemHttpResult>> GetBySlugAsync(string slug, ClaimsPrincipal user, PatchService patches, HttpContext http, CancellationToken ct) =>
        Found(slug.Length > PatchLimits.MaxSlug ? null : await patches.GetAsync(user.UserId(), null, slug, ct), http);

    private static Results<Ok<PatchDetail>, ProblemHttpResult> Found(PatchDetail? patch, HttpContext http)
    {
        // Private answers must not be kept by shared caches, and even public ones change with every save.
        http.Response.Headers.CacheControl = "private, no-cache";
        return patch is null ? Fail(PatchError.NotFound()) : TypedResults.Ok(patch);
    }

    private static async Task<Results<Created<PatchDetail>, ProblemHttpResult, ValidationProblem>> CreateAsync(
        NewPatch request, ClaimsPrincipal user, PatchService patches, CancellationToken ct) =>
        Created(await patches.CreateAsync(Me(user), request, ct));

    private static async Task<Results<Created<PatchDetail>, ProblemHttpResult, ValidationProblem>> ImportAsync(
        [FromQuery] string? name, HttpRequest request, ClaimsPrincipal user, PatchService patches, CancellationToken ct)
    {
        // The size is checked on the raw body before anything parses it.
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, ct);
        return Created(await patches.ImportAsync(Me(user), name, body.ToArray(), ct));
    }

    private static async Task<Results<Ok<PatchDetail>, ProblemHttpResult, ValidationProblem>> UpdateAsync(
        Guid id, PatchUpdate request, ClaimsPrincipal user, PatchService patches, CancellationToken ct) =>
        Saved(await patches.UpdateAsync(Me(user), id, request, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, ClaimsPrincipal user, PatchService patches, CancellationToken ct) =>
        await patches.DeleteAsync(Me(user), id, ct) is { } error ? Fail(error) : TypedResults.NoContent();

    private static async Task<Results<Created<PatchDetail>, ProblemHttpResult, ValidationProblem>> ForkAsync(
        Guid id, ForkRequest? request, ClaimsPrincipal user, PatchService patches, CancellationToken ct) =>
        Created(await patches.ForkAsync(Me(user), id, request?.Name, ct));

    private static async Task<Results<Ok<PatchVersionList>, ProblemHttpResult>> VersionsAsync(Guid id, ClaimsPrincipal user, PatchService patches, CancellationToken ct) =>
        await patches.VersionsAsync(user.UserId(), id, ct) is { } list ? TypedResults.Ok(list) : Fail(PatchError.NotFound());

    private static async Task<Results<Ok<PatchVersionDetail>, ProblemHttpResult>> VersionAsync(
        Guid id, int number, ClaimsPrincipal user, PatchService patches, CancellationToken ct) =>
        await patches.VersionAsync(user.UserId(), id, number, ct) is { } version ? TypedResults.Ok(version)
            : Fail(new PatchError(404, "There is no such version.", "The patch does not exist, is private, or the version was not kept."));

    private static async Task<Results<Ok<PatchDetail>, ProblemHttpResult, ValidationProblem>> RestoreAsync(
        Guid id, int number, ClaimsPrincipal user, PatchService patches, CancellationToken ct) =>
        Saved(await patches.RestoreAsync(Me(user), id, number, ct));

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(Guid id, ClaimsPrincipal user, PatchService patches, CancellationToken ct) =>
        await patches.ExportAsync(user.UserId(), id, ct) is var (slug, document)
            ? TypedResults.File(Encoding.UTF8.GetBytes(document), "application/json", $"{slug}.atelier-patch.json")
            : Fail(PatchError.NotFound());

    private static Results<Created<PatchDetail>, ProblemHttpResult, ValidationProblem> Created((PatchDetail? Patch, PatchError? Error) result)
    {
        if (result.Error is null)
        {
            return TypedResults.Created($"/api/v1/patches/{result.Patch!.Id}", result.Patch);
        }
        return result.Error.Errors is { } errors ? TypedResults.ValidationProblem(errors, title: result.Error.Title) : Fail(result.Error);
    }

    private static Results<Ok<PatchDetail>, ProblemHttpResult, ValidationProblem> Saved((PatchDetail? Patch, PatchError? Error) result)
    {
        if (result.Error is null)
        {
            return TypedResults.Ok(result.Patch!);
        }
        return result.Error.Errors is { } errors ? TypedResults.ValidationProblem(errors, title: result.Error.Title) : Fail(result.Error);
    }

    private static ProblemHttpResult Fail(PatchError error) =>
        TypedResults.Problem(statusCode: error.Status, title: error.Title, detail: error.Detail);
}
