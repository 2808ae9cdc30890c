using System.Globalization;
using System.Net.Sockets;

namespace Atelier.Graph.Osc;

/// <summary>
/// The OSC targets an administrator allowed: entries <c>host:port</c> or <c>host:*</c> (any port), IPv6 addresses in
/// brackets (<c>[::1]:9000</c>). Hosts compare case-insensitively as written — <c>localhost</c> does not allow
/// <c>127.0.0.1</c> — so what is allowed is exactly what the administrator typed. Empty means nothing is allowed.
/// </summary>
public sealed class OscAllowList
{
    private readonly List<(string Host, int? Port)> _entries;

    private OscAllowList(List<(string Host, int? Port)> entries) => _entries = entries;

    /// <summary>The entries that did not parse, for a startup warning.</summary>
    public IReadOnlyList<string> Invalid { get; private init; } = [];

    /// <summary>Reads the entries; ones that are not <c>host:port</c> or <c>host:*</c> go to <see cref="Invalid"/> and allow nothing.</summary>
    public static OscAllowList Parse(IEnumerable<string>? entries)
    {
        var parsed = new List<(string, int?)>();
        var invalid = new List<string>();
        foreach (var raw in entries ?? [])
        {
            var entry = raw?.Trim() ?? "";
            var colon = entry.LastIndexOf(':');
            if (colon <= 0)
            {
                invalid.Add(entry);
                continue;
            }
            var host = Unbracket(entry[..colon]);
            var port = entry[(colon + 1)..];
            if (host.Length == 0)
            {
                invalid.Add(entry);
            }
            else if (port == "*")
            {
                parsed.Add((host, null));
            }
            else if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535)
            {
                parsed.Add((host, number));
            }
            else
            {
                invalid.Add(entry);
            }
        }
        return new OscAllowList(parsed) { Invalid = invalid };
    }

    /// <summary>Whether <paramref name="host"/>:<paramref name="port"/> is allowed.</summary>
    public bool Allows(string host, int port)
    {
        var target = Unbracket(host ?? "");
        return _entries.Any(e => string.Equals(e.Host, target, StringComparison.OrdinalIgnoreCase) && (e.Port is null || e.Port == port));
    }

    private static string Unbracket(string host) => host.Length > 1 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
}

/// <summary>What became of a packet.</summary>
public enum OscSendOutcome
{
    /// <summary>Handed to the network.</summary>
    Sent,

    /// <summary>The target is not on the allow-list; nothing was sent.</summary>
    NotAllowed,

    /// <summary>The host name did not resolve or the socket failed.</summary>
    Failed,
}

/// <summary>
/// Sends OSC packets over UDP, only to targets on the <see cref="OscAllowList"/>. One sender per run: it owns one
/// <see cref="UdpClient"/> and is not for concurrent use.
/// </summary>
public sealed class OscUdpSender(OscAllowList allowList) : IDisposable
{
    private readonly UdpClient _udp = new(AddressFamily.InterNetworkV6) { Client = { DualMode = true } };

    /// <summary>Sends <paramref name="packet"/> to <paramref name="host"/>:<paramref name="port"/> when the target is allowed.</summary>
    public async Task<(OscSendOutcome Outcome, string? Error)> SendAsync(string host, int port, byte[] packet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allowList);
        if (!allowList.Allows(host, port))
        {
            return (OscSendOutcome.NotAllowed, null);
        }
        try
        {
            var addresses = await System.Net.Dns.GetHostAddressesAsync(host.Trim('[', ']'), cancellationToken);
            if (addresses.Length == 0)
            {
                return (OscSendOutcome.Failed, $"{host} has no address");
            }
            var address = addresses[0].AddressFamily == AddressFamily.InterNetwork ? addresses[0].MapToIPv6() : addresses[0];
            await _udp.SendAsync(packet, new System.Net.IPEndPoint(address, port), cancellationToken);
            return (OscSendOutcome.Sent, null);
        }
        catch (SocketException e)
        {
            return (OscSendOutcome.Failed, e.Message);
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _udp.Dispose();
}
