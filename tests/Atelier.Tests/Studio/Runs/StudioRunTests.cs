using System.Net.Sockets;
using System.Text.Json;
using Atelier.Features.Studio;
using Atelier.Tests.Messenger;
using static Atelier.Tests.Studio.Runs.RunApps;

namespace Atelier.Tests.Studio.Runs;

/// <summary>Server runs through the front door: POST /run, OSC packets on a real UDP socket, events on /hubs/studio.</summary>
public abstract class StudioRunTests(AtelierFactory app)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(800);

    private Task<HubClient> ConnectAsync(ChatUser user) => HubClient.ConnectAsync(app.Server, "/hubs/studio", user.Token);

    private static UdpClient Listen(string address = "127.0.0.1") => new(new IPEndPoint(IPAddress.Parse(address), 0));

    private static int PortOf(UdpClient udp) => ((IPEndPoint)udp.Client.LocalEndPoint!).Port;

    private static async Task<string> EndedAsync(HubClient hub, Guid runId)
    {
        while (true)
        {
            var args = await hub.NextArgumentsAsync("RunEnded", TimeSpan.FromSeconds(15));
            if (args[0].GetGuid() == runId)
            {
                return args[1].GetString()!;
            }
        }
    }

    [Fact]
    public async Task AConstantAndAClockDrivenMath_ArriveAsOscPackets()
    {
        var ann = await app.UserAsync("Ann");
        using var udp = Listen();
        var port = PortOf(udp);
        var patch = await app.PatchAsync(ann, Doc(
            [
                Node("pitch", "core.constant", new { value = 440 }),
                Node("toPitch", "core.osc-out", new { host = "127.0.0.1", port, address = "/atelier/value" }),
                Node("clock", "core.clock", new { bpm = 300 }),
                Node("times", "core.math", new { op = "multiply", b = 100 }),
                Node("toBeat", "core.osc-out", new { host = "127.0.0.1", port, address = "/atelier/beat" }),
                Node("synth", "core.oscillator", new { frequency = 220 }), // browser-only: left out
            ],
            Edge("pitch.out", "toPitch.in"), Edge("clock.beat", "times.a"), Edge("times.out", "toBeat.in"), Edge("pitch.out", "synth.frequency")));
        await using var hub = await ConnectAsync(ann);

        var run = await ann.RunAsync(patch, 1);

        // Step 1 at once: the constant and beat 0, in evaluation order; then a beat every 0.2 s.
        var first = await udp.ReceiveOscAsync();
        first.ShouldBe(new OscPacket("/atelier/value", ",f", [440f]), new OscPacketComparer());
        (await udp.ReceiveOscAsync()).ShouldBe(new OscPacket("/atelier/beat", ",f", [0f]), new OscPacketComparer());
        (await udp.ReceiveOscAsync()).ShouldBe(new OscPacket("/atelier/beat", ",f", [100f]), new OscPacketComparer());
        (await udp.ReceiveOscAsync()).ShouldBe(new OscPacket("/atelier/beat", ",f", [200f]), new OscPacketComparer());
        (await EndedAsync(hub, run)).ShouldBe("finished");
        var started = (await hub.NextArgumentsAsync("RunLog"))[1];
        started.GetProperty("message").GetString()!.ShouldContain("1 browser-only node(s) left out (synth)");
    }

    [Fact]
    public async Task TheHub_StreamsLogsValuesAndTheEnd_ToTheOwnerOnly()
    {
        var ann = await app.UserAsync("Ann");
        var eve = await app.UserAsync("Eve");
        var patch = await app.PatchAsync(ann, Doc(
            [Node("a", "core.constant", new { value = 3 }), Node("sq", "core.math", new { op = "power", b = 2 }), Node("log", "core.logger", new { label = "squared" })],
            Edge("a.out", "sq.a"), Edge("sq.out", "log.in")));
        await using var a = await ConnectAsync(ann);
        await using var e = await ConnectAsync(eve);

        var run = await ann.RunAsync(patch, 5);

        (await EndedAsync(a, run)).ShouldBe("finished"); // no clock: one step, and done at once
        var logs = a.Received("RunLog").Where(l => l[0].GetGuid() == run).Select(l => l[1]).ToList();
        logs.Count.ShouldBe(2);
        logs[1].GetProperty("level").GetString().ShouldBe("info");
        logs[1].GetProperty("node").GetString().ShouldBe("log");
        logs[1].GetProperty("message").GetString().ShouldBe("squared: 9");
        var values = a.Received("RunValues").Where(v => v[0].GetGuid() == run).Select(v => v[1]).ShouldHaveSingleItem();
        values.GetProperty("a").GetDouble().ShouldBe(3);
        values.GetProperty("sq").GetDouble().ShouldBe(9);
        values.GetProperty("log").GetDouble().ShouldBe(9);
        await e.AssertNoEventAsync("RunEnded", Quiet);
        e.Received("RunLog").ShouldBeEmpty();
    }

    [Fact]
    public async Task AHostNotAllowListed_GetsNoPacket_AndTheRunWarns()
    {
        var ann = await app.UserAsync("Ann");
        using var elsewhere = Listen("127.0.0.2");
        var port = PortOf(elsewhere);
        var patch = await app.PatchAsync(ann, Doc(
            [Node("c", "core.constant"), Node("out", "core.osc-out", new { host = "127.0.0.2", port, address = "/x" })], Edge("c.out", "out.in")));
        await using var hub = await ConnectAsync(ann);

        var run = await ann.RunAsync(patch, 1);

        (await EndedAsync(hub, run)).ShouldBe("finished");
        var warning = hub.Received("RunLog").Select(l => l[1]).Single(l => l.GetProperty("level").GetString() == "warn");
        warning.GetProperty("node").GetString().ShouldBe("out");
        warning.GetProperty("message").GetString().ShouldBe(
            $"OSC to 127.0.0.2:{port} is not allowed; an administrator can allow it in Atelier:Studio:OscAllowedHosts");
        using var cts = new CancellationTokenSource(Quiet);
        await Should.ThrowAsync<OperationCanceledException>(() => elsewhere.ReceiveAsync(cts.Token).AsTask());
    }

    [Fact]
    public async Task SomeoneElsesPatch_Is404WhenPrivate_And403WhenReadable()
    {
        var ann = await app.UserAsync("Ann");
        var eve = await app.UserAsync("Eve");
        var doc = Doc([Node("c", "core.constant")]);
        var secret = await app.PatchAsync(ann, doc);
        var shared = await app.PatchAsync(ann, doc, PatchVisibility.Public);
        var unlisted = await app.PatchAsync(ann, doc, PatchVisibility.Unlisted);

        (await eve.Api.PostAsJsonAsync($"/api/v1/patches/{secret}/run", new { })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await eve.Api.PostAsJsonAsync($"/api/v1/patches/{Guid.NewGuid()}/run", new { })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var forbidden = await eve.Api.PostAsJsonAsync($"/api/v1/patches/{shared}/run", new { });
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ChatApps.ProblemAsync(forbidden)).Title.ShouldContain("Only the patch's owner can run it");
        (await eve.Api.PostAsJsonAsync($"/api/v1/patches/{unlisted}/run", new { })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.CreateClient().PostAsJsonAsync($"/api/v1/patches/{secret}/run", new { })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ABadGraph_IsA400NamingTheFault()
    {
        var ann = await app.UserAsync("Ann");
        var loop = await app.PatchAsync(ann, Doc([Node("x", "core.math"), Node("y", "core.math")], Edge("x.out", "y.a"), Edge("y.out", "x.a")));
        var typed = await app.PatchAsync(ann, Doc([Node("k", "core.clock"), Node("m", "core.math")], Edge("k.out", "m.a")));
        var broken = await app.PatchAsync(ann, "{\"format\":\"atelier.patch\",\"version\":2,\"nodes\":[]}");

        var cycle = await ann.Api.PostAsJsonAsync($"/api/v1/patches/{loop}/run", new { });
        cycle.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ChatApps.ProblemAsync(cycle, "nodes.x")).FieldMessage.ShouldBe(
            "The graph has a cycle: x → y → x. A loop must pass through a Delay (value) node (core.hold).");
        var type = await ann.Api.PostAsJsonAsync($"/api/v1/patches/{typed}/run", new { });
        type.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ChatApps.ProblemAsync(type, "nodes.m.a")).FieldMessage.ShouldBe("trigger output 'k.out' cannot feed control input 'm.a'.");
        var version = await ann.Api.PostAsJsonAsync($"/api/v1/patches/{broken}/run", new { });
        version.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ChatApps.ProblemAsync(version, "graph")).FieldMessage.ShouldBe("Patch format version 2 is not supported; this server reads version 1.");
        foreach (var seconds in new[] { 0, 301 })
        {
            (await ann.Api.PostAsJsonAsync($"/api/v1/patches/{loop}/run", new { seconds })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task ModulesAreFlattened_IntoTheRun()
    {
        var ann = await app.UserAsync("Ann");
        var doc = new
        {
            format = "atelier.patch", version = 1,
            nodes = new[] { Node("c", "core.constant", new { value = 5 }), new { id = "dbl", type = "module", module = "double", x = 0, y = 0, @params = new { } }, Node("log", "core.logger") },
            edges = new[] { Edge("c.out", "dbl.in"), Edge("dbl.out", "log.in") },
            modules = new[]
            {
                new
                {
                    id = "double", name = "Double",
                    nodes = new[] { Node("m", "core.math", new { op = "multiply", b = 2 }) },
                    edges = Array.Empty<object>(),
                    inputs = new[] { new { id = "in", name = "In", node = "m", port = "a" } },
                    outputs = new[] { new { id = "out", name = "Out", node = "m", port = "out" } },
                },
            },
        };
        var patch = await app.PatchAsync(ann, doc);
        await using var hub = await ConnectAsync(ann);

        var run = await ann.RunAsync(patch, 1);

        (await EndedAsync(hub, run)).ShouldBe("finished");
        hub.Received("RunLog").Select(l => l[1]).ShouldContain(l => l.GetProperty("message").GetString() == "10");
        hub.Received("RunValues").Single()[1].GetProperty("dbl/m").GetDouble().ShouldBe(10);
    }

    [Fact]
    public async Task ARun_StopsWhenAsked_AndAUserHasAtMostTwo()
    {
        var ann = await app.UserAsync("Ann");
        var eve = await app.UserAsync("Eve");
        var patch = await app.PatchAsync(ann, Doc([Node("k", "core.clock", new { bpm = 60 })]));
        await using var hub = await ConnectAsync(ann);
        var first = await ann.RunAsync(patch, 300);
        var second = await ann.RunAsync(patch, 300);

        var third = await ann.Api.PostAsJsonAsync($"/api/v1/patches/{patch}/run", new { seconds = 300 });
        third.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await ChatApps.ProblemAsync(third)).Title.ShouldBe("You already have 2 runs going; stop one first.");
        (await eve.Api.PostAsync($"/api/v1/studio/runs/{first}/stop", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await ann.Api.PostAsync($"/api/v1/studio/runs/{first}/stop", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await EndedAsync(hub, first)).ShouldBe("stopped");
        await hub.InvokeAsync("StopRun", second);
        (await EndedAsync(hub, second)).ShouldBe("stopped");
        (await ann.Api.PostAsync($"/api/v1/studio/runs/{second}/stop", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await ann.RunAsync(patch, 1); // room again
    }
}

/// <summary>Compares decoded OSC packets by address, type tags and argument values.</summary>
internal sealed class OscPacketComparer : IEqualityComparer<OscPacket>
{
    public bool Equals(OscPacket? x, OscPacket? y) => x is not null && y is not null && x.Address == y.Address && x.Tags == y.Tags && x.Args.SequenceEqual(y.Args);

    public int GetHashCode(OscPacket obj) => obj.Address.GetHashCode(StringComparison.Ordinal);
}

public sealed class StudioRunTests_Sqlite(RunsSqliteApp app) : StudioRunTests(app), IClassFixture<RunsSqliteApp>;

public sealed class StudioRunTests_Postgres(RunsPostgresApp app) : StudioRunTests(app), IClassFixture<RunsPostgresApp>;
