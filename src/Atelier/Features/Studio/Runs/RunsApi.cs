using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Accounts;
using Atelier.Graph;
using Atelier.Platform.Data;

namespace Atelier.Features.Studio.Runs;

/// <summary>How long to run (1–300 s, default 30).</summary>
public sealed record RunRequest([property: Range(1, RunLimits.MaxSeconds)] int? Seconds);

/// <summary>The run that started; its events arrive on /hubs/studio with this id.</summary>
public sealed record RunStarted(Guid RunId);

/// <summary>Server runs of patches (docs/studio-daw.md): start one, stop one.</summary>
internal static class RunsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/patches/{id:guid}/run", StartAsync).WithTags("Studio").RequireApi(AccountsExtensions.ApiUser)
            .WithSummary("Run my patch's server nodes (constant, math, compare, switch, hold, clock, logger, OSC out) for up to 300 s; events arrive on /hubs/studio.");
        api.MapPost("/studio/runs/{runId:guid}/stop", Stop).WithTags("Studio").RequireApi(AccountsExtensions.ApiUser)
            .WithSummary("Stop one of my runs.");
    }

    private static async Task<Results<Accepted<RunStarted>, ValidationProblem, ProblemHttpResult>> StartAsync(
        Guid id, RunRequest? request, ClaimsPrincipal user, AppDb db, StudioRuns runs, CancellationToken ct)
    {
        var me = user.UserId()!.Value;
        // Only what the caller may read is looked up at all: 404 for a private patch of someone else, like GET does.
        var patch = await db.Patches.AsNoTracking()
            .Where(p => p.Id == id && (p.OwnerId == me || p.Visibility != PatchVisibility.Private))
            .Select(p => new { p.OwnerId, p.Document })
            .SingleOrDefaultAsync(ct);
        if (patch is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Patch not found.");
        }
        if (patch.OwnerId != me)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only the patch's owner can run it; fork it to run your own copy.");
        }
        var (graph, errors) = PatchGraphReader.Read(patch.Document);
        var compiled = graph is null ? null : GraphCompiler.Compile(graph);
        if (compiled is not null)
        {
            errors.AddRange(compiled.Errors);
        }
        if (errors.Count > 0 || compiled?.Graph is null)
        {
            return TypedResults.ValidationProblem(
                errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                title: "The patch cannot run: " + errors[0].Message);
        }
        var seconds = request?.Seconds ?? RunLimits.DefaultSeconds;
        return runs.Start(me, compiled.Graph, TimeSpan.FromSeconds(seconds)) is { } runId
            ? TypedResults.Accepted((string?)null, new RunStarted(runId))
            : TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests,
                title: $"You already have {RunLimits.MaxConcurrentPerUser} runs going; stop one first.");
    }

    private static Results<NoContent, ProblemHttpResult> Stop(Guid runId, ClaimsPrincipal user, StudioRuns runs) =>
        runs.Stop(user.UserId()!.Value, runId)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found.");
}
