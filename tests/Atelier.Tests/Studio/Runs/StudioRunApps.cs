using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Atelier.Features.Studio;
using Atelier.Platform.Data;
using Atelier.Tests.Messenger;

namespace Atelier.Tests.Studio.Runs;

/// <summary>Test hosts for server runs: OSC may go to any port on 127.0.0.1 (and nowhere else, e.g. not 127.0.0.2).</summary>
public sealed class RunsSqliteApp() : AtelierFactory(Db.Sqlite)
{
    protected override IDictionary<string, string?> Settings() => RunApps.With(base.Settings());
}

public sealed class RunsPostgresApp() : AtelierFactory(Db.Postgres)
{
    protected override IDictionary<string, string?> Settings() => RunApps.With(base.Settings());
}

/// <summary>A decoded OSC message: its address and arguments (float, int, string, bool).</summary>
public sealed record OscPacket(string Address, string Tags, object[] Args);

public static class RunApps
{
    public static IDictionary<string, string?> With(IDictionary<string, string?> settings)
    {
        settings["Atelier:Studio:OscAllowedHosts:0"] = "127.0.0.1:*";
        return settings;
    }

    /// <summary>A patch owned by <paramref name="owner"/>, written straight to the database (the patches API has tests of its own).</summary>
    public static async Task<Guid> PatchAsync(this AtelierFactory app, ChatUser owner, object document, PatchVisibility visibility = PatchVisibility.Private)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var json = document as string ?? JsonSerializer.Serialize(document);
        var patch = new Patch
        {
            OwnerId = owner.Id, Name = "Run test", Slug = "run-" + Guid.NewGuid().ToString("N")[..12], Document = json,
            Visibility = visibility, Version = 1, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.Patches.Add(patch);
        await db.SaveChangesAsync();
        return patch.Id;
    }

    public static object Doc(object[] nodes, params object[] edges) => new { format = "atelier.patch", version = 1, nodes, edges, modules = Array.Empty<object>() };

    public static object Node(string id, string type, object? @params = null) => new { id, type, x = 0, y = 0, @params = @params ?? new { } };

    public static object Edge(string from, string to)
    {
        var (f, t) = (from.Split('.'), to.Split('.'));
        return new { id = from + "-" + to, from = new { node = f[0], port = f[1] }, to = new { node = t[0], port = t[1] } };
    }

    public static async Task<Guid> RunAsync(this ChatUser user, Guid patch, int seconds)
    {
        var response = await user.Api.PostAsJsonAsync($"/api/v1/patches/{patch}/run", new { seconds });
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetGuid();
    }

    /// <summary>The next UDP datagram, decoded as an OSC message; throws on timeout.</summary>
    public static async Task<OscPacket> ReceiveOscAsync(this UdpClient udp, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return Decode((await udp.ReceiveAsync(cts.Token)).Buffer);
    }

    /// <summary>A minimal OSC 1.0 decoder (i, f, s, T, F), independent of the encoder under test.</summary>
    public static OscPacket Decode(byte[] packet)
    {
        var offset = 0;
        string ReadString()
        {
            var end = Array.IndexOf(packet, (byte)0, offset);
            var text = Encoding.ASCII.GetString(packet, offset, end - offset);
            offset = (end + 4) & ~3;
            return text;
        }
        var address = ReadString();
        var tags = ReadString();
        var args = new List<object>();
        foreach (var tag in tags.TrimStart(','))
        {
            switch (tag)
            {
                case 'f':
                    args.Add(BinaryPrimitives.ReadSingleBigEndian(packet.AsSpan(offset)));
                    offset += 4;
                    break;
                case 'i':
                    args.Add(BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(offset)));
                    offset += 4;
                    break;
                case 's':
                    args.Add(ReadString());
                    break;
                case 'T' or 'F':
                    args.Add(tag == 'T');
                    break;
                default:
                    throw new FormatException($"Unexpected OSC type tag '{tag}'.");
            }
        }
        offset.ShouldBe(packet.Length, "the packet has bytes after its arguments");
        return new OscPacket(address, tags, [.. args]);
    }
}
