using System.Diagnostics;
using System.Net.Sockets;
using Atelier.Platform.Storage;

namespace Atelier.Tests.Infrastructure;

/// <summary>
/// A real S3-compatible server for the storage tests: the one named by <c>ATELIER_TEST_S3_URL</c> (MinIO, Garage…, with
/// <c>ATELIER_TEST_S3_ACCESS_KEY</c>/<c>_SECRET_KEY</c>), or else s3rver from <c>tests/tools</c> (npm), started on a free
/// loopback port in a temporary folder and stopped when the run ends. Each caller gets a bucket of its own.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    private static readonly Lazy<Task<S3Server>> Shared = new(StartAsync);
    private readonly Process? _process;
    private readonly string? _folder;

    private S3Server(string url, string accessKey, string secretKey, Process? process, string? folder)
    {
        Url = url;
        AccessKey = accessKey;
        SecretKey = secretKey;
        _process = process;
        _folder = folder;
    }

    public string Url { get; }
    public string AccessKey { get; }
    public string SecretKey { get; }

    public static Task<S3Server> GetAsync() => Shared.Value;

    public static async Task StopSharedAsync()
    {
        if (Shared.IsValueCreated && Shared.Value.IsCompletedSuccessfully)
        {
            await Shared.Value.Result.DisposeAsync();
        }
    }

    /// <summary>Options for a fresh bucket on this server.</summary>
    public S3Options NewBucket() => new()
    {
        ServiceUrl = Url,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        Bucket = "atelier-test-" + Guid.NewGuid().ToString("N")[..12],
        ForcePathStyle = true,
    };

    private static async Task<S3Server> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable("ATELIER_TEST_S3_URL");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new S3Server(configured, Environment.GetEnvironmentVariable("ATELIER_TEST_S3_ACCESS_KEY") ?? "",
                Environment.GetEnvironmentVariable("ATELIER_TEST_S3_SECRET_KEY") ?? "", null, null);
        }
        var script = FindS3rver() ?? throw new InvalidOperationException(
            "S3 storage tests need an S3-compatible server: run `npm ci --prefix tests/tools` (s3rver), or set ATELIER_TEST_S3_URL (e.g. MinIO).");
        var folder = Path.Combine(Path.GetTempPath(), "atelier-s3-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var port = PostgresServer.FreePort();
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, "--directory", folder, "--address", "127.0.0.1", "--port", port.ToString(), "--silent", "--no-vhost-buckets" })
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return new S3Server($"http://127.0.0.1:{port}", "S3RVER", "S3RVER", process, folder);
            }
            catch (SocketException) when (!process.HasExited)
            {
                await Task.Delay(50);
            }
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("s3rver did not start listening within 10 s.");
    }

    private static string? FindS3rver()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "tests", "tools", "node_modules", "s3rver", "bin", "s3rver.js");
            if (File.Exists(script))
            {
                return script;
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
