namespace Atelier.Features.Studio.Runs;

/// <summary><c>Atelier:Studio</c>: what an operator decides about server runs of patches (docs/studio-daw.md).</summary>
public sealed class StudioRunOptions
{
    public const string Section = "Atelier:Studio";

    /// <summary>
    /// Where OSC out nodes may send: <c>host:port</c> or <c>host:*</c> entries (e.g. <c>127.0.0.1:9000</c>,
    /// <c>studio-mac.local:*</c>, <c>[::1]:8000</c>). Empty (the default) allows nothing, because a run would otherwise
    /// let any user make the server send UDP packets anywhere.
    /// </summary>
    public List<string> OscAllowedHosts { get; set; } = [];
}

/// <summary>The fixed limits of server runs.</summary>
public static class RunLimits
{
    public const int DefaultSeconds = 30;
    public const int MaxSeconds = 300;
    public const int MaxConcurrentPerUser = 2;

    /// <summary>300 s at the fastest clock (300 BPM, 5 beats/s) is 1,500 steps a clock; several clocks at odd tempos still fit.</summary>
    public const int MaxSteps = 20_000;

    /// <summary>RunValues go out at most this often (10 a second), whatever the clocks do.</summary>
    public static readonly TimeSpan ValuesInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Modules inside modules deeper than this are refused (a module containing itself would never end).</summary>
    public const int MaxModuleDepth = 16;
}
