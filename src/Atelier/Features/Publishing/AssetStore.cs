using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Atelier.Platform;

namespace Atelier.Features.Publishing;

/// <summary>
/// Attachments on the local disk, content-addressed: <c>{DataPath}/assets/ab/abcdef….ext</c>. The same bytes are stored
/// once. (The media library issue replaces this with the shared storage interface and S3.)
/// </summary>
internal sealed class AssetStore(IOptions<AtelierOptions> options)
{
    private static readonly Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>The media type a file name stands for, or <c>application/octet-stream</c>.</summary>
    public static string ContentTypeOf(string fileName) =>
        ContentTypes.TryGetContentType(fileName, out var type) ? type : "application/octet-stream";

    private string Root => Path.Combine(options.Value.FullDataPath, "assets");

    /// <summary>Copies a file in, hashing it on the way; returns its SHA-256 and size.</summary>
    public async Task<(string Sha256, long Size)> PutFileAsync(string path, CancellationToken ct)
    {
        await using var source = File.OpenRead(path);
        return await PutAsync(source, ct);
    }

    /// <summary>Streams bytes in, hashing them on the way; returns their SHA-256 and size.</summary>
    public async Task<(string Sha256, long Size)> PutAsync(Stream source, CancellationToken ct)
    {
        Directory.CreateDirectory(Root);
        var temp = Path.Combine(Root, "upload-" + Guid.NewGuid().ToString("N"));
        string hash;
        long size;
        try
        {
            await using var target = File.Create(temp);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            size = target.Length;
        }
        catch
        {
            File.Delete(temp); // a cancelled or failed upload leaves nothing behind
            throw;
        }
        var final = PathOf(hash);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        try
        {
            File.Move(temp, final);
        }
        catch (IOException) when (File.Exists(final))
        {
            File.Delete(temp); // the same bytes are already stored (perhaps by a concurrent upload)
        }
        return (hash, size);
    }

    /// <summary>The stored file of a hash, or null; the hash is validated so no path comes from the request.</summary>
    public string? Find(string sha256) =>
        sha256.Length == 64 && sha256.All(char.IsAsciiHexDigitLower) && File.Exists(PathOf(sha256)) ? PathOf(sha256) : null;

    private string PathOf(string hash) => Path.Combine(Root, hash[..2], hash);
}
