using System.Diagnostics;
using Atelier.Platform.Processes;

namespace Atelier.Tests.Platform;

public sealed class ExternalToolTests
{
    [Fact]
    public async Task Run_PastItsTimeout_IsKilledWithItsChildren()
    {
        // The shell starts a child that would sleep on; its pid comes out first so we can check it is gone.
        var childPid = new TaskCompletionSource<int>();
        var run = new ExternalToolRun
        {
            Timeout = TimeSpan.FromSeconds(2),
            StandardOutput = async (stdout, ct) =>
            {
                using var reader = new StreamReader(stdout);
                if (await reader.ReadLineAsync(ct) is { } line)
                {
                    childPid.TrySetResult(int.Parse(line, System.Globalization.CultureInfo.InvariantCulture));
                }

                await reader.ReadToEndAsync(ct);
            },
        };
        var stopwatch = Stopwatch.StartNew();

        var result = await ExternalTool.RunAsync("sh", ["-c", "sleep 30 & echo $!; wait"], run, TestContext.Current.CancellationToken);

        result.TimedOut.ShouldBeTrue();
        result.Succeeded.ShouldBeFalse();
        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        childPid.Task.IsCompletedSuccessfully.ShouldBeTrue("the shell did not start its child in time");
        var pid = await childPid.Task;
        await WaitUntilGoneAsync(pid);
    }

    [Fact]
    public async Task Run_ShellSleepPastTimeout_ReturnsTimedOutQuickly()
    {
        var stopwatch = Stopwatch.StartNew();

        var result = await ExternalTool.RunAsync("sh", ["-c", "sleep 5"], new ExternalToolRun { Timeout = TimeSpan.FromMilliseconds(300) },
            TestContext.Current.CancellationToken);

        result.TimedOut.ShouldBeTrue();
        result.ExitCode.ShouldBe(-1);
        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Run_Cancelled_KillsTheProgramAndThrows()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));
        var stopwatch = Stopwatch.StartNew();

        await Should.ThrowAsync<OperationCanceledException>(() => ExternalTool.RunAsync("sleep", ["30"], null, cts.Token));

        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Run_MissingProgram_SaysItIsNotInstalled()
    {
        ExternalTool.IsAvailable("atelier-no-such-program").ShouldBeFalse();
        ExternalTool.Resolve("/nonexistent/vips").ShouldBeNull();

        var ex = await Should.ThrowAsync<ExternalToolNotFoundException>(
            () => ExternalTool.RunAsync("/nonexistent/vips", ["--version"], null, TestContext.Current.CancellationToken));

        ex.Message.ShouldBe("vips is not installed (looked for '/nonexistent/vips').");
    }

    [Fact]
    public void Resolve_FindsProgramsOnPathAndAbsolutePaths()
    {
        var sh = ExternalTool.Resolve("sh");

        sh.ShouldNotBeNull();
        Path.IsPathRooted(sh).ShouldBeTrue();
        ExternalTool.Resolve(sh).ShouldBe(sh);
        var plain = Path.GetTempFileName();
        try
        {
            ExternalTool.Resolve(plain).ShouldBeNull(); // exists, but is not executable
        }
        finally
        {
            File.Delete(plain);
        }
    }

    [Fact]
    public async Task Run_CapturesExitCodeAndStandardError()
    {
        var result = await ExternalTool.RunAsync("sh", ["-c", "echo partial output; echo 'first line' >&2; echo 'it broke' >&2; exit 3"],
            null, TestContext.Current.CancellationToken);

        result.ExitCode.ShouldBe(3);
        result.Succeeded.ShouldBeFalse();
        result.StandardOutput.ShouldBe("partial output\n");
        result.StandardError.ShouldBe("first line\nit broke\n");
        result.ErrorLine.ShouldBe("it broke");
    }

    [Fact]
    public async Task Run_NoisyStandardError_KeepsOnlyItsEnd()
    {
        var result = await ExternalTool.RunAsync("sh", ["-c", "i=0; while [ $i -lt 2000 ]; do echo \"noise line $i\" >&2; i=$((i+1)); done; echo 'the real error' >&2"],
            new ExternalToolRun { MaxStandardErrorChars = 1024 }, TestContext.Current.CancellationToken);

        result.StandardError.Length.ShouldBeLessThanOrEqualTo(1024);
        result.ErrorLine.ShouldBe("the real error");
    }

    [Fact]
    public async Task Run_PassesArgumentsVerbatim_WithoutAShell()
    {
        string[] arguments = ["a b", "\"double\"", "'single'", "x; touch /tmp/atelier-pwned", "$(id)", "`id`", "*", "|", "&&", "", "new\nline", "юникод"];

        var result = await ExternalTool.RunAsync("printf", ["%s\\0", .. arguments], null, TestContext.Current.CancellationToken);

        result.Succeeded.ShouldBeTrue();
        result.StandardOutput.Split('\0')[..^1].ShouldBe(arguments);
        File.Exists("/tmp/atelier-pwned").ShouldBeFalse();
    }

    [Fact]
    public async Task Run_StreamsLargeOutputToTheConsumer()
    {
        long total = 0;
        var run = new ExternalToolRun
        {
            StandardOutput = async (stdout, ct) =>
            {
                var buffer = new byte[65536];
                int read;
                while ((read = await stdout.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                }
            },
        };

        var result = await ExternalTool.RunAsync("head", ["-c", "50000000", "/dev/zero"], run, TestContext.Current.CancellationToken);

        result.Succeeded.ShouldBeTrue();
        total.ShouldBe(50_000_000);
        result.StandardOutput.ShouldBeEmpty();
    }

    [Fact]
    public async Task Run_ConsumerThatFails_StopsTheProgram()
    {
        var run = new ExternalToolRun
        {
            StandardOutput = (_, _) => throw new InvalidDataException("bad data"),
        };
        var stopwatch = Stopwatch.StartNew();

        await Should.ThrowAsync<InvalidDataException>(() => ExternalTool.RunAsync("sh", ["-c", "yes"], run, TestContext.Current.CancellationToken));

        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    private static async Task WaitUntilGoneAsync(int pid)
    {
        for (var i = 0; i < 50; i++)
        {
            // Gone, or a zombie waiting for a reaper: either way it runs no more.
            if (!File.Exists($"/proc/{pid}/stat") || (await File.ReadAllTextAsync($"/proc/{pid}/stat")).Split(") ")[^1].StartsWith('Z'))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new ShouldAssertException($"The child process {pid} is still running after the timeout.");
    }
}
