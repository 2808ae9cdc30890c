using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace Atelier.Tests.Platform;

/// <summary>A hub with one method per thing <see cref="HubClient"/> must handle.</summary>
public sealed class ProbeHub(ProbeTracker tracker) : Hub
{
    public int Add(int a, int b) => a + b;

    public Sample Echo(Sample sample) => sample with { Number = sample.Number + 1 };

    public void Fail() => throw new HubException("nope");

    public async Task Burst(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Clients.Caller.SendAsync("Tick", i, $"tick {i}");
        }
    }

    public Task Broadcast(string text) => Clients.All.SendAsync("Broadcast", text);

    public Task Join(string group) => Groups.AddToGroupAsync(Context.ConnectionId, group);

    public Task SendToGroup(string group, string text) => Clients.Group(group).SendAsync("GroupMessage", text);

    public string? AccessToken() => Context.GetHttpContext()?.Request.Query["access_token"];

    public string ConnectionId() => Context.ConnectionId;

    public void Note(string text) => tracker.Notes.Enqueue(text);

    public string[] Notes() => [.. tracker.Notes];

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        tracker.Gone(Context.ConnectionId).TrySetResult();
        return Task.CompletedTask;
    }
}

public sealed record Sample(string Text, int Number);

public sealed class ProbeTracker
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gone = new();

    public ConcurrentQueue<string> Notes { get; } = new();

    public TaskCompletionSource Gone(string connectionId) =>
        _gone.GetOrAdd(connectionId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>The probe hub served twice: by Kestrel on a loopback port and by TestServer in memory.</summary>
public sealed class ProbeHosts : IAsyncLifetime
{
    public WebApplication Kestrel { get; private set; } = null!;
    public WebApplication InMemory { get; private set; } = null!;
    public Uri KestrelUrl { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Kestrel = await StartAsync(inMemory: false);
        KestrelUrl = Address(Kestrel);
        InMemory = await StartAsync(inMemory: true);
    }

    public static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

    public static async Task<WebApplication> StartAsync(bool inMemory, Action<HubOptions>? hubOptions = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (inMemory)
        {
            builder.WebHost.UseTestServer();
        }
        else
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        builder.Services.AddSignalR(o => hubOptions?.Invoke(o));
        builder.Services.AddSingleton<ProbeTracker>();
        var app = builder.Build();
        app.UseWebSockets();
        app.MapHub<ProbeHub>("/hubs/probe");
        app.Map("/fake/{scenario}", FakeServerAsync);
        await app.StartAsync();
        return app;
    }

    /// <summary>A hand-written hub server for what a real one never does on demand: refusals, odd framing, close errors.</summary>
    private static async Task FakeServerAsync(HttpContext context, string scenario)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await ReceiveRecordAsync(socket);
        switch (scenario)
        {
            case "refuse":
                await SendAsync(socket, "{\"error\":\"Requested protocol 'json' is not available.\"}\u001e");
                break;
            case "framing":
                // The handshake answer, three invocations and a ping, cut at awkward places: in the first invocation, inside a
                // three-byte UTF-8 character, and across WebSocket messages, not only across frames of one message.
                var stream = Encoding.UTF8.GetBytes(
                    "{}\u001e{\"type\":1,\"target\":\"Piece\",\"arguments\":[\"café ☕\"]}\u001e{\"type\":6}\u001e"
                    + "{\"type\":1,\"target\":\"piece\",\"arguments\":[2]}\u001e{\"type\":1,\"target\":\"PIECE\",\"arguments\":[3]}\u001e");
                var cup = Array.IndexOf(stream, (byte)0xE2);
                var third = stream.Length - 20;
                // A text message must be whole UTF-8 (ClientWebSocket checks), so the character is cut between frames.
                await socket.SendAsync(stream.AsMemory(0, 10), WebSocketMessageType.Text, endOfMessage: false, default);
                await socket.SendAsync(stream.AsMemory(10, cup + 1 - 10), WebSocketMessageType.Text, endOfMessage: false, default);
                await socket.SendAsync(stream.AsMemory(cup + 1, third - cup - 1), WebSocketMessageType.Text, endOfMessage: true, default);
                await socket.SendAsync(stream.AsMemory(third), WebSocketMessageType.Text, endOfMessage: true, default);
                await ReceiveRecordAsync(socket);
                break;
            case "pings":
                await SendAsync(socket, "{}\u001e");
                var pings = 0;
                var counting = Task.Run(async () =>
                {
                    var buffer = new byte[1024];
                    WebSocketReceiveResult received;
                    while ((received = await socket.ReceiveAsync(buffer, default)).MessageType != WebSocketMessageType.Close)
                    {
                        Interlocked.Add(ref pings, Encoding.UTF8.GetString(buffer, 0, received.Count).Split("{\"type\":6}").Length - 1);
                    }
                });
                await Task.Delay(600);
                await SendAsync(socket, $"{{\"type\":1,\"target\":\"Pings\",\"arguments\":[{Volatile.Read(ref pings)}]}}\u001e");
                await counting;
                break;
            case "silent":
                await SendAsync(socket, "{}\u001e");
                var sink = new byte[4096];
                while ((await socket.ReceiveAsync(sink, default)).MessageType != WebSocketMessageType.Close)
                {
                }
                break;
            case "close":
                await SendAsync(socket, "{}\u001e");
                await ReceiveRecordAsync(socket);
                await SendAsync(socket, "{\"type\":7,\"error\":\"Server is shutting down.\",\"allowReconnect\":true}\u001e");
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, default);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario));
        }
    }

    private static Task SendAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, default);

    private static async Task ReceiveRecordAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        while (socket.State == WebSocketState.Open)
        {
            var received = await socket.ReceiveAsync(buffer, default);
            if (received.MessageType == WebSocketMessageType.Close || buffer.AsSpan(0, received.Count).Contains((byte)0x1E))
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Kestrel.DisposeAsync();
        await InMemory.DisposeAsync();
    }
}

public sealed class HubClientTests(ProbeHosts hosts) : IClassFixture<ProbeHosts>
{
    public enum Transport { Kestrel, TestServer }

    private const string Hub = "/hubs/probe";

    private Task<HubClient> ConnectAsync(Transport transport, string? accessToken = null, string path = Hub) => transport == Transport.Kestrel
        ? HubClient.ConnectAsync(new Uri(hosts.KestrelUrl, path), accessToken)
        : HubClient.ConnectAsync(hosts.InMemory.GetTestServer(), path, accessToken);

    [Theory]
    [InlineData(Transport.Kestrel)]
    [InlineData(Transport.TestServer)]
    public async Task Invoke_AfterDirectWebSocketHandshake_ReturnsResults_InCamelCaseJson(Transport transport)
    {
        await using var client = await ConnectAsync(transport);

        (await client.InvokeAsync<int>("Add", 2, 3)).ShouldBe(5);
        (await client.InvokeAsync<int>("add", 40, 2)).ShouldBe(42);
        (await client.InvokeAsync<Sample>("Echo", new Sample("hé", 1))).ShouldBe(new Sample("hé", 2));
        client.Closed.IsCompleted.ShouldBeFalse();
    }

    [Theory]
    [InlineData(Transport.Kestrel)]
    [InlineData(Transport.TestServer)]
    public async Task Invoke_WhenTheHubThrows_SurfacesTheMessage_AndTheConnectionStaysUsable(Transport transport)
    {
        await using var client = await ConnectAsync(transport);

        var error = await Should.ThrowAsync<HubCallException>(() => client.InvokeAsync<int>("Fail"));
        error.Message.ShouldContain("nope");
        var missing = await Should.ThrowAsync<HubCallException>(() => client.InvokeAsync("NoSuchMethod"));
        missing.Message.ShouldContain("NoSuchMethod");

        (await client.InvokeAsync<int>("Add", 1, 1)).ShouldBe(2);
    }

    [Fact]
    public async Task Invoke_WithoutAnswer_TimesOut_NamingTheMethod()
    {
        await using var client = await HubClient.ConnectAsync(new Uri(hosts.KestrelUrl, "/fake/silent"));
        client.Timeout = TimeSpan.FromMilliseconds(200);

        var error = await Should.ThrowAsync<TimeoutException>(() => client.InvokeAsync<int>("Unanswered"));

        error.Message.ShouldContain("'Unanswered'");
        (await Should.ThrowAsync<TimeoutException>(() => client.NextAsync("Nothing"))).Message.ShouldContain("'Nothing'");
    }

    [Theory]
    [InlineData(Transport.Kestrel)]
    [InlineData(Transport.TestServer)]
    public async Task Events_ArriveInTheOrderSent_AndTargetsAreCaseInsensitive(Transport transport)
    {
        await using var client = await ConnectAsync(transport);

        await client.InvokeAsync("Burst", 100);

        for (var i = 0; i < 100; i++)
        {
            var args = await client.NextArgumentsAsync("tick");
            args[0].GetInt32().ShouldBe(i);
            args[1].GetString().ShouldBe($"tick {i}");
        }
        client.Received("TICK").Count.ShouldBe(100);
        client.On("Tick").TryRead(out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData(Transport.Kestrel)]
    [InlineData(Transport.TestServer)]
    public async Task Broadcast_ReachesEveryClient(Transport transport)
    {
        await using var alice = await ConnectAsync(transport);
        await using var bob = await ConnectAsync(transport);

        await alice.InvokeAsync("Broadcast", "hello all");

        (await alice.NextAsync<string>("broadcast")).ShouldBe("hello all");
        (await bob.NextAsync<string>("broadcast")).ShouldBe("hello all");
    }

    [Fact]
    public async Task GroupMessage_ReachesMembers_AndANonMemberReceivesNothing()
    {
        await using var member = await ConnectAsync(Transport.Kestrel);
        await using var outsider = await ConnectAsync(Transport.Kestrel);
        await member.InvokeAsync("Join", "g1");

        await outsider.InvokeAsync("SendToGroup", "g1", "members only");

        (await member.NextAsync<string>("GroupMessage")).ShouldBe("members only");
        await outsider.AssertNoEventAsync("GroupMessage", TimeSpan.FromMilliseconds(300));
        // The assertion can fail: an unread event, or one that arrives while it waits, is reported.
        await member.InvokeAsync("SendToGroup", "g1", "again");
        var failure = await Should.ThrowAsync<Xunit.Sdk.XunitException>(() => member.AssertNoEventAsync("groupmessage", TimeSpan.FromSeconds(5)));
        failure.Message.ShouldContain("\"again\"");
    }

    [Theory]
    [InlineData(Transport.Kestrel)]
    [InlineData(Transport.TestServer)]
    public async Task SendAsync_RunsTheMethodWithoutAnAnswer_InOrderWithInvocations(Transport transport)
    {
        await using var client = await ConnectAsync(transport);
        var note = "note " + Guid.NewGuid().ToString("N");

        await client.SendAsync("Note", note);

        (await client.InvokeAsync<string[]>("Notes")).ShouldContain(note);
    }

    [Theory]
    [InlineData(Transport.Kestrel)]
    [InlineData(Transport.TestServer)]
    public async Task AccessToken_TravelsAsTheQueryParameter_Escaped(Transport transport)
    {
        const string token = "eyJ.a+b/c=d&e f";
        await using var client = await ConnectAsync(transport, token);

        (await client.InvokeAsync<string>("AccessToken")).ShouldBe(token);
    }

    [Theory]
    [InlineData(Transport.Kestrel)]
    [InlineData(Transport.TestServer)]
    public async Task Abort_DropsTheConnection_TheServerNotices_AndANewClientWorks(Transport transport)
    {
        var tracker = (transport == Transport.Kestrel ? hosts.Kestrel : hosts.InMemory).Services.GetRequiredService<ProbeTracker>();
        var dropped = await ConnectAsync(transport);
        var id = await dropped.InvokeAsync<string>("ConnectionId");

        await dropped.AbortAsync();

        (await dropped.Closed.WaitAsync(TimeSpan.FromSeconds(5))).ShouldBeNull();
        await tracker.Gone(id).Task.WaitAsync(TimeSpan.FromSeconds(5));
        (await Should.ThrowAsync<InvalidOperationException>(() => dropped.InvokeAsync<int>("Add", 1, 2))).Message.ShouldContain("'Add'");
        await using var next = await ConnectAsync(transport);
        (await next.InvokeAsync<int>("Add", 1, 2)).ShouldBe(3);
    }

    [Theory]
    [InlineData(Transport.Kestrel)]
    [InlineData(Transport.TestServer)]
    public async Task Dispose_ClosesCleanly_AndTheServerNotices(Transport transport)
    {
        var tracker = (transport == Transport.Kestrel ? hosts.Kestrel : hosts.InMemory).Services.GetRequiredService<ProbeTracker>();
        var client = await ConnectAsync(transport);
        var id = await client.InvokeAsync<string>("ConnectionId");

        var started = DateTime.UtcNow;
        await client.DisposeAsync();

        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(1), "the close handshake completed rather than timing out");
        (await client.Closed).ShouldBeNull();
        await tracker.Gone(id).Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ServerCloseWithError_CompletesClosed_AndFailsTheWaitingInvocationAtOnce()
    {
        await using var client = await ConnectAsync(Transport.Kestrel, path: "/fake/close");

        var error = await Should.ThrowAsync<InvalidOperationException>(() => client.InvokeAsync<int>("Add", 1, 2));

        error.Message.ShouldContain("'Add'");
        error.Message.ShouldContain("Server is shutting down.");
        (await client.Closed).ShouldBe("Server is shutting down.");
    }

    [Fact]
    public async Task Handshake_RefusedByTheServer_Throws()
    {
        var error = await Should.ThrowAsync<HubCallException>(() => ConnectAsync(Transport.Kestrel, path: "/fake/refuse"));

        error.Message.ShouldContain("Requested protocol 'json' is not available.");
    }

    [Theory]
    [InlineData(Transport.Kestrel)]
    [InlineData(Transport.TestServer)]
    public async Task Records_SplitAcrossFramesAndMessages_OrSeveralInOne_AreAllParsed(Transport transport)
    {
        await using var client = await ConnectAsync(transport, path: "/fake/framing");

        (await client.NextAsync<string>("piece")).ShouldBe("café ☕");
        (await client.NextAsync<int>("piece")).ShouldBe(2);
        (await client.NextAsync<int>("piece")).ShouldBe(3);
        client.Closed.IsCompleted.ShouldBeFalse();
    }

    [Fact]
    public async Task Pings_AreSentAtTheInterval_SoAnIdleConnectionOutlivesTheServersClientTimeout()
    {
        await using var pinging = await HubClient.ConnectAsync(new Uri(hosts.KestrelUrl, "/fake/pings"), pingInterval: TimeSpan.FromMilliseconds(100));
        await using var silent = await HubClient.ConnectAsync(new Uri(hosts.KestrelUrl, "/fake/pings"), pingInterval: Timeout.InfiniteTimeSpan);

        // The fake server counts the pings it heard in its first 600 ms.
        (await pinging.NextAsync<int>("Pings")).ShouldBeGreaterThanOrEqualTo(3);
        (await silent.NextAsync<int>("Pings")).ShouldBe(0);
    }

    [Fact]
    public void FrameReader_SplitsSeveralRecordsInOneChunk_AndKeepsAPartialOne()
    {
        var reader = new HubFrameReader();

        var records = reader.Append("{\"type\":6}\u001e\u001e{\"a\":1}\u001e{\"b\":"u8);

        records.Select(Encoding.UTF8.GetString).ShouldBe(["{\"type\":6}", "{\"a\":1}"]);
        reader.PendingBytes.ShouldBe(5);
        reader.Append("2}"u8).ShouldBeEmpty();
        reader.Append("\u001e"u8).Select(Encoding.UTF8.GetString).ShouldBe(["{\"b\":2}"]);
        reader.PendingBytes.ShouldBe(0);
    }

    [Fact]
    public void FrameReader_GivesTheSameRecords_WhereverTheStreamIsCut()
    {
        var stream = Encoding.UTF8.GetBytes("{\"x\":\"café ☕\"}\u001e{\"type\":6}\u001e{\"y\":[1,2]}\u001e");
        string[] expected = ["{\"x\":\"café ☕\"}", "{\"type\":6}", "{\"y\":[1,2]}"];

        for (var first = 0; first <= stream.Length; first++)
        {
            for (var second = first; second <= stream.Length; second++)
            {
                var reader = new HubFrameReader();
                var records = reader.Append(stream.AsSpan(0, first))
                    .Concat(reader.Append(stream.AsSpan(first, second - first)))
                    .Concat(reader.Append(stream.AsSpan(second)));
                records.Select(Encoding.UTF8.GetString).ShouldBe(expected, $"cut at {first} and {second}");
            }
        }
        var bytewise = new HubFrameReader();
        stream.SelectMany(b => bytewise.Append([b])).Select(Encoding.UTF8.GetString).ShouldBe(expected);
    }
}
