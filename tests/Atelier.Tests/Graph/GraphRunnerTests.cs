using System.Threading.Channels;
using Atelier.Graph;
using static Atelier.Tests.Graph.G;

namespace Atelier.Tests.Graph;

/// <summary>The runner in injected time: steps when clocks are due, once without a clock, stops when told.</summary>
public sealed class GraphRunnerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static (Task<RunEnd> Run, ChannelReader<StepResult> Steps) Start(CompiledGraph graph, ManualTime time, TimeSpan duration,
        int maxSteps = 1000, CancellationToken cancellationToken = default)
    {
        var steps = Channel.CreateUnbounded<StepResult>();
        var run = GraphRunner.RunAsync(new GraphEvaluator(graph), time, duration, maxSteps,
            (step, _) => steps.Writer.TryWrite(step) ? ValueTask.CompletedTask : ValueTask.CompletedTask, cancellationToken);
        return (run, steps.Reader);
    }

    /// <summary>Waits (in real time, briefly) until the run is waiting on a timer, so advancing the clock reaches it.</summary>
    private static async Task UntilWaitingAsync(ManualTime time)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (time.Waiting == 0)
        {
            await Task.Delay(5, cts.Token);
        }
    }

    [Fact]
    public async Task WithoutAClock_TheGraphIsEvaluatedOnce()
    {
        var time = new ManualTime();
        var (run, steps) = Start(Compile([N("c", "core.constant", ("value", 4)), N("log", "core.logger", ("label", "x"))], E("c.out", "log.in")), time, TimeSpan.FromSeconds(30));

        (await run.WaitAsync(Wait)).ShouldBe(RunEnd.Finished);
        var step = await steps.ReadAsync();
        step.Logs.ShouldHaveSingleItem().Message.ShouldBe("x: 4");
        steps.TryRead(out _).ShouldBeFalse();
    }

    [Fact]
    public async Task AClock_StepsTheGraphOnItsBeats_UntilTheDurationIsOver()
    {
        var time = new ManualTime();
        var (run, steps) = Start(Compile([N("k", "core.clock", ("bpm", 120)), N("log", "core.logger")], E("k.beat", "log.in")), time, TimeSpan.FromSeconds(1.2));

        var seen = new List<(double At, string Log)>();
        for (var beat = 0; beat < 3; beat++)
        {
            var step = await steps.ReadAsync().AsTask().WaitAsync(Wait);
            seen.Add((step.Elapsed.TotalSeconds, step.Logs.Single().Message));
            await UntilWaitingAsync(time);
            time.Advance(TimeSpan.FromSeconds(0.5));
        }

        seen.ShouldBe([(0, "0"), (0.5, "1"), (1.0, "2")]);
        // The next beat (1.5 s) is after the end (1.2 s): the run ends at 1.2 s without another step.
        (await run.WaitAsync(Wait)).ShouldBe(RunEnd.Finished);
        steps.TryRead(out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Cancelling_StopsTheRun()
    {
        var time = new ManualTime();
        using var stop = new CancellationTokenSource();
        var (run, steps) = Start(Compile([N("k", "core.clock", ("bpm", 60))]), time, TimeSpan.FromSeconds(300), cancellationToken: stop.Token);
        await steps.ReadAsync().AsTask().WaitAsync(Wait);
        await UntilWaitingAsync(time);

        await stop.CancelAsync();

        (await run.WaitAsync(Wait)).ShouldBe(RunEnd.Stopped);
    }

    [Fact]
    public async Task TheStepLimit_EndsARun()
    {
        var time = new ManualTime();
        var (run, steps) = Start(Compile([N("k", "core.clock", ("bpm", 300))]), time, TimeSpan.FromSeconds(300), maxSteps: 2);
        await steps.ReadAsync().AsTask().WaitAsync(Wait);
        await UntilWaitingAsync(time);
        time.Advance(TimeSpan.FromSeconds(0.2));
        (await run.WaitAsync(Wait)).ShouldBe(RunEnd.StepLimit);
    }
}
