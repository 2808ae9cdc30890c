using System.ComponentModel.DataAnnotations;

namespace Atelier.Platform.Storage;

public enum StorageProvider { Local, S3 }

/// <summary>Where media bytes live: <c>Atelier:Storage</c>.</summary>
public sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Local;

    /// <summary>For <see cref="StorageProvider.Local"/>: the folder; empty means <c>{DataPath}/media</c>.</summary>
    public string? LocalPath { get; set; }

    public S3Options S3 { get; set; } = new();
}

/// <summary>An S3-compatible bucket (AWS, MinIO, Garage, Ceph RGW…).</summary>
public sealed class S3Options
{
    /// <summary>The endpoint, e.g. <c>http://127.0.0.1:9000</c> for MinIO; empty for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    public string Region { get; set; } = "us-east-1";
    public string? Bucket { get; set; }
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }

    /// <summary>Path-style addressing (<c>host/bucket/key</c>), which MinIO, Garage and Ceph expect.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Prepended to every key, so several sites can share one bucket.</summary>
    [MaxLength(200)] public string Prefix { get; set; } = "";

    /// <summary>Create the bucket at start-up when it does not exist.</summary>
    public bool CreateBucket { get; set; } = true;
}

/// <summary>
/// Immutable blobs under keys the application makes (never from user input). Keys are content hashes, so writing a
/// key that exists is a no-op: the same bytes are stored once.
/// </summary>
public interface IBlobStorage
{
    /// <summary>Takes a finished local file into the store under <paramref name="key"/> and removes the file.</summary>
    Task PutFileAsync(string key, string localFile, string contentType, CancellationToken ct);

    Task<bool> ExistsAsync(string key, CancellationToken ct);

    /// <summary>Reads <paramref name="length"/> bytes (all the rest when null) from <paramref name="offset"/>.</summary>
    Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken ct);

    /// <summary>
    /// A local file with the blob's bytes for tools that need a path: the stored file itself on local disk (do not
    /// modify), or a copy downloaded into <paramref name="scratchFolder"/>.
    /// </summary>
    Task<string> GetLocalFileAsync(string key, string scratchFolder, CancellationToken ct);

    Task DeleteAsync(string key, CancellationToken ct);
}

/// <summary>Blobs as files: <c>{root}/ab/abcdef…</c>.</summary>
internal sealed class LocalBlobStorage(string root) : IBlobStorage
{
    public string Root { get; } = Path.GetFullPath(root);

    public Task PutFileAsync(string key, string localFile, string contentType, CancellationToken ct)
    {
        var target = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target))
        {
            File.Delete(localFile);
            return Task.CompletedTask;
        }
        try
        {
            File.Move(localFile, target);
        }
        catch (IOException) when (File.Exists(target))
        {
            File.Delete(localFile); // stored meanwhile by a concurrent upload of the same bytes
        }
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken ct) => Task.FromResult(File.Exists(PathOf(key)));

    public Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken ct)
    {
        var stream = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        stream.Position = offset;
        return Task.FromResult<Stream>(length is { } n ? new BoundedStream(stream, n) : stream);
    }

    public Task<string> GetLocalFileAsync(string key, string scratchFolder, CancellationToken ct)
    {
        var path = PathOf(key);
        return File.Exists(path) ? Task.FromResult(path) : throw new FileNotFoundException($"Blob {key} is missing from {Root}.");
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        BlobKeys.Validate(key);
        return Path.Combine(Root, key[..2], key);
    }
}

internal static class BlobKeys
{
    /// <summary>Keys are lowercase hex hashes; anything else is a bug, never a path.</summary>
    public static void Validate(string key)
    {
        if (key.Length != 64 || !key.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("A blob key is a SHA-256 in lowercase hex.", nameof(key));
        }
    }
}

/// <summary>Reads at most a given number of bytes from an inner stream, and disposes it.</summary>
internal sealed class BoundedStream(Stream inner, long limit) : Stream
{
    private readonly long _limit = limit;
    private long _left = limit;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _limit;
    public override long Position { get => _limit - _left; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_left <= 0)
        {
            return 0;
        }
        var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        _left -= read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_left <= 0)
        {
            return 0;
        }
        var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], ct);
        _left -= read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
