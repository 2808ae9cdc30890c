using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.TestHost;

namespace Atelier.Tests.Infrastructure;

/// <summary>A hub method answered with an error (its completion carried <c>error</c>), or the handshake was refused.</summary>
public sealed class HubCallException(string message) : Exception(message);

/// <summary>
/// A client for ASP.NET Core SignalR's JSON hub protocol (version 1) over one WebSocket, because the .NET SignalR client
/// package is not on the mirror. It connects straight to the hub's WebSocket (what <c>skipNegotiation</c> does in the
/// browser client; the server makes a connection for a WebSocket request without <c>id</c>), so it works with
/// <see cref="ClientWebSocket"/> against Kestrel and with TestServer's WebSocket client alike.
/// Server invocations are recorded per target (case-insensitive): read them in order with <see cref="NextAsync"/> or
/// <see cref="On"/>, look at all of them with <see cref="Received"/>.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    public static readonly TimeSpan DefaultPingInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);
    private static readonly byte[] HandshakeRequest = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] PingMessage = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Pending> _pending = new();
    private readonly ConcurrentDictionary<string, EventQueue> _events = new(StringComparer.OrdinalIgnoreCase);
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reader = Task.CompletedTask;
    private Task _pinger = Task.CompletedTask;
    private string? _closeError;
    private string? _closedReason;
    private long _lastInvocationId;
    private volatile bool _closingLocally;
    private int _disposed;

    private HubClient(WebSocket socket) => _socket = socket;

    /// <summary>How long <see cref="InvokeAsync{T}"/> waits for a completion, and <see cref="NextAsync"/> for an event, unless told.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Completes when the connection ends: with the server's close error (a close message with <c>error</c>, a WebSocket
    /// closed with an error status, or the connection lost), or null for a clean close or one this client started.
    /// </summary>
    public Task<string?> Closed => _closed.Task;

    /// <summary>Connects with a <see cref="ClientWebSocket"/> (http/https become ws/wss), e.g. to Kestrel on 127.0.0.1.</summary>
    public static Task<HubClient> ConnectAsync(Uri hubUrl, string? accessToken = null, TimeSpan? pingInterval = null,
        CancellationToken cancellationToken = default) =>
        ConnectAsync(hubUrl, ConnectClientWebSocketAsync, accessToken, pingInterval, cancellationToken);

    /// <summary>Connects through TestServer's in-memory WebSocket client, e.g. <c>factory.Server</c>.</summary>
    public static Task<HubClient> ConnectAsync(TestServer server, string hubPath, string? accessToken = null, TimeSpan? pingInterval = null,
        CancellationToken cancellationToken = default) =>
        ConnectAsync(new Uri(server.BaseAddress, hubPath), (uri, ct) => server.CreateWebSocketClient().ConnectAsync(uri, ct),
            accessToken, pingInterval, cancellationToken);

    /// <summary>
    /// Opens the WebSocket with <paramref name="connect"/> (given the hub URL with <c>access_token</c> added when there is
    /// a token) and completes the JSON protocol handshake; a refused handshake throws <see cref="HubCallException"/>.
    /// A <paramref name="pingInterval"/> of <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> sends no pings.
    /// </summary>
    public static async Task<HubClient> ConnectAsync(Uri hubUrl, Func<Uri, CancellationToken, Task<WebSocket>> connect,
        string? accessToken = null, TimeSpan? pingInterval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connect);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HandshakeTimeout);
        HubClient? client = null;
        try
        {
            client = new HubClient(await connect(WithAccessToken(hubUrl, accessToken), timeout.Token));
            client._reader = Task.Run(client.ReadLoopAsync, CancellationToken.None);
            await client.SendRawAsync(HandshakeRequest, timeout.Token);
            await client._handshake.Task.WaitAsync(timeout.Token);
            client._pinger = client.PingLoopAsync(pingInterval ?? DefaultPingInterval);
            return client;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await AbortQuietlyAsync(client);
            throw new TimeoutException($"No SignalR connection and handshake with {hubUrl} within {HandshakeTimeout.TotalSeconds:0} s.");
        }
        catch
        {
            await AbortQuietlyAsync(client);
            throw;
        }
    }

    /// <summary>Invokes a hub method and returns its result (camelCase JSON); an error completion throws <see cref="HubCallException"/>.</summary>
    public async Task<T> InvokeAsync<T>(string method, params object?[] args)
    {
        var result = await InvokeCoreAsync(method, args);
        return result.ValueKind == JsonValueKind.Undefined ? default! : result.Deserialize<T>(Json)!;
    }

    /// <summary>Invokes a hub method and waits for it to complete, ignoring any result.</summary>
    public Task InvokeAsync(string method, params object?[] args) => InvokeCoreAsync(method, args);

    /// <summary>Sends an invocation without an id: the server runs it and answers nothing.</summary>
    public async Task SendAsync(string method, params object?[] args)
    {
        ThrowIfClosed(method);
        await SendRawAsync(Invocation(null, method, args ?? [null]), CancellationToken.None);
    }

    /// <summary>The queue of arguments of the server's invocations of <paramref name="target"/> not yet read.</summary>
    public ChannelReader<JsonElement[]> On(string target) => Queue(target).Channel.Reader;

    /// <summary>Every invocation of <paramref name="target"/> received so far, read or not.</summary>
    public IReadOnlyList<JsonElement[]> Received(string target)
    {
        var queue = Queue(target);
        lock (queue.All)
        {
            return [.. queue.All];
        }
    }

    /// <summary>The first argument of the next invocation of <paramref name="target"/>; throws <see cref="TimeoutException"/> naming it.</summary>
    public async Task<JsonElement> NextAsync(string target, TimeSpan? timeout = null)
    {
        var args = await NextArgumentsAsync(target, timeout);
        return args.Length > 0 ? args[0] : default;
    }

    /// <summary>The first argument of the next invocation of <paramref name="target"/>, deserialised.</summary>
    public async Task<T> NextAsync<T>(string target, TimeSpan? timeout = null) =>
        (await NextAsync(target, timeout)).Deserialize<T>(Json)!;

    /// <summary>All arguments of the next invocation of <paramref name="target"/>.</summary>
    public async Task<JsonElement[]> NextArgumentsAsync(string target, TimeSpan? timeout = null)
    {
        var wait = timeout ?? Timeout;
        using var cts = new CancellationTokenSource(wait);
        try
        {
            return await On(target).ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"No '{target}' event within {wait.TotalSeconds:0.###} s; {Seen()}.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The connection closed{Reason()} before a '{target}' event arrived; {Seen()}.");
        }
    }

    /// <summary>
    /// Fails when an unread invocation of <paramref name="target"/> is there or arrives within <paramref name="within"/>
    /// (e.g. "a non-member receives nothing"); it waits the whole time otherwise.
    /// </summary>
    public async Task AssertNoEventAsync(string target, TimeSpan within)
    {
        var reader = On(target);
        using var cts = new CancellationTokenSource(within);
        try
        {
            if (await reader.WaitToReadAsync(cts.Token) && reader.TryPeek(out var args))
            {
                throw new Xunit.Sdk.XunitException(
                    $"Expected no '{target}' event within {within.TotalSeconds:0.###} s, but got ({string.Join(", ", args.Select(a => a.GetRawText()))}).");
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }
    }

    /// <summary>Drops the socket without a close handshake, like a network failure; the server sees the connection lost.</summary>
    public Task AbortAsync() => ShutdownAsync(graceful: false);

    /// <summary>Closes the WebSocket cleanly (close handshake, bounded wait) and releases everything.</summary>
    public ValueTask DisposeAsync() => new(ShutdownAsync(graceful: true));

    private async Task<JsonElement> InvokeCoreAsync(string method, object?[]? args)
    {
        var id = Interlocked.Increment(ref _lastInvocationId).ToString(CultureInfo.InvariantCulture);
        var pending = new Pending(method, new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending[id] = pending;
        // The reader fails what is pending after it marks the connection closed: either it sees this entry or we see that.
        if (_closed.Task.IsCompleted)
        {
            _pending.TryRemove(id, out _);
            ThrowIfClosed(method);
        }
        try
        {
            await SendRawAsync(Invocation(id, method, args ?? [null]), CancellationToken.None);
            return await pending.Completion.Task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Hub method '{method}' did not complete within {Timeout.TotalSeconds:0.###} s.");
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException || e is InvalidOperationException && !pending.Completion.Task.IsCompleted)
        {
            throw new InvalidOperationException($"Could not invoke '{method}': {e.Message}", e);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private static byte[] Invocation(string? id, string method, object?[] args)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("type", 1);
            if (id is not null)
            {
                writer.WriteString("invocationId", id);
            }
            writer.WriteString("target", method);
            writer.WritePropertyName("arguments");
            JsonSerializer.Serialize(writer, args, Json);
            writer.WriteEndObject();
        }
        buffer.Write([HubFrameReader.RecordSeparator]);
        return buffer.WrittenSpan.ToArray();
    }

    private async Task SendRawAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var frames = new HubFrameReader();
        var buffer = new byte[16 * 1024];
        string? failure = null;
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer.AsMemory(), _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.CloseStatus is { } status and not WebSocketCloseStatus.NormalClosure and not WebSocketCloseStatus.EndpointUnavailable)
                    {
                        failure = $"WebSocket closed with {status}: {_socket.CloseStatusDescription}";
                    }
                    await AnswerCloseAsync();
                    break;
                }
                foreach (var record in frames.Append(buffer.AsSpan(0, received.Count)))
                {
                    try
                    {
                        Dispatch(record);
                    }
                    catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
                    {
                        // A client that misreads the stream must not go on as if nothing happened: drop the connection.
                        failure = $"Protocol error: {e.Message} in {Encoding.UTF8.GetString(record)}";
                        _socket.Abort();
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // Our own abort or dispose interrupts the receive too; that is not an error of the connection.
            failure = $"Connection lost: {e.Message}";
        }
        finally
        {
            Terminate(_closeError ?? (_closingLocally ? null : failure));
        }
    }

    private async Task AnswerCloseAsync()
    {
        if (_socket.State != WebSocketState.CloseReceived)
        {
            return;
        }
        using var cts = new CancellationTokenSource(CloseTimeout);
        try
        {
            await _sendLock.WaitAsync(cts.Token);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private void Dispatch(byte[] record)
    {
        using var document = JsonDocument.Parse(record);
        var message = document.RootElement;
        if (!_handshake.Task.IsCompleted)
        {
            if (message.TryGetProperty("error", out var refused))
            {
                _handshake.TrySetException(new HubCallException($"SignalR handshake refused: {refused.GetString()}"));
            }
            else
            {
                _handshake.TrySetResult();
            }
            return;
        }
        switch (message.GetProperty("type").GetInt32())
        {
            case 1 when message.TryGetProperty("target", out var target):
                var args = message.TryGetProperty("arguments", out var a) ? a.EnumerateArray().Select(e => e.Clone()).ToArray() : [];
                var queue = Queue(target.GetString()!);
                lock (queue.All)
                {
                    queue.All.Add(args);
                }
                queue.Channel.Writer.TryWrite(args);
                break;
            case 3 when _pending.TryRemove(message.GetProperty("invocationId").GetString()!, out var pending):
                if (message.TryGetProperty("error", out var error))
                {
                    pending.Completion.TrySetException(new HubCallException(error.GetString() ?? "(no message)"));
                }
                else
                {
                    pending.Completion.TrySetResult(message.TryGetProperty("result", out var result) ? result.Clone() : default);
                }
                break;
            case 7:
                _closeError = message.TryGetProperty("error", out var closeError) ? closeError.GetString() : null;
                break;
            default:
                // Pings need no answer; stream items and acks belong to features this client does not ask for.
                break;
        }
    }

    private void Terminate(string? reason)
    {
        if (!_closed.Task.IsCompleted)
        {
            _closedReason = reason;
        }
        _closed.TrySetResult(reason);
        var suffix = reason is null ? "" : $": {reason}";
        _handshake.TrySetException(new HubCallException($"The connection closed before the SignalR handshake completed{suffix}."));
        foreach (var (id, pending) in _pending)
        {
            if (_pending.TryRemove(id, out _))
            {
                pending.Completion.TrySetException(new InvalidOperationException($"The connection closed while '{pending.Method}' was running{suffix}."));
            }
        }
        foreach (var queue in _events.Values)
        {
            queue.Channel.Writer.TryComplete();
        }
    }

    private async Task PingLoopAsync(TimeSpan interval)
    {
        if (interval == System.Threading.Timeout.InfiniteTimeSpan)
        {
            return;
        }
        try
        {
            // The server closes a connection it hears nothing from for 30 s (ClientTimeoutInterval), so idle tests ping.
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(_stop.Token) && !_closed.Task.IsCompleted)
            {
                await SendRawAsync(PingMessage, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private async Task ShutdownAsync(bool graceful)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            await _reader;
            return;
        }
        _closingLocally = true;
        if (graceful && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var cts = new CancellationTokenSource(CloseTimeout);
            try
            {
                await _sendLock.WaitAsync(cts.Token);
                try
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
                }
                finally
                {
                    _sendLock.Release();
                }
                await _reader.WaitAsync(cts.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
        _socket.Abort();
        await _stop.CancelAsync();
        await _reader;
        await _pinger;
        Terminate(null);
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }

    private static async Task AbortQuietlyAsync(HubClient? client)
    {
        if (client is not null)
        {
            await client.AbortAsync();
        }
    }

    private void ThrowIfClosed(string method)
    {
        if (_closed.Task.IsCompleted)
        {
            throw new InvalidOperationException($"Cannot invoke '{method}': the connection is closed{Reason()}.");
        }
    }

    private string Reason() => _closedReason is { } reason ? $" ({reason})" : "";

    private string Seen()
    {
        var seen = _events.Where(e => e.Value.Count > 0).Select(e => $"{e.Key} x{e.Value.Count}").ToList();
        return seen.Count == 0 ? "no events received at all" : "received: " + string.Join(", ", seen);
    }

    private EventQueue Queue(string target)
    {
        var queue = _events.GetOrAdd(target, _ => new EventQueue());
        if (_closed.Task.IsCompleted)
        {
            queue.Channel.Writer.TryComplete();
        }
        return queue;
    }

    private static Uri WithAccessToken(Uri hubUrl, string? accessToken)
    {
        if (string.IsNullOrEmpty(accessToken))
        {
            return hubUrl;
        }
        var builder = new UriBuilder(hubUrl);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + "access_token=" + Uri.EscapeDataString(accessToken);
        return builder.Uri;
    }

    private static async Task<WebSocket> ConnectClientWebSocketAsync(Uri uri, CancellationToken cancellationToken)
    {
        var scheme = uri.Scheme switch { "http" => "ws", "https" => "wss", _ => uri.Scheme };
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(new UriBuilder(uri) { Scheme = scheme }.Uri, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed record Pending(string Method, TaskCompletionSource<JsonElement> Completion);

    private sealed class EventQueue
    {
        public Channel<JsonElement[]> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<JsonElement[]>();
        public List<JsonElement[]> All { get; } = [];

        public int Count
        {
            get
            {
                lock (All)
                {
                    return All.Count;
                }
            }
        }
    }
}

/// <summary>
/// Cuts the bytes of a SignalR text transport into records ended by 0x1E. A WebSocket message may hold several records
/// and a record may span frames or messages; 0x1E never occurs inside JSON text (control characters are escaped, and
/// UTF-8 continuation bytes are above 0x7F), so splitting bytes before decoding is safe.
/// </summary>
public sealed class HubFrameReader
{
    public const byte RecordSeparator = 0x1E;
    private readonly ArrayBufferWriter<byte> _partial = new();

    /// <summary>Bytes of an unfinished record held for the next <see cref="Append"/>.</summary>
    public int PendingBytes => _partial.WrittenCount;

    /// <summary>Adds received bytes and returns the records they complete (without the separator; empty ones skipped).</summary>
    public IReadOnlyList<byte[]> Append(ReadOnlySpan<byte> data)
    {
        var records = new List<byte[]>();
        for (var end = data.IndexOf(RecordSeparator); end >= 0; end = data.IndexOf(RecordSeparator))
        {
            byte[] record;
            if (_partial.WrittenCount == 0)
            {
                record = data[..end].ToArray();
            }
            else
            {
                _partial.Write(data[..end]);
                record = _partial.WrittenSpan.ToArray();
                _partial.ResetWrittenCount();
            }
            if (record.Length > 0)
            {
                records.Add(record);
            }
            data = data[(end + 1)..];
        }
        _partial.Write(data);
        return records;
    }
}
