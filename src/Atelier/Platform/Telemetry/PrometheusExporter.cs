using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Atelier.Platform.Telemetry;

/// <summary>
/// Collects the .NET meters (ASP.NET Core, Kestrel, runtime, Npgsql, ours) in memory and writes them in the
/// Prometheus text exposition format. The Prometheus exporter packages are not available here, and the job is small.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    internal static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();
    private readonly HashSet<string> _meters;

    /// <param name="meters">Names of the meters to export.</param>
    /// <param name="scope">
    /// The host's <see cref="IMeterFactory"/>: meters it created carry it as their scope, so a second host in the same
    /// process (as in tests) does not mix its figures in. Process-wide meters (runtime) have no scope and are always taken.
    /// </param>
    public PrometheusExporter(IEnumerable<string> meters, object? scope = null)
    {
        _meters = new HashSet<string>(meters, StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter.Name) && (instrument.Meter.Scope is null || scope is null || ReferenceEquals(instrument.Meter.Scope, scope)))
            {
                listener.EnableMeasurementEvents(instrument, new Known());
            }
        };
        _listener.SetMeasurementEventCallback<double>(Record);
        _listener.SetMeasurementEventCallback<float>((i, v, t, s) => Record(i, v, t, s));
        _listener.SetMeasurementEventCallback<long>((i, v, t, s) => Record(i, v, t, s));
        _listener.SetMeasurementEventCallback<int>((i, v, t, s) => Record(i, v, t, s));
        _listener.SetMeasurementEventCallback<short>((i, v, t, s) => Record(i, v, t, s));
        _listener.SetMeasurementEventCallback<byte>((i, v, t, s) => Record(i, v, t, s));
        _listener.SetMeasurementEventCallback<decimal>((i, v, t, s) => Record(i, (double)v, t, s));
        _listener.Start();
    }

    /// <summary>
    /// Called for every measurement (several per database command, for instance), so the usual case allocates nothing:
    /// each instrument keeps the tag sets it has seen with their series, and a measurement with a known tag set goes
    /// straight to it; only a new one is formatted into labels.
    /// </summary>
    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var known = (Known)state!;
        (known.Find(tags) ?? Add(known, instrument, tags)).Record(value);
    }

    private Series Add(Known known, Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = _series.GetOrAdd((instrument, FormatLabels(tags)), static key => new Series(key.Instrument));
        known.Remember(tags, series);
        return series;
    }

    /// <summary>An instrument's tag sets seen so far (up to <see cref="Max"/>; past that, the rest are formatted each time).</summary>
    private sealed class Known
    {
        private const int Max = 64;
        private readonly Lock _lock = new();
        private volatile (KeyValuePair<string, object?>[] Tags, Series Series)[] _entries = [];

        public Series? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var (known, series) in _entries)
            {
                if (Same(known, tags))
                {
                    return series;
                }
            }
            return null;
        }

        public void Remember(ReadOnlySpan<KeyValuePair<string, object?>> tags, Series series)
        {
            lock (_lock)
            {
                if (_entries.Length < Max && Find(tags) is null)
                {
                    _entries = [.. _entries, (tags.ToArray(), series)];
                }
            }
        }

        private static bool Same(KeyValuePair<string, object?>[] known, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (known.Length != tags.Length)
            {
                return false;
            }
            for (var i = 0; i < known.Length; i++)
            {
                if (!string.Equals(known[i].Key, tags[i].Key, StringComparison.Ordinal) || !Equals(known[i].Value, tags[i].Value))
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>Writes every series. Observable instruments are sampled now.</summary>
    public string Scrape()
    {
        _listener.RecordObservableInstruments();
        var sb = new StringBuilder(16 * 1024);
        foreach (var metric in _series.GroupBy(kv => MetricName(kv.Key.Instrument)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = metric.First().Key.Instrument;
            var type = first switch
            {
                Histogram<double> or Histogram<long> or Histogram<int> or Histogram<float> => "histogram",
                Counter<long> or Counter<double> or Counter<int> or ObservableCounter<long> or ObservableCounter<double> or ObservableCounter<int> => "counter",
                _ => "gauge",
            };
            sb.Append("# HELP ").Append(metric.Key).Append(' ').Append(Escape(first.Description ?? first.Name, help: true)).Append('\n');
            sb.Append("# TYPE ").Append(metric.Key).Append(' ').Append(type).Append('\n');
            foreach (var (key, series) in metric.OrderBy(kv => kv.Key.Labels, StringComparer.Ordinal))
            {
                series.Write(sb, metric.Key, key.Labels, type);
            }
        }
        return sb.ToString();
    }

    /// <summary>Writes a gauge that is computed at scrape time rather than recorded through a meter.</summary>
    public static void AppendGauge(StringBuilder sb, string name, string help, IEnumerable<(string Labels, double Value)> values)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(name).Append(" gauge\n");
        foreach (var (labels, value) in values)
        {
            sb.Append(name);
            if (labels.Length > 0)
            {
                sb.Append('{').Append(labels).Append('}');
            }
            sb.Append(' ').Append(Number(value)).Append('\n');
        }
    }

    internal static string MetricName(Instrument instrument)
    {
        var name = Sanitize(instrument.Name);
        var suffix = instrument.Unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => "",
        };
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += suffix;
        }
        if (instrument is Counter<long> or Counter<double> or Counter<int> or ObservableCounter<long> or ObservableCounter<double> or ObservableCounter<int>
            && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }
        return name;
    }

    internal static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }
        if (sb.Length > 0 && char.IsAsciiDigit(sb[0]))
        {
            sb.Insert(0, '_');
        }
        return sb.ToString();
    }

    internal static string FormatLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }
        var pairs = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var tag in tags)
        {
            pairs.Add(new(Sanitize(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? ""));
        }
        pairs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return string.Join(",", pairs.Select(p => $"{p.Key}=\"{Escape(p.Value, help: false)}\""));
    }

    private static string Escape(string value, bool help)
    {
        var s = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return help ? s : s.Replace("\"", "\\\"", StringComparison.Ordinal);
    }

    internal static string Number(double v) =>
        double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : double.IsNaN(v) ? "NaN"
        : v.ToString("R", CultureInfo.InvariantCulture);

    public void Dispose() => _listener.Dispose();

    private sealed class Series
    {
        private readonly bool _isHistogram;
        private readonly bool _isCumulative; // a running sum of deltas, versus the last observed value
        private readonly double[] _bounds = [];
        private readonly long[] _buckets = [];
        private readonly Lock _lock = new();
        private double _value;
        private long _count;

        public Series(Instrument instrument)
        {
            _isHistogram = instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(Histogram<>);
            _isCumulative = instrument is Counter<long> or Counter<double> or Counter<int>
                or UpDownCounter<long> or UpDownCounter<double> or UpDownCounter<int>;
            if (_isHistogram)
            {
                _bounds = instrument switch
                {
                    Histogram<double> h when h.Advice?.HistogramBucketBoundaries is { Count: > 0 } b => [.. b],
                    Histogram<long> h when h.Advice?.HistogramBucketBoundaries is { Count: > 0 } b => [.. b.Select(x => (double)x)],
                    _ => DefaultBuckets,
                };
                _buckets = new long[_bounds.Length + 1];
            }
        }

        public void Record(double value)
        {
            lock (_lock)
            {
                if (_isHistogram)
                {
                    var i = 0;
                    while (i < _bounds.Length && value > _bounds[i])
                    {
                        i++;
                    }
                    _buckets[i]++;
                    _value += value;
                    _count++;
                }
                else if (_isCumulative)
                {
                    _value += value;
                }
                else
                {
                    _value = value;
                }
            }
        }

        public void Write(StringBuilder sb, string name, string labels, string type)
        {
            lock (_lock)
            {
                if (type != "histogram")
                {
                    sb.Append(name);
                    if (labels.Length > 0)
                    {
                        sb.Append('{').Append(labels).Append('}');
                    }
                    sb.Append(' ').Append(Number(_value)).Append('\n');
                    return;
                }
                var prefix = labels.Length > 0 ? labels + "," : "";
                long cumulative = 0;
                for (var i = 0; i <= _bounds.Length; i++)
                {
                    cumulative += _buckets[i];
                    var le = i < _bounds.Length ? Number(_bounds[i]) : "+Inf";
                    sb.Append(name).Append("_bucket{").Append(prefix).Append("le=\"").Append(le).Append("\"} ").Append(cumulative).Append('\n');
                }
                var braces = labels.Length > 0 ? "{" + labels + "}" : "";
                sb.Append(name).Append("_sum").Append(braces).Append(' ').Append(Number(_value)).Append('\n');
                sb.Append(name).Append("_count").Append(braces).Append(' ').Append(_count).Append('\n');
            }
        }
    }
}
