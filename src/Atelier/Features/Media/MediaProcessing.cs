using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Atelier.Features.Media.Processing;
using Atelier.Features.Publishing;
using Atelier.Platform;
using Atelier.Platform.Data;
using Atelier.Platform.Jobs;
using Atelier.Platform.Storage;

namespace Atelier.Features.Media;

/// <summary>
/// The durable job that turns an upload into a ready item: fetches the original (and a glTF's companions) to a
/// scratch folder, runs the kind's processor, stores what it produced and records metadata, skipped steps or the
/// reason it failed. Transient trouble is retried; after the last attempt the item says it failed and why.
/// </summary>
internal sealed class MediaProcessing(
    AppDb db, IBlobStorage blobs, IEnumerable<IMediaProcessor> processors, JobRun run, ContentChanges changes,
    IOptions<AtelierOptions> options, TimeProvider time, ILogger<MediaProcessing> logger) : JobHandler<MediaProcessing.Payload>
{
    public const string JobKind = "media.process";

    public sealed record Payload(Guid MediaId);

    public override string Kind => JobKind;

    protected override async Task HandleAsync(Payload payload, CancellationToken ct)
    {
        var item = await db.Media.Include(m => m.Files).SingleOrDefaultAsync(m => m.Id == payload.MediaId, ct);
        if (item is null)
        {
            return; // deleted before it was processed
        }
        var scratch = Path.Combine(options.Value.FullDataPath, "tmp", "process-" + Guid.NewGuid().ToString("N"));
        var work = Path.Combine(scratch, "out");
        Directory.CreateDirectory(work);
        try
        {
            var result = await ProcessAsync(item, scratch, work, ct);
            await SaveAsync(item, result, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && run.IsLastAttempt)
        {
            logger.LogWarning(e, "Processing media {MediaId} failed on the last attempt", item.Id);
            db.ChangeTracker.Clear();
            await db.Media.Where(m => m.Id == item.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MediaStatus.Failed)
                .SetProperty(m => m.FailureReason, $"Processing failed after {run.Attempt} attempts: {e.Message}")
                .SetProperty(m => m.ProcessedAt, time.GetUtcNow().UtcDateTime), CancellationToken.None);
            await changes.PublishedAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private async Task<ProcessingResult> ProcessAsync(MediaItem item, string scratch, string work, CancellationToken ct)
    {
        var processor = processors.FirstOrDefault(p => p.Kind == item.Kind);
        if (processor is null)
        {
            return new ProcessingResult([], [], []);
        }
        var original = item.Files.Single(f => f.Role == MediaFile.Original);
        var companions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var companion in item.Files.Where(f => f.Role is MediaFile.Companion or MediaFile.Resource))
        {
            companions[companion.Name] = await blobs.GetLocalFileAsync(companion.Sha256, scratch, ct);
        }
        var path = await blobs.GetLocalFileAsync(original.Sha256, scratch, ct);
        return await processor.ProcessAsync(new ProcessingInput(path, item.FileName, item.ContentType, companions, work), ct);
    }

    private async Task SaveAsync(MediaItem item, ProcessingResult result, CancellationToken ct)
    {
        // A retry or a reprocess replaces what an earlier run produced.
        item.Files.RemoveAll(f => f.Role is not (MediaFile.Original or MediaFile.Companion or MediaFile.Resource));
        if (result.Failure is null)
        {
            foreach (var file in result.Files)
            {
                if (item.Files.FirstOrDefault(f => f.Name == file.Name) is { } existing)
                {
                    // A glTF's buffer or texture uploaded with it is served as a resource under the name the glTF uses.
                    if (existing.Role is MediaFile.Companion or MediaFile.Resource)
                    {
                        existing.Role = file.Role;
                    }
                    File.Delete(file.Path);
                    continue;
                }
                var sha = await HashAsync(file.Path, ct);
                var size = new FileInfo(file.Path).Length;
                await blobs.PutFileAsync(sha, file.Path, file.ContentType, ct);
                item.Files.Add(new MediaFile
                {
                    Name = file.Name, Role = file.Role, ContentType = file.ContentType, Size = size, Sha256 = sha, Width = file.Width, Height = file.Height,
                });
            }
        }
        var metadata = result.Metadata;
        item.Status = result.Failure is null ? MediaStatus.Ready : MediaStatus.Failed;
        item.FailureReason = result.Failure;
        item.Metadata = metadata.ToJsonString();
        item.Skipped = JsonSerializer.Serialize(result.Skipped);
        item.Width = Number(metadata, "width") is { } w ? (int)w : null;
        item.Height = Number(metadata, "height") is { } h ? (int)h : null;
        item.DurationSeconds = Number(metadata, "durationSeconds");
        item.ProcessedAt = item.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await changes.PublishedAsync(ct); // pages showing this item (galleries, posts) render it anew
    }

    private static double? Number(JsonObject metadata, string key) =>
        metadata[key] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            ? double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)
            : null;

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }
}
