namespace Atelier.Graph;

/// <summary>Why a run ended.</summary>
public enum RunEnd
{
    /// <summary>It did all it had to: one step without a clock, or its whole duration with one.</summary>
    Finished,

    /// <summary>It was cancelled (stopped by its owner, or the host shut down).</summary>
    Stopped,

    /// <summary>It reached its step limit.</summary>
    StepLimit,
}

/// <summary>
/// Drives a <see cref="GraphEvaluator"/> in time: a first step at once, then a step whenever a clock is due, until the
/// duration is over. Time comes from the <see cref="TimeProvider"/> given, so tests drive it by hand.
/// </summary>
public static class GraphRunner
{
    /// <summary>
    /// Runs until done, the duration is over, <paramref name="maxSteps"/> steps ran, or <paramref name="cancellationToken"/>
    /// fires; <paramref name="onStep"/> gets each step's result before the next step starts.
    /// </summary>
    public static async Task<RunEnd> RunAsync(GraphEvaluator evaluator, TimeProvider time, TimeSpan duration, int maxSteps,
        Func<StepResult, CancellationToken, ValueTask> onStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(onStep);
        var start = time.GetTimestamp();
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await onStep(evaluator.Step(time.GetElapsedTime(start)), cancellationToken);
                if (evaluator.NextDue is not null && evaluator.Steps >= maxSteps)
                {
                    return RunEnd.StepLimit;
                }
                if (evaluator.NextDue is not { } due || due >= duration)
                {
                    if (evaluator.NextDue is not null)
                    {
                        // A clock keeps the run going until its time is up, even when its next beat would come after.
                        await DelayUntilAsync(time, start, duration, cancellationToken);
                    }
                    return RunEnd.Finished;
                }
                await DelayUntilAsync(time, start, due, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return RunEnd.Stopped;
        }
    }

    private static async Task DelayUntilAsync(TimeProvider time, long start, TimeSpan at, CancellationToken cancellationToken)
    {
        var wait = at - time.GetElapsedTime(start);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }
}
