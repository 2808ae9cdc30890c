using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Atelier.Platform.Processes;

/// <summary>How one run of an external program is bounded and where its output goes.</summary>
internal sealed record ExternalToolRun
{
    /// <summary>The whole process tree is killed when the run takes longer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Reads standard output as it is written (raw PCM, large JSON), instead of capturing it. It gets the pipe and a
    /// token cancelled on timeout or cancellation; what it leaves unread is drained. When it throws, the program is
    /// killed and the exception comes out of the run.
    /// </summary>
    public Func<Stream, CancellationToken, Task>? StandardOutput { get; init; }

    /// <summary>Captured standard output beyond this is dropped (the run is not failed for it).</summary>
    public int MaxStandardOutputChars { get; init; } = 4 * 1024 * 1024;

    /// <summary>Only the last this many characters of standard error are kept: they usually hold the error.</summary>
    public int MaxStandardErrorChars { get; init; } = 4096;

    /// <summary>Variables added to (or, with a null value, removed from) the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    public string? WorkingDirectory { get; init; }
}

/// <summary>What a finished (or timed-out) run left.</summary>
/// <param name="ExitCode">The program's exit code; -1 when it was killed on timeout.</param>
/// <param name="StandardOutput">Captured output; empty when <see cref="ExternalToolRun.StandardOutput"/> consumed it.</param>
/// <param name="StandardError">The tail of standard error, for messages and logs.</param>
internal sealed record ExternalToolResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>The last non-empty line of standard error, trimmed: the part worth showing.</summary>
    public string ErrorLine => StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } lines
        ? lines[^1]
        : TimedOut ? "timed out" : $"exit code {ExitCode}";
}

/// <summary>The program to run is not installed (not on PATH, or the configured path does not exist).</summary>
internal sealed class ExternalToolNotFoundException(string program, Exception? inner = null)
    : Exception($"{Path.GetFileName(program)} is not installed (looked for '{program}').", inner)
{
    public string Program { get; } = program;
}

/// <summary>
/// Runs a program directly, never through a shell: arguments go to <see cref="ProcessStartInfo.ArgumentList"/> one by
/// one, so spaces, quotes and ';' in file names are just characters. Every run has a timeout; on timeout or
/// cancellation the whole process tree is killed (a tool's helper processes do not outlive it).
/// </summary>
internal static class ExternalTool
{
    /// <summary>
    /// The full path of <paramref name="program"/>: itself when it contains a '/' and is an existing file, otherwise
    /// the first executable file of that name on PATH; null when there is none.
    /// </summary>
    public static string? Resolve(string program)
    {
        if (string.IsNullOrWhiteSpace(program))
        {
            return null;
        }

        if (program.Contains('/', StringComparison.Ordinal) || Path.IsPathRooted(program))
        {
            var full = Path.GetFullPath(program);
            return IsExecutableFile(full) ? full : null;
        }

        var path = System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, program);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }

            if (OperatingSystem.IsWindows() && IsExecutableFile(candidate + ".exe"))
            {
                return candidate + ".exe";
            }
        }

        return null;
    }

    public static bool IsAvailable(string program) => Resolve(program) is not null;

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/> and waits for it. Standard input is closed at
    /// once. Returns the exit code with captured output; a timeout is a result (<see cref="ExternalToolResult.TimedOut"/>),
    /// cancellation throws <see cref="OperationCanceledException"/>, a program that is not installed throws
    /// <see cref="ExternalToolNotFoundException"/>.
    /// </summary>
    public static async Task<ExternalToolResult> RunAsync(
        string program, IEnumerable<string> arguments, ExternalToolRun? run = null, CancellationToken ct = default)
    {
        run ??= new ExternalToolRun();
        ct.ThrowIfCancellationRequested();
        var path = Resolve(program) ?? throw new ExternalToolNotFoundException(program);
        var start = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardErrorEncoding = Encoding.UTF8,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (run.WorkingDirectory is { } workingDirectory)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var (name, value) in run.Environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = new Process { StartInfo = start };
        var stopwatch = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            // Removed between Resolve and Start, or not executable after all.
            throw new ExternalToolNotFoundException(program, ex);
        }

        using var timeout = new CancellationTokenSource(run.Timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        process.StandardInput.Close();

        // The readers end at end-of-file, which comes when the process (and every child holding the pipe) is gone.
        var error = ReadTailAsync(process.StandardError, run.MaxStandardErrorChars);
        Task<string> output;
        if (run.StandardOutput is { } consume)
        {
            output = ConsumeAsync(consume, process.StandardOutput.BaseStream, stop.Token);
        }
        else
        {
            output = ReadHeadAsync(process.StandardOutput, run.MaxStandardOutputChars);
        }

        var finished = false;
        try
        {
            var all = Task.WhenAll(output, error, process.WaitForExitAsync(CancellationToken.None));

            // A consumer that fails stops the run at once, not when the program happens to end.
            await Task.WhenAny(all, output).WaitAsync(stop.Token);
            if (!output.IsCompletedSuccessfully)
            {
                await output;
            }

            await all.WaitAsync(stop.Token);
            finished = true;
            return new ExternalToolResult(process.ExitCode, await output, await error, TimedOut: false, stopwatch.Elapsed);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Kill(process);
            await DrainAsync(output, error, process);
            ct.ThrowIfCancellationRequested();
            return new ExternalToolResult(-1, string.Empty, await CompletedOrEmpty(error), TimedOut: true, stopwatch.Elapsed);
        }
        finally
        {
            if (!finished)
            {
                // A consumer that threw leaves the program writing into a pipe nobody reads.
                Kill(process);
            }
        }
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited in the meantime.
        }
        catch (Win32Exception)
        {
            // Exited in the meantime, or a child we may not signal; the pipes still close when the parent dies.
        }
    }

    /// <summary>Lets the readers see end-of-file after a kill, without waiting forever on a stray child.</summary>
    private static async Task DrainAsync(Task<string> output, Task<string> error, Process process)
    {
        try
        {
            await Task.WhenAll(output, error, process.WaitForExitAsync(CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // What was read so far is all there is; the run already failed for its own reason.
        }
    }

    private static async Task<string> CompletedOrEmpty(Task<string> task) =>
        task.IsCompletedSuccessfully ? await task : string.Empty;

    private static async Task<string> ConsumeAsync(Func<Stream, CancellationToken, Task> consume, Stream stream, CancellationToken ct)
    {
        await consume(stream, ct);

        // What the consumer left unread is drained, so the program never blocks on a full pipe.
        await stream.CopyToAsync(Stream.Null, ct);
        return string.Empty;
    }

    private static async Task<string> ReadHeadAsync(StreamReader reader, int max)
    {
        var sb = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            // Past the cap the rest is still read, so the program never blocks on a full pipe.
            var keep = Math.Min(read, max - sb.Length);
            if (keep > 0)
            {
                sb.Append(buffer, 0, keep);
            }
        }

        return sb.ToString();
    }

    private static async Task<string> ReadTailAsync(StreamReader reader, int max)
    {
        var sb = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            sb.Append(buffer, 0, read);
            if (sb.Length > max * 2)
            {
                sb.Remove(0, sb.Length - max);
            }
        }

        if (sb.Length > max)
        {
            sb.Remove(0, sb.Length - max);
        }

        return sb.ToString();
    }
}
