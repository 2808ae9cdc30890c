using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Atelier.Platform;
using Atelier.Platform.Data;
using Atelier.Platform.Jobs;

namespace Atelier.Features.Publishing;

/// <summary>Starts imports as background jobs, and runs them: pulls Git sources first, then imports and stores the log.</summary>
internal sealed class VaultSync(AppDb db, JobQueue queue, TimeProvider time)
{
    public const string JobKind = "vault.import";

    public sealed record Payload(Guid ImportId);

    /// <summary>Queues an import of the vault; the caller saves nothing else.</summary>
    public async Task<VaultImport> StartAsync(Guid vaultId, CancellationToken ct)
    {
        var import = new VaultImport { VaultId = vaultId, Status = "queued", CreatedAt = time.GetUtcNow().UtcDateTime };
        db.VaultImports.Add(import);
        queue.Enqueue(db, JobKind, new Payload(import.Id), maxAttempts: 3);
        await db.SaveChangesAsync(ct);
        return import;
    }

    /// <summary>GitHub (<c>X-Hub-Signature-256: sha256=…</c>) and Gitea (<c>X-Gitea-Signature: …</c>) HMAC-SHA256 signatures of the body.</summary>
    public static bool SignatureMatches(string secret, byte[] body, string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || string.IsNullOrEmpty(secret))
        {
            return false;
        }
        var hex = header.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? header[7..] : header;
        byte[] given;
        try
        {
            given = Convert.FromHexString(hex.Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}

internal sealed class VaultImportJob(AppDb db, VaultImporter importer, GitSource git, TimeProvider time, ILogger<VaultImportJob> logger)
    : JobHandler<VaultSync.Payload>
{
    public override string Kind => VaultSync.JobKind;

    protected override async Task HandleAsync(VaultSync.Payload payload, CancellationToken ct)
    {
        var import = await db.VaultImports.SingleOrDefaultAsync(i => i.Id == payload.ImportId, ct);
        var vault = import is null ? null : await db.Vaults.SingleOrDefaultAsync(v => v.Id == import.VaultId, ct);
        if (import is null || vault is null)
        {
            logger.LogWarning("Import {ImportId} or its vault is gone; nothing to do", payload.ImportId);
            return;
        }
        import.Status = "running";
        await db.SaveChangesAsync(ct);
        ImportLog log;
        try
        {
            if (vault.SourceKind == "git")
            {
                var folder = await git.SyncAsync(vault, ct);
                log = await importer.ImportAsync(vault, ct, folder);
            }
            else
            {
                log = await importer.ImportAsync(vault, ct);
            }
        }
        catch (GitException ex)
        {
            log = new ImportLog { Errors = [new ImportIssue(vault.SourceKind + ":" + vault.SourcePath, ex.Message)] };
            import.Status = "failed";
            import.FinishedAt = time.GetUtcNow().UtcDateTime;
            import.LogJson = JsonSerializer.Serialize(log, JobQueue.Json);
            await db.SaveChangesAsync(CancellationToken.None);
            return; // a broken remote is reported on the import, not retried blindly
        }
        import.Status = log.Errors.Any(e => e.Path == vault.SourcePath) ? "failed" : "succeeded";
        import.FinishedAt = time.GetUtcNow().UtcDateTime;
        import.LogJson = JsonSerializer.Serialize(log, JobQueue.Json);
        await db.SaveChangesAsync(CancellationToken.None);
    }
}

internal sealed class GitException(string message) : Exception(message);

/// <summary>Clones or fast-forwards a vault's Git repository with the <c>git</c> command line into the data folder.</summary>
internal sealed class GitSource(IOptions<AtelierOptions> options, ILogger<GitSource> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public string FolderOf(Vault vault) => Path.Combine(options.Value.FullDataPath, "vaults", vault.Id.ToString("N"));

    public async Task<string> SyncAsync(Vault vault, CancellationToken ct)
    {
        var folder = FolderOf(vault);
        if (Directory.Exists(Path.Combine(folder, ".git")))
        {
            await RunAsync(ct, "-C", folder, "fetch", "--depth", "1", "origin", vault.Branch ?? "HEAD");
            await RunAsync(ct, "-C", folder, "reset", "--hard", "FETCH_HEAD");
        }
        else
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
            var args = new List<string> { "clone", "--depth", "1" };
            if (!string.IsNullOrEmpty(vault.Branch))
            {
                args.AddRange(["--branch", vault.Branch]);
            }
            args.AddRange(["--", vault.SourcePath, folder]);
            await RunAsync(ct, [.. args]);
        }
        return folder;
    }

    private async Task RunAsync(CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        // Never prompt for credentials: a sync runs unattended.
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new GitException("git could not be started.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new GitException("The git command line is not installed (apt-get install git).");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(ct);
            _ = process.StandardOutput.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new GitException($"git {args[0]} took longer than {Timeout.TotalMinutes} minutes.");
            }
            if (process.ExitCode != 0)
            {
                var error = (await stderr).Trim();
                logger.LogWarning("git {Command} failed: {Error}", args.FirstOrDefault(a => !a.StartsWith('-') && a != "-C"), error);
                throw new GitException($"git failed: {(error.Length > 500 ? error[..500] : error)}");
            }
        }
    }
}

/// <summary>Pulls every Git vault on a schedule (<c>Atelier:Publishing:GitSyncInterval</c>, default 15 minutes; 0 turns it off).</summary>
internal sealed class GitSyncScheduler(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<GitSyncScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Atelier:Publishing:GitSyncInterval", TimeSpan.FromMinutes(15));
        if (interval <= TimeSpan.Zero)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AppDb>();
                var sync = scope.ServiceProvider.GetRequiredService<VaultSync>();
                foreach (var id in await db.Vaults.Where(v => v.SourceKind == "git").Select(v => v.Id).ToListAsync(stoppingToken))
                {
                    // Several instances may tick together; a second import of unchanged notes is cheap and changes nothing.
                    await sync.StartAsync(id, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Scheduled Git sync failed");
            }
        }
    }
}
