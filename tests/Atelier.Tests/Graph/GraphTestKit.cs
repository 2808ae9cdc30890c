using Atelier.Graph;

namespace Atelier.Tests.Graph;

/// <summary>Short ways to write graphs in tests.</summary>
internal static class G
{
    public static GraphNode N(string id, string type, params (string Id, object Value)[] ps) =>
        new(id, type, ps.ToDictionary(p => p.Id, p => p.Value switch
        {
            double d => Value.Of(d),
            int i => Value.Of(i),
            bool b => Value.Of(b),
            string s => Value.Of(s),
            _ => throw new ArgumentException("unsupported parameter value"),
        }));

    /// <summary>An edge written "node.port".</summary>
    public static GraphEdge E(string from, string to)
    {
        var (f, t) = (from.Split('.'), to.Split('.'));
        return new GraphEdge(f[0], f[1], t[0], t[1]);
    }

    public static Atelier.Graph.Graph Graph(GraphNode[] nodes, params GraphEdge[] edges) => new(nodes, edges);

    public static CompiledGraph Compile(GraphNode[] nodes, params GraphEdge[] edges)
    {
        var result = GraphCompiler.Compile(Graph(nodes, edges));
        result.Errors.ShouldBeEmpty(string.Join("; ", result.Errors.Select(e => e.Message)));
        return result.Graph!;
    }

    public static IReadOnlyList<GraphError> Errors(GraphNode[] nodes, params GraphEdge[] edges)
    {
        var result = GraphCompiler.Compile(Graph(nodes, edges));
        result.Succeeded.ShouldBeFalse();
        return result.Errors;
    }

    /// <summary>Compiles, runs one step at time 0, returns the evaluator.</summary>
    public static (GraphEvaluator Eval, StepResult Step) Once(GraphNode[] nodes, params GraphEdge[] edges)
    {
        var eval = new GraphEvaluator(Compile(nodes, edges));
        return (eval, eval.Step(TimeSpan.Zero));
    }
}

/// <summary>
/// A <see cref="TimeProvider"/> that moves only when told: <see cref="Advance"/> moves the clock and fires the timers
/// that are due, in order, so a run's clock ticks can be checked without waiting.
/// </summary>
internal sealed class ManualTime : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _ticks;
        }
    }

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

    /// <summary>Timers currently waiting (a run that waits for its next beat has one).</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        long target;
        lock (_lock)
        {
            target = _ticks + by.Ticks;
        }
        while (true)
        {
            ManualTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.Due <= target).OrderBy(t => t.Due).FirstOrDefault();
                if (next is null)
                {
                    _ticks = target;
                    return;
                }
                _ticks = Math.Max(_ticks, next.Due!.Value);
                next.Due = next.Period > 0 ? next.Due + next.Period : null;
            }
            next.Fire();
        }
    }

    private sealed class ManualTimer(ManualTime owner, TimerCallback callback, object? state) : ITimer
    {
        public long? Due { get; set; }
        public long Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._ticks + dueTime.Ticks;
                Period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                if (!owner._timers.Contains(this))
                {
                    owner._timers.Add(this);
                }
            }
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
