using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Atelier.Features.Accounts;

namespace Atelier.Features.Studio.Runs;

/// <summary>A line of a run's console: a logger's output, or what the run itself has to say.</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Level"><c>info</c>, <c>warn</c> or <c>error</c>.</param>
/// <param name="Node">The node it is about, if any.</param>
/// <param name="Message">The text.</param>
public sealed record RunLogEntry(DateTimeOffset Time, string Level, string? Node, string Message);

/// <summary>What the studio's connections hear about their owner's server runs (docs/studio-daw.md).</summary>
public interface IStudioClient
{
    /// <summary>A console line of run <paramref name="runId"/>.</summary>
    Task RunLog(Guid runId, RunLogEntry entry);

    /// <summary>Node id → the value it shows now (numbers or text), for the nodes that changed; at most 10 a second.</summary>
    Task RunValues(Guid runId, IReadOnlyDictionary<string, object> values);

    /// <summary>The run ended: <c>finished</c>, <c>stopped</c> or <c>error: …</c>.</summary>
    Task RunEnded(Guid runId, string reason);
}

/// <summary>
/// The studio in real time. Authenticated by bearer token (<c>access_token</c> on WebSockets, like /hubs/chat); each
/// user's connections form a group, and a run's events go to its owner's group. Clients connect before they start a
/// run and filter by run id.
/// </summary>
[Authorize(AuthenticationSchemes = JwtBearerDefaults.AuthenticationScheme)]
internal sealed class StudioHub(StudioRuns runs) : Hub<IStudioClient>
{
    public const string Path = "/hubs/studio";

    public static string GroupOf(Guid userId) => "studio:" + userId.ToString("N");

    private Guid Me => Context.User!.UserId()!.Value;

    public override Task OnConnectedAsync() => Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(Me));

    /// <summary>Stops one of my runs (the same as <c>POST /api/v1/studio/runs/{runId}/stop</c>).</summary>
    public void StopRun(Guid runId)
    {
        if (!runs.Stop(Me, runId))
        {
            throw new HubException("Run not found.");
        }
    }
}
