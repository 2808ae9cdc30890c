using System.Text.Json.Nodes;

namespace Atelier.Features.Media.Processing;

/// <summary>What a media item is, decided from its bytes (never from its name or the declared type).</summary>
public enum MediaKind { Image, Audio, Video, Model, Document }

/// <summary>
/// One processing run over an original file already on the local disk. <paramref name="Companions"/> are the other
/// files of the same upload batch by their cleaned file names (a glTF's external <c>.bin</c> buffers and textures);
/// <paramref name="WorkDir"/> is an empty folder of this run's own, deleted afterwards, where variants are written.
/// </summary>
public sealed record ProcessingInput(
    string FilePath,
    string FileName,
    string ContentType,
    IReadOnlyDictionary<string, string> Companions,
    string WorkDir);

/// <summary>
/// A file a processor produced in <see cref="ProcessingInput.WorkDir"/>. <see cref="Name"/> is the file name it is
/// served under, <c>/media/{id}/{Name}</c>: letters, digits, '-', '_' and '.', unique within the item. Roles:
/// <c>image</c> (a responsive image variant), <c>poster</c>, <c>preview</c>, <c>waveform</c>, <c>stream</c> (a
/// streaming copy of audio), <c>cover</c> (embedded cover art), <c>resource</c> (a glTF's buffer or texture, served
/// under the exact relative name the glTF refers to).
/// </summary>
public sealed record ProducedFile(string Name, string Path, string ContentType, string Role, int? Width = null, int? Height = null);

/// <summary>
/// The outcome of processing. <see cref="Failure"/> set means the item cannot be used (a truncated or hostile file,
/// a glTF with missing buffers) and says why in words a user understands. <see cref="Skipped"/> lists steps that
/// could not run because a tool is missing ("variants: vips is not installed"); the original is still served.
/// <see cref="Metadata"/> is shown in the API as-is: camelCase keys (width, height, durationSeconds, bitrate, title,
/// artist, album, trackNumber, year, codec, camera, takenAt, dominantColor, meshes, materials, textures, size, pages…).
/// </summary>
public sealed record ProcessingResult(JsonObject Metadata, IReadOnlyList<ProducedFile> Files, IReadOnlyList<string> Skipped, string? Failure = null)
{
    public static ProcessingResult Failed(string reason) => new([], [], [], reason);
}

/// <summary>Processes one kind of media. Implementations are registered as singletons and must be thread-safe.</summary>
public interface IMediaProcessor
{
    MediaKind Kind { get; }

    /// <summary>
    /// Reads the original, writes variants into the work folder. Throws only for transient trouble worth a retry
    /// (the job is retried); a file that will never process returns <see cref="ProcessingResult.Failed"/>.
    /// </summary>
    Task<ProcessingResult> ProcessAsync(ProcessingInput input, CancellationToken ct);
}
